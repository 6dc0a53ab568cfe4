/**
 * The compose files, read before anything starts (issue 9, defect 7): each must be a YAML mapping, and
 * together they must define a service (or `include` files that do). A syntax error names the file and line
 * (`compose-files (compose.yaml:4)`) — Compose's own message names neither reliably. The YAML is read with
 * the `yaml` package, as Compose reads it: YAML 1.2, duplicate keys refused
 * (https://docs.docker.com/reference/compose-file/); interpolation (`${VAR}`) is left to Compose.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserInputError } from '../../shared/src/runtime/errors.js';

const INPUT = 'compose-files';

/**
 * Reads one compose file; returns its top-level mapping.
 * @throws UserInputError naming `compose-files (<file>:<line>)` for invalid YAML, or the file when it is
 *   empty or not a mapping
 */
export function readComposeFile(file: string, projectDirectory: string): Record<string, unknown> {
  const shown = relative(projectDirectory, file) || file;
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    throw new UserInputError(
      `${INPUT} (${shown}:${at.line})`,
      `is not valid YAML: ${error.message.split('\n')[0]}`,
      `fix line ${at.line} of ${shown} (a value holding ": " needs quotes or a list, e.g. command: ["sleep", "300"])`,
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (value === null || value === undefined)
    throw new UserInputError(
      `${INPUT} (${shown})`,
      'is empty',
      'give a compose file that defines services, or remove it from compose-files',
    );
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UserInputError(
      `${INPUT} (${shown})`,
      `is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping of top-level keys (services, networks, volumes, …)`,
      'write the file as a Compose file: services:\\n  web:\\n    image: …',
    );
  return value as Record<string, unknown>;
}

/**
 * Checks every compose file, and that one of them defines a service (or includes other files).
 * @throws UserInputError naming the file (see `readComposeFile`), or the files when none defines a service
 */
export function checkComposeFiles(files: readonly string[], projectDirectory: string): void {
  const docs = files.map((file) => readComposeFile(file, projectDirectory));
  if (docs.some((doc) => doc.services || doc.include)) return;
  const shown = files.map((f) => relative(projectDirectory, f) || f).join(', ');
  throw new UserInputError(
    `${INPUT} (${shown})`,
    'defines no services',
    'add a services: section with at least one service, or list the file that has them',
  );
}
