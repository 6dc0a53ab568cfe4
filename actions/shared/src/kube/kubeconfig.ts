/**
 * The `kubeconfig` input: written to a 0600 file in RUNNER_TEMP (never to the workspace), its secret
 * fields masked before anything could print them, and removed by the post step.
 * Field names per https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UserInputError } from '../runtime/errors.js';
import { registerSecret } from '../runtime/secrets.js';
import { parseYamlInput } from '../runtime/yaml-input.js';

const SECRET_KEYS = new Set([
  'token',
  'password',
  'client-key-data',
  'client-certificate-data',
  'id-token',
  'refresh-token',
  'access-token',
  'client-secret',
]);

/** Registers every secret-looking value in a kubeconfig document (tokens, keys, passwords, auth-provider fields). */
export function maskKubeconfig(content: string): void {
  let doc: unknown;
  try {
    doc = parse(content);
  } catch {
    registerLinesFirst(content);
    return;
  }
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' && SECRET_KEYS.has(key)) {
          registerSecret(value);
          // base64 fields are also masked decoded, in case a tool prints the PEM
          if (key.endsWith('-data')) registerLinesFirst(Buffer.from(value, 'base64').toString('utf8'));
        } else walk(value);
      }
    }
  };
  walk(doc);
  // The whole document last: its `::add-mask::` line then shows only values already masked.
  registerLinesFirst(content);
}

/**
 * Registers each line of a multi-line value before the value itself: the `::add-mask::` command of a
 * multi-line value carries it %0A-escaped, which line masks registered earlier still cover.
 */
function registerLinesFirst(value: string): void {
  for (const line of value.split(/\r?\n/)) registerSecret(line.trim());
  registerSecret(value);
}

/**
 * Writes the kubeconfig content to `<runnerTemp>/ephemeral-kube-XXXX/config` with mode 0600 (masking its
 * secrets first).
 * @param runnerTemp RUNNER_TEMP (`RunContext.runnerTemp`): never the workspace
 * @returns the file path
 * @throws UserInputError naming `kubeconfig` (with line and column for a YAML syntax error) when the content
 *   is not a kubeconfig document
 */
export function writeKubeconfig(content: string, runnerTemp: string): string {
  maskKubeconfig(content);
  const doc = parseYamlInput(
    'kubeconfig',
    content,
    'pass the kubeconfig file content (a secret such as secrets.KUBECONFIG), not a path',
  ).value;
  if (!doc || typeof doc !== 'object' || !('clusters' in doc)) {
    throw new UserInputError(
      'kubeconfig',
      'is not a kubeconfig (no "clusters")',
      'pass the content of a kubeconfig file, not a path or a token',
    );
  }
  const dir = mkdtempSync(join(runnerTemp, 'ephemeral-kube-'));
  const path = join(dir, 'config');
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** Removes a kubeconfig written by `writeKubeconfig` (and its folder); missing is fine. */
export function removeKubeconfig(path: string): void {
  if (!path) return;
  rmSync(join(path, '..'), { recursive: true, force: true });
}
