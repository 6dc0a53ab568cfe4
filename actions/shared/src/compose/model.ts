/**
 * The resolved Compose model (`docker compose config --format json`, the subset the actions read), and its
 * secrets: environment values whose names look secret (isSecretName) are registered as secrets as soon as
 * the model is read (so the same value is masked anywhere else it shows up), and become `***` in the
 * redacted copy dumped to the diagnostics bundle; passwords in URLs are removed (docker/compose#12257).
 * Model reference: https://docs.docker.com/reference/compose-file/.
 */
import {
  isSecretName,
  redact,
  registerArgvSecrets,
  registerEnvSecrets,
  registerUrlSecrets,
} from '../runtime/secrets.js';

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
  command?: string[] | null;
  entrypoint?: string[] | null;
}

/**
 * Registers the secrets of every service (call right after resolving the config): secret-named environment
 * values, URL passwords in the others, and secret values on command lines (`--requirepass x`,
 * `TOKEN=x`, runtime/secret-text.ts).
 */
export function registerModelSecrets(model: ComposeModel): void {
  for (const service of Object.values(model.services ?? {})) {
    registerEnvSecrets(service.environment ?? {});
    for (const argv of [service.command, service.entrypoint, service.healthcheck?.test])
      if (argv) registerArgvSecrets(argv);
  }
}

/** A deep copy of `model` with secret values replaced by `***`. */
export function redactModel(model: ComposeModel): ComposeModel {
  const copy = structuredClone(model);
  for (const service of Object.values(copy.services ?? {})) {
    for (const key of Object.keys(service.environment ?? {})) {
      const value = service.environment![key];
      if (value === null || value === undefined) continue;
      service.environment![key] = isSecretName(key) ? '***' : registerUrlSecrets(value);
    }
    if (service.command) service.command = registerArgvSecrets(service.command);
    if (service.entrypoint) service.entrypoint = registerArgvSecrets(service.entrypoint);
  }
  return JSON.parse(redact(JSON.stringify(copy))) as ComposeModel;
}
