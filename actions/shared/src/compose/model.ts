/**
 * The resolved Compose model (`docker compose config --format json`, the subset the actions read), and its
 * secrets: environment values whose names look secret (isSecretName) are registered as secrets as soon as
 * the model is read (so the same value is masked anywhere else it shows up), and become `***` in the
 * redacted copy dumped to the diagnostics bundle; passwords in URLs are removed (docker/compose#12257).
 * Model reference: https://docs.docker.com/reference/compose-file/.
 */
import {
  isSecretName,
  redactValue,
  registerArgvSecrets,
  registerEnvSecrets,
  registerUrlSecrets,
} from '../runtime/secrets.js';

/** The subset of the resolved Compose model the actions read. */
export interface ComposeModel {
  name?: string;
  services?: Record<string, ComposeService>;
  networks?: Record<string, ComposeResource | null>;
  volumes?: Record<string, ComposeResource | null>;
}

/** A top-level network or volume. `config` always fills in `name` (`<project>_<key>` by default). */
export interface ComposeResource {
  external?: boolean;
  name?: string;
  labels?: Record<string, string>;
}

/** One resolved service (subset). */
export interface ComposeService {
  container_name?: string;
  network_mode?: string;
  image?: string;
  build?: { context?: string; dockerfile?: string; labels?: Record<string, string> } | null;
  /** Service → condition; Compose resolves the short list form to `service_started`. */
  depends_on?: Record<string, { condition?: string; required?: boolean; restart?: boolean } | null>;
  /** Network key → attachment options; `null` when attached without options. */
  networks?: Record<string, { aliases?: string[] } | null>;
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
 * The services a run starts: `requested` (empty = every service in the model) and, transitively, what they
 * depend on, as `docker compose up <services…>` starts them. Sorted.
 */
export function selectedServices(model: ComposeModel, requested: readonly string[]): string[] {
  const services = model.services ?? {};
  if (requested.length === 0) return Object.keys(services).sort();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !services[name]) return;
    seen.add(name);
    for (const dependency of Object.keys(services[name]!.depends_on ?? {})) visit(dependency);
  };
  for (const name of requested) visit(name);
  return [...seen].sort();
}

/** Why a service counts as a one-shot (for the summary). */
export type OneShotReason = 'completed-dependency' | 'input' | 'restart-no';

/**
 * Whether the files give `service` a healthcheck that runs: one that is neither `disable: true` nor
 * `test: ["NONE"]` (https://docs.docker.com/reference/compose-file/services/#healthcheck). One that only
 * the image's Dockerfile declares is known to the engine, not to the model.
 */
export function hasHealthcheck(service: ComposeService | undefined): boolean {
  const check = service?.healthcheck;
  return !!check && !check.disable && check.test?.[0] !== 'NONE';
}

/**
 * Which services are one-shots (run to completion; exit 0 = done), and why. The rule (provision-compose's
 * usage, "One-shots"):
 * 1. a service another service waits for with `condition: service_completed_successfully` (Compose's own
 *    notion: https://docs.docker.com/reference/compose-file/services/#long-syntax-1);
 * 2. a service named in the `one-shots` input;
 * 3. when `one-shots` is empty: a service that writes `restart: "no"` and has neither a healthcheck nor ports.
 * A one-shot is done once it exited 0; the environment is not ready before; a non-zero exit fails it.
 * @param declared the `one-shots` input (service names)
 */
export function oneShots(model: ComposeModel, declared: readonly string[]): Map<string, OneShotReason> {
  const result = new Map<string, OneShotReason>();
  const services = model.services ?? {};
  for (const service of Object.values(services)) {
    for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
      if (spec?.condition === 'service_completed_successfully' && services[dependency])
        result.set(dependency, 'completed-dependency');
    }
  }
  for (const name of declared) if (!result.has(name) && services[name]) result.set(name, 'input');
  if (declared.length === 0) {
    for (const [name, service] of Object.entries(services)) {
      const ports = (service.ports ?? []).length > 0;
      if (!result.has(name) && service.restart === 'no' && !hasHealthcheck(service) && !ports)
        result.set(name, 'restart-no');
    }
  }
  return result;
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
  return redactValue(copy);
}
