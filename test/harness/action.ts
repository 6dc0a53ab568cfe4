/**
 * Loading an action the way the runner does while setting up a job (ActionManifestManager): `runs.using`
 * must be a JavaScript runtime, its scripts must exist, and each input's default (`${{ }}` expressions
 * allowed) is what the step gets when `with` leaves it out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Annotation } from './commands.js';
import { type ExpressionScope, interpolate } from './expression.js';

interface ActionInput {
  name: string;
  default: string;
  deprecationMessage?: string;
}

/** What the harness needs of an action.yml. */
export interface ActionManifest {
  dir: string;
  inputs: ActionInput[];
  main: string;
  post?: string;
  postIf: string;
}

const NODE_RUNTIMES = new Set(['node12', 'node16', 'node20', 'node24']);

function readInputs(doc: Record<string, unknown> | null): ActionInput[] {
  const inputs: ActionInput[] = [];
  const rawInputs = (doc?.inputs ?? {}) as Record<string, Record<string, string | null> | null>;
  for (const [name, meta] of Object.entries(rawInputs)) {
    const input: ActionInput = { name, default: meta?.default ?? '' };
    if (meta?.deprecationMessage != null) input.deprecationMessage = meta.deprecationMessage;
    inputs.push(input);
  }
  return inputs;
}

/**
 * Loads `<actionsRoot>/<uses>/action.yml` (or `action.yaml`).
 * @throws Error when it is missing, not a JavaScript action, or its scripts are not bundled
 */
export function loadAction(actionsRoot: string, uses: string): ActionManifest {
  const dir = path.resolve(actionsRoot, uses);
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`Can't find 'action.yml' or 'action.yaml' under '${dir}' (uses: ${uses})`);
  const doc = parseYaml(fs.readFileSync(file, 'utf8'), { schema: 'failsafe' }) as Record<
    string,
    unknown
  > | null;
  const runs = (doc?.runs ?? null) as Record<string, string | null> | null;
  if (!runs || typeof runs !== 'object') throw new Error(`${file}: missing 'runs'`);
  const using = String(runs.using ?? '').toLowerCase();
  if (!NODE_RUNTIMES.has(using))
    throw new Error(`${file}: runs.using '${runs.using}' is not a JavaScript runtime`);
  if (!runs.main) throw new Error(`${file}: runs.main is required`);
  const manifest: ActionManifest = {
    dir,
    inputs: readInputs(doc),
    main: path.resolve(dir, runs.main),
    postIf: runs['post-if'] ?? 'always()',
  };
  if (runs.post) manifest.post = path.resolve(dir, runs.post);
  for (const script of [manifest.main, manifest.post]) {
    if (script && !fs.existsSync(script))
      throw new Error(`${file}: script not found: ${script} (run the bundle first?)`);
  }
  return manifest;
}

/** `INPUT_<NAME>`: spaces become `_`, upper case (the runner's rule). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * The step's inputs: `with` values, then the defaults (evaluated in `scope`) of inputs it left out; runner
 * warnings for deprecated and unexpected inputs go to `note`.
 */
export function resolveInputs(
  manifest: ActionManifest,
  given: Record<string, string>,
  scope: ExpressionScope,
  note: (level: Annotation['level'], message: string) => void,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  const declared = new Map(manifest.inputs.map((i) => [i.name.toUpperCase(), i]));
  const unexpected: string[] = [];
  for (const [k, v] of Object.entries(given)) {
    inputs[k] = String(v);
    const decl = declared.get(k.toUpperCase());
    if (!decl) unexpected.push(k);
    else if (decl.deprecationMessage !== undefined) {
      note('warning', `Input '${k}' has been deprecated with message: ${decl.deprecationMessage}`);
    }
  }
  const givenUpper = new Set(Object.keys(given).map((k) => k.toUpperCase()));
  for (const input of manifest.inputs) {
    if (givenUpper.has(input.name.toUpperCase())) continue;
    let value = '';
    try {
      value = interpolate(input.default, scope);
    } catch {
      value = ''; // an expression the harness can't evaluate
    }
    inputs[input.name] = value;
  }
  if (unexpected.length > 0) {
    note(
      'warning',
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${manifest.inputs.map((i) => i.name).join("', '")}']`,
    );
  }
  return inputs;
}
