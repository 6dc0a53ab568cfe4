/**
 * Whether a program an input names can be started, checked before anything runs, so a wrong `kubectl`,
 * `helm` or `seed-command` fails naming its input instead of ending in `spawn … ENOENT` halfway through.
 * The lookup is the one `spawn` does: a name with a `/` is a path (relative to `cwd`), any other name is
 * searched in PATH (https://nodejs.org/api/child_process.html#child_processspawncommand-args-options).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserInputError } from '../runtime/errors.js';

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executable file `program` starts, or null.
 * @param cwd where a relative path resolves (the process's cwd)
 * @param path the PATH to search (default process.env.PATH)
 */
export function findProgram(
  program: string,
  cwd = process.cwd(),
  path = process.env.PATH ?? '',
): string | null {
  if (program === '') return null;
  if (program.includes('/')) {
    const full = isAbsolute(program) ? program : resolve(cwd, program);
    return executable(full) ? full : null;
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const full = join(dir, program);
    if (executable(full)) return full;
  }
  return null;
}

/**
 * Checks that `program` (from `input`) can be started.
 * @throws UserInputError naming `input` and the fix
 */
export function requireProgram(input: string, program: string, fix: string, cwd = process.cwd()): string {
  const found = findProgram(program, cwd);
  if (found) return found;
  throw new UserInputError(
    input,
    program.includes('/')
      ? `"${program}" is not an executable file`
      : `"${program}" is not a program on PATH (or not executable)`,
    fix,
  );
}
