/**
 * Secret values known to this process. Registering masks the value in the runner's log (`core.setSecret`)
 * and records it so `redact()` can remove it from files the runner never masks: the JSON report, the
 * diagnostics bundle and config dumps (actions/runner#475: masking only covers the log).
 */
import * as core from '@actions/core';
import { isSecretName, redactArgv, redactUrls } from './secret-text.js';

export { isSecretName } from './secret-text.js';

const secrets = new Set<string>();

/** Values shorter than this are not registered: masking `1` or `on` would mangle every log line. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Masks `value` in the log and records it for `redact`. Multi-line values are registered line by line
 * as well, since the runner matches masks per line (cardinalby/export-env-action#5).
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  const parts = [value, ...value.split(/\r?\n/).map((line) => line.trim())];
  for (const part of parts) {
    if (part.length < MIN_SECRET_LENGTH || secrets.has(part)) continue;
    secrets.add(part);
    core.setSecret(part);
  }
}

/**
 * Replaces every registered secret in `text` with `***`, longest first, and every URL password and
 * secret-named query value (secret-text.ts), registered or not.
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return redactUrls(out).text;
}

/**
 * A deep copy of a JSON-shaped value with `redact` applied to every string and key; a number or boolean
 * whose text holds a secret becomes the redacted string. Redacting the serialised text instead would turn
 * `"ok": false` into `"ok": ***` (invalid JSON) when `false` is a registered secret, and miss secrets that
 * JSON escapes (quotes, backslashes, newlines).
 * @param value what `JSON.stringify` would accept; functions and undefined are dropped as it drops them
 */
export function redactValue<T>(value: T): T {
  return redactNode(JSON.parse(JSON.stringify(value) ?? 'null')) as T;
}

function redactNode(node: unknown): unknown {
  if (typeof node === 'string') return redact(node);
  if (typeof node === 'number' || typeof node === 'boolean') {
    const text = String(node);
    const shown = redact(text);
    return shown === text ? node : shown;
  }
  if (Array.isArray(node)) return node.map(redactNode);
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [redact(k), redactNode(v)]));
  return node;
}

/**
 * Registers the URL passwords and secret-named query values in `text` (secret-text.ts).
 * @returns `text` with them replaced by `***`
 */
export function registerUrlSecrets(text: string): string {
  const found = redactUrls(text);
  for (const secret of found.secrets) registerSecret(secret);
  return found.text;
}

/**
 * Registers the secret values of a command line — values of secret-named flags and `NAME=value`
 * arguments, URL passwords (secret-text.ts) — and returns it as shown in logs and reports.
 */
export function registerArgvSecrets(argv: readonly string[]): string[] {
  const found = redactArgv(argv);
  for (const secret of found.secrets) registerSecret(secret);
  return found.argv;
}

/**
 * Registers a header's value when its name is secret (Authorization, Proxy-Authorization, Cookie,
 * X-Api-Key, X-Auth-Token, …: isSecretName), and the credential of `Bearer <token>` / `Basic <b64>`.
 */
export function registerHeaderSecret(name: string, value: string): void {
  if (!isSecretName(name)) return;
  registerSecret(value);
  const token = /^\s*\S+\s+(\S{4,})\s*$/.exec(value)?.[1];
  if (token) registerSecret(token);
}

/**
 * Registers the secrets of environment variables: the value of every secret-named one (isSecretName), and
 * URL passwords in the others.
 * @param env `NAME=value` strings (as `docker inspect` lists them) or a name → value map
 */
export function registerEnvSecrets(env: readonly string[] | Record<string, string | null | undefined>): void {
  const pairs = Array.isArray(env)
    ? env.map((e) => [e.slice(0, Math.max(0, e.indexOf('='))), e.slice(e.indexOf('=') + 1)] as const)
    : Object.entries(env);
  for (const [name, value] of pairs) {
    if (!value) continue;
    if (isSecretName(name)) registerSecret(value);
    else registerUrlSecrets(value);
  }
}

/** Every secret value registered so far (the fingerprint seals them: fingerprint/secret-seal.ts). */
export function registeredSecrets(): string[] {
  return [...secrets];
}

/** For tests: forget every registered secret. */
export function clearSecretsForTests(): void {
  secrets.clear();
}
