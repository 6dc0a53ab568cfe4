/**
 * The content of the Compose `configs:` and `secrets:` that the deployed services use. The model holds only
 * their definitions: a `file:` source is a path and an `environment:` source a variable's name, so without
 * this a changed config file deployed another environment under the same fingerprint. (`content:` is in the
 * model, interpolated, and is hashed with the definition: compose-model.ts.)
 *
 * - a config enters as `compose.configs.<name>.content`: `sha256:` of its bytes (text with CRLF as LF,
 *   canonical.ts), of the file list for a directory; known secrets in it are sealed first (secret-seal.ts);
 * - a secret enters as `compose.secrets.<name>.content`: sealed (an HMAC keyed by `fingerprint-key`, or
 *   `***`, counted in the note). Its bytes, and any unkeyed digest of them, never enter.
 *
 * Compose resolves both at `up`, not at `config`: `config` (v2.26) accepts a missing file and an unset
 * variable, and `up` then fails after creating the project's network ("bind source path does not exist",
 * "environment variable "X" required by file … is not set"). Here both are an error naming the entry before
 * anything starts. Sources: https://docs.docker.com/reference/compose-file/configs/ and
 * https://docs.docker.com/reference/compose-file/secrets/.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserInputError } from '../runtime/errors.js';
import { registerSecret } from '../runtime/secrets.js';
import { contextFiles } from './build-context.js';
import { canonicalJson, hashContent, posixPath, sha256 } from './canonical.js';
import type { ModelContext, ResolvedModel } from './compose-model.js';
import { SecretSeal } from './secret-seal.js';

/** The two sections whose sources are read. */
export type SourceSection = 'configs' | 'secrets';

/** One config or secret definition, as `config --format json` prints it (the fields read here). */
export interface SourceDefinition {
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
}

/** A config or secret a deployed service (or its build) uses. */
export interface UsedSource {
  section: SourceSection;
  name: string;
  definition: SourceDefinition;
}

/** The names a service's `configs`/`secrets` (and `build.secrets`) list: `name` or `{source: name}`. */
function referenced(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => (typeof item === 'string' ? item : (item as { source?: unknown } | null)?.source))
    .filter((name): name is string => typeof name === 'string');
}

/** The configs and secrets the model's services use, sorted by section and name (pure). */
export function usedSources(model: ResolvedModel): UsedSource[] {
  const names: Record<SourceSection, Set<string>> = { configs: new Set(), secrets: new Set() };
  for (const service of Object.values(model.services ?? {})) {
    for (const name of referenced(service.configs)) names.configs.add(name);
    for (const name of referenced(service.secrets)) names.secrets.add(name);
    const build = typeof service.build === 'object' ? service.build : undefined;
    for (const name of referenced(build?.secrets)) names.secrets.add(name);
  }
  const out: UsedSource[] = [];
  for (const section of ['configs', 'secrets'] as const) {
    const defs = (model[section] ?? {}) as Record<string, SourceDefinition | null>;
    for (const name of [...names[section]].sort()) {
      const definition = defs[name];
      if (definition) out.push({ section, name, definition });
    }
  }
  return out;
}

/** The variables the used `environment:` sources read (their values: `sourceEntries`' `env`). */
export function sourceVariables(model: ResolvedModel): string[] {
  const vars = usedSources(model)
    .map((s) => s.definition.environment)
    .filter((v): v is string => typeof v === 'string' && v !== '');
  return [...new Set(vars)].sort();
}

/** The content of a `file:` source, as one text: the file (CRLF as LF) or a directory's file list. */
function readSource(path: string): { text: string; digest: string } {
  if (statSync(path).isDirectory()) {
    const list = canonicalJson(contextFiles(path, '').map((f) => [f.path, f.kind, f.sha256]));
    return { text: list, digest: sha256(list) };
  }
  const bytes = readFileSync(path);
  const binary = bytes.subarray(0, 8000).includes(0);
  const text = binary ? `base64:${bytes.toString('base64')}` : bytes.toString('utf8').replace(/\r\n/g, '\n');
  return { text, digest: hashContent(bytes) };
}

function missing(used: UsedSource, problem: string, fix: string): UserInputError {
  const key = used.section.slice(0, -1);
  return new UserInputError(
    `compose-files (${used.section}.${used.name})`,
    `the ${key} "${used.name}" ${problem}`,
    fix,
  );
}

/**
 * `compose.<section>.<name>.content` for every used config and secret with a `file:` or `environment:`
 * source (external ones are not this project's; `content:` is in the model).
 * @param env the values of `sourceVariables(model)` as Compose resolves them (shell environment, then the
 *   env files); a variable that is not set is absent
 * @throws UserInputError naming `<section>.<name>` and the path or variable, when a file does not exist or
 *   a variable is not set
 */
export function sourceEntries(
  model: ResolvedModel,
  ctx: ModelContext,
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  const seal = ctx.seal ?? new SecretSeal('');
  const entries: Record<string, string> = {};
  for (const used of usedSources(model)) {
    const { file, environment } = used.definition;
    let text: string;
    let digest: string;
    if (typeof file === 'string') {
      if (!existsSync(file)) {
        const dir = ctx.projectDirectory.replace(/[\\/]+$/, '');
        const shown = file.startsWith(`${dir}/`) ? `./${posixPath(file.slice(dir.length + 1))}` : file;
        throw missing(
          used,
          `reads the file ${shown}, which does not exist (docker compose up would fail after creating the network)`,
          `create ${shown} in an earlier step (a ${used.section === 'secrets' ? 'secret from the repository secrets' : 'checked-in file'}), or fix the path in ${used.section}.${used.name}.file`,
        );
      }
      ({ text, digest } = readSource(file));
    } else if (typeof environment === 'string' && environment !== '') {
      const value = env[environment];
      if (value === undefined)
        throw missing(
          used,
          `reads the variable ${environment}, which is not set (docker compose up would fail after creating the network)`,
          `set ${environment} in the step's env (from a repository secret for a secret) or in an env file`,
        );
      text = value;
      digest = sha256(value);
    } else continue;
    const key = `compose.${used.section}.${used.name}.content`;
    if (used.section === 'secrets') {
      registerSecret(text.trimEnd()); // masked wherever it might be printed (each line too)
      seal.learn(text); // and sealed wherever the model holds it (a healthcheck reading it)
      entries[key] = seal.seal(text);
    } else {
      const sealed = seal.sealText(text);
      entries[key] = sealed === text ? digest : sha256(sealed);
    }
  }
  return entries;
}
