/**
 * A missing `env_file` — a file each developer is expected to create — named with the service that needs
 * it and a fix, instead of Compose's bare "env file … not found" (issue 8).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserInputError } from '../../shared/src/runtime/errors.js';

/** `env file /abs/path not found` (Compose v2's `config` error). */
const MISSING_ENV_FILE = /env file (\S+) not found/;

/**
 * The services of `files` whose `env_file` names `missing` (an absolute path), as `services.<name>.env_file`.
 * Reads the files as plain YAML; a file that does not parse is skipped (Compose reported it already).
 */
export function envFileOwners(files: readonly string[], projectDirectory: string, missing: string): string[] {
  const owners: string[] = [];
  for (const file of files) {
    let doc: { services?: Record<string, { env_file?: unknown } | null> } | null;
    try {
      doc = parse(readFileSync(file, 'utf8')) as typeof doc;
    } catch {
      continue;
    }
    for (const [name, service] of Object.entries(doc?.services ?? {})) {
      const raw = service?.env_file;
      const entries = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((e) =>
        typeof e === 'string' ? e : String((e as { path?: unknown } | null)?.path ?? ''),
      );
      const bases = [projectDirectory, dirname(file)];
      if (entries.some((e) => bases.some((base) => resolve(base, e) === missing)))
        owners.push(`services.${name}.env_file`);
    }
  }
  return owners;
}

/**
 * The error for Compose's `config` output `text`, when it says an env_file is missing; null otherwise.
 * @param files the compose files, absolute
 */
export function missingEnvFileError(
  text: string,
  files: readonly string[],
  projectDirectory: string,
): UserInputError | null {
  const missing = MISSING_ENV_FILE.exec(text)?.[1];
  if (!missing) return null;
  const owners = envFileOwners(files, projectDirectory, missing);
  const services = owners.map((o) => o.split('.')[1]).join(', ');
  return new UserInputError(
    owners.length > 0 ? `compose-files (${owners.join(', ')})` : 'compose-files (env_file)',
    `the env_file "${missing}" does not exist${owners.length > 0 ? ` (service ${services} reads it)` : ''}`,
    `create ${missing} in an earlier step (from a secret, or a checked-in example such as .env.example), or mark it optional in the compose file (env_file: [{path: …, required: false}], Compose ≥ 2.24)`,
  );
}
