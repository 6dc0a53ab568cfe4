/**
 * Secret values known to this process. Registering masks the value in the runner's log (`core.setSecret`)
 * and records it so `redact()` can remove it from files the runner never masks: the JSON report, the
 * diagnostics bundle and config dumps (actions/runner#475: masking only covers the log).
 */
import * as core from '@actions/core';

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

/** Replaces every registered secret in `text` with `***`, longest first. */
export function redact(text: string): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out;
}

/** Environment variable names whose values are treated as secrets in config dumps. */
export const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|dsn|session[_-]?key|access[_-]?key)/i;

/** Removes the password from a URL's userinfo: `postgres://u:pw@h/db` → `postgres://u:***@h/db`. */
export function redactUrlPassword(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi, '$1:***@');
}

/** For tests: forget every registered secret. */
export function clearSecretsForTests(): void {
  secrets.clear();
}
