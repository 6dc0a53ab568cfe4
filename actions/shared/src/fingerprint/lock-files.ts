/**
 * Declared dependency manifests (`lock-files` input: globs such as `**\/package-lock.json`, `go.sum`),
 * hashed by content. Globs are matched with `tinyglobby` against the workspace, dot files included,
 * never inside `node_modules/` or `.git/` (an installed package's own lock file is not the project's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { UserInputError } from '../runtime/errors.js';
import { hashContent, posixPath } from './canonical.js';

/** Directories never searched. */
export const LOCK_FILES_IGNORED = ['**/node_modules/**', '**/.git/**'];

/**
 * `lock-files.<path>` → `sha256:<hex>` for every file the patterns match, paths relative to `root`.
 * @param input the input name for errors
 * @throws UserInputError naming the pattern when one matches no file (a typo would otherwise lock nothing)
 */
export function lockFileEntries(
  patterns: readonly string[],
  root: string,
  input = 'lock-files',
): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const pattern of patterns) {
    const matches = globSync(posixPath(pattern), {
      cwd: root,
      dot: true,
      onlyFiles: true,
      ignore: LOCK_FILES_IGNORED,
      expandDirectories: false,
    });
    if (matches.length === 0) {
      throw new UserInputError(
        input,
        `"${pattern}" matches no file under ${root}`,
        'fix the pattern (globs are relative to the workspace, e.g. **/package-lock.json), or remove it',
      );
    }
    for (const match of matches) {
      const rel = posixPath(match);
      entries[`lock-files.${rel}`] = hashContent(readFileSync(join(root, rel)));
    }
  }
  return entries;
}
