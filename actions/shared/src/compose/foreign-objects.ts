/**
 * Networks and volumes a deploy would adopt (issue 9, defect 6). Compose reuses an existing network or
 * volume of the name it would create (`<project>_<key>`) even when Compose's own labels are missing, so a
 * pre-existing object someone else made would be mounted and written to. Before `up`, every network and
 * volume of the model named after the environment must either not exist or carry this environment's labels
 * (ownership.ts's rule); otherwise the deploy is refused, naming the object and the fix. External ones are
 * shared on purpose and not checked. The objects are listed while Compose resolves the model
 * (`existingObjects`), then checked against it (`refuseForeignObjects`).
 */
import { belongsTo, LABELS, MANAGED_BY } from '../environment/labels.js';
import { mustSucceed, type Runner, run } from '../exec/cli.js';
import { SetupError } from '../runtime/errors.js';
import { viaEngine } from './engine.js';
import { listNamed } from './engine-reads.js';
import type { ComposeModel } from './model.js';

/** A network or volume by the name Compose gives it. */
export interface NamedObject {
  kind: 'network' | 'volume';
  name: string;
}

/**
 * The model's non-external networks and volumes, by the name they get in this environment: `<project>_<key>`
 * (Compose's own default, and what isolation-names.ts's override gives one with a fixed `name:`), pure.
 */
export function environmentObjects(model: ComposeModel, project: string): NamedObject[] {
  const out: NamedObject[] = [];
  for (const kind of ['network', 'volume'] as const) {
    for (const [key, definition] of Object.entries(model[`${kind}s`] ?? {})) {
      if (definition?.external) continue;
      out.push({ kind, name: `${project}_${key}` });
    }
  }
  return out;
}

/** The labels of existing networks and volumes, by `<kind>:<name>`: what `existingObjects` found. */
export type ExistingObjects = ReadonlyMap<string, Record<string, string>>;

/** `docker <kind> ls` argv: the objects whose name contains `<project>_`, with the two labels the rule reads. */
export function existingObjectsArgs(kind: NamedObject['kind'], project: string): string[] {
  const columns = ['{{.Name}}', ...[LABELS.managedBy, LABELS.environment].map((l) => `{{.Label "${l}"}}`)];
  return ['docker', kind, 'ls', '--filter', `name=${project}_`, '--format', columns.join('\t')];
}

/**
 * The networks and volumes whose name could be one of the environment's (`<project>_<key>`), with their
 * labels: one `ls` per kind, both at once, no `inspect`. The engine's `name` filter matches any part of the
 * name (https://docs.docker.com/reference/cli/docker/network/ls/#name,
 * https://docs.docker.com/reference/cli/docker/volume/ls/#name), so this is a superset; the check compares
 * exact names. Needs no model, so it runs while Compose resolves it.
 * @throws ToolError when docker fails (the engine did not answer)
 */
export async function existingObjects(project: string, runner: Runner = run): Promise<ExistingObjects> {
  const found = new Map<string, Record<string, string>>();
  const keys = [LABELS.managedBy, LABELS.environment];
  const lists = await Promise.all(
    (['network', 'volume'] as const).map(async (kind) => {
      const objects = await viaEngine(
        runner,
        (engine) => listNamed(engine, kind, `${project}_`, keys),
        async () => {
          const result = mustSucceed(await runner(existingObjectsArgs(kind, project), { timeoutMs: 60_000 }));
          return parseExisting(result.stdout);
        },
      );
      return [kind, objects] as const;
    }),
  );
  for (const [kind, objects] of lists)
    for (const { name, labels } of objects) found.set(`${kind}:${name}`, labels);
  return found;
}

/** Parses `existingObjectsArgs` output: each object's name and the labels it carries (pure). */
export function parseExisting(stdout: string): Array<{ name: string; labels: Record<string, string> }> {
  const out: Array<{ name: string; labels: Record<string, string> }> = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [name = '', managedBy = '', environment = ''] = line.split('\t');
    const labels: Record<string, string> = {};
    if (managedBy) labels[LABELS.managedBy] = managedBy;
    if (environment) labels[LABELS.environment] = environment;
    out.push({ name, labels });
  }
  return out;
}

/**
 * Refuses a deploy over an existing network or volume named after environment `project` that lacks its
 * labels; nothing is touched (pure over what `existingObjects` listed).
 * @throws SetupError naming the object (`volume "<name>"`) and the fix
 */
export function refuseForeignObjects(model: ComposeModel, project: string, existing: ExistingObjects): void {
  for (const object of environmentObjects(model, project)) {
    const labels = existing.get(`${object.kind}:${object.name}`);
    if (labels === undefined || belongsTo(labels, project)) continue;
    throw new SetupError(
      `${object.kind} "${object.name}" already exists without the ${LABELS.managedBy}=${MANAGED_BY} and ${LABELS.environment}=${project} labels: it was not created by these actions, and Compose would ${object.kind === 'volume' ? 'mount it and write to it' : 'attach the services to it'}; nothing was started`,
      `remove it if it is not needed (docker ${object.kind} rm ${object.name}), or give the environment another name (input "name")`,
    );
  }
}
