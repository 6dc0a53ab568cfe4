/**
 * Redacts a resolved Compose model before it is dumped to the diagnostics bundle: environment values
 * whose names look secret (SECRET_NAME) become `***` and are registered as secrets (so the same value is
 * masked anywhere else it shows up), and passwords in URLs are removed (docker/compose#12257).
 */
import type { ComposeModel } from './isolation.js';
import { redact, redactUrlPassword, registerSecret, SECRET_NAME } from './secrets.js';

/** Registers the secret-looking environment values of every service (call right after resolving the config). */
export function registerModelSecrets(model: ComposeModel): void {
  for (const service of Object.values(model.services ?? {})) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (value && SECRET_NAME.test(key)) registerSecret(value);
      if (value) {
        const url = /:\/\/[^\s:/@]+:([^\s@/]+)@/.exec(value);
        if (url?.[1]) registerSecret(url[1]);
      }
    }
  }
}

/** A deep copy of `model` with secret values replaced by `***`. */
export function redactModel(model: ComposeModel): ComposeModel {
  const copy = structuredClone(model);
  for (const service of Object.values(copy.services ?? {})) {
    for (const key of Object.keys(service.environment ?? {})) {
      const value = service.environment![key];
      if (value === null || value === undefined) continue;
      service.environment![key] = SECRET_NAME.test(key) ? '***' : redactUrlPassword(value);
    }
  }
  return JSON.parse(redact(JSON.stringify(copy))) as ComposeModel;
}
