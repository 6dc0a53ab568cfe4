/**
 * The `manifests` input's files, parsed before anything starts: a YAML error fails the step naming the
 * file and line instead of reaching `kubectl apply` after the namespace exists (issue 9). Which files:
 * what `kubectl apply --filename <dir> --recursive` reads — files ending in .yaml, .yml or .json, at any
 * depth (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/); a file named directly
 * is read whatever its extension.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { UserInputError } from '../../shared/src/runtime/errors.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The manifest files under `path` (itself when it is a file), sorted. */
export function manifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && MANIFEST_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Parses every manifest file (YAML 1.2; JSON is YAML) under the given paths.
 * @param input the input name, for errors
 * @param paths absolute files or directories, each known to exist
 * @param workspace for the relative path shown in errors
 * @returns `paths` unchanged
 * @throws UserInputError naming `input (file:line)` and the parser's message for the first bad file
 */
export function checkManifests(input: string, paths: string[], workspace: string): string[] {
  for (const file of paths.flatMap(manifestFiles)) {
    const lines = new LineCounter();
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter: lines })) {
      const error = doc.errors[0];
      if (!error) continue;
      const at = lines.linePos(error.pos[0]);
      throw new UserInputError(
        `${input} (${relative(workspace, file) || file}:${at.line})`,
        `is not valid YAML: ${error.message.split('\n')[0]}`,
        'fix the manifest so that kubectl can read it',
      );
    }
  }
  return paths;
}
