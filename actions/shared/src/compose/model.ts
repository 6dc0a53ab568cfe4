/**
 * The resolved Compose model (`docker compose config --format json`, the subset the actions read), and its
 * secrets: environment values whose names look secret (SECRET_NAME) are registered as secrets as soon as
 * the model is read (so the same value is masked anywhere else it shows up), and become `***` in the
 * redacted copy dumped to the diagnostics bundle; passwords in URLs are removed (docker/compose#12257).
 * Model reference: https://docs.docker.com/reference/compose-file/.
 */
import { redact, redactUrlPassword, registerSecret, SECRET_NAME } from '../runtime/secrets.js';

/** The subset of the resolved Compose model the actions read. */
export interface ComposeModel {
  name?: string;
  services?: Record<string, ComposeService>;
  networks?: Record<string, { external?: boolean; name?: string } | null>;
  volumes?: Record<string, { external?: boolean; name?: string } | null>;
}

/** One resolved service (subset). */
export interface ComposeService {
  container_name?: string;
  network_mode?: string;
  ports?: Array<{
    target: number;
    published?: string | number;
    host_ip?: string;
    protocol?: string;
    mode?: string;
    name?: string;
    app_protocol?: string;
  }>;
  labels?: Record<string, string>;
  restart?: string;
  environment?: Record<string, string | null>;
  healthcheck?: { disable?: boolean; test?: string[] };
}

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
