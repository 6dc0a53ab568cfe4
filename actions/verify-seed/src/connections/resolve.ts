/**
 * From the spec's connection texts to what the drivers get, still before anything connects:
 * `${VAR}` from the step's environment (spec/interpolate.ts), then `{service:port}` from provision-compose's
 * `services` (shared/placeholders.ts), then the URL's scheme. Every password — in a URL, a `password`
 * field, an exec target, a variable whose name looks secret, an Authorization-like header — is registered
 * with `registerSecret` here, so the runner masks it in the log and `redact` removes it from the report
 * (actions/runner#475: masking covers only the log). A URL that carries a password is registered whole too.
 * Check-level texts (SQL params, HTTP headers) are interpolated the same way.
 */

import { expandPlaceholders } from '../../../shared/src/compose/placeholders.js';
import type { ServiceMap } from '../../../shared/src/compose/status.js';
import { UserInputError } from '../../../shared/src/runtime/errors.js';
import {
  isSecretName,
  registerHeaderSecret,
  registerSecret,
  registerUrlSecrets,
} from '../../../shared/src/runtime/secrets.js';
import { SpecError, type SpecIssue } from '../spec/document.js';
import { interpolate, UnsetVariableError } from '../spec/interpolate.js';
import type { Check, ConnectionSpec, ExecTarget, SourceLocation, Spec } from '../spec/types.js';

/** A connection ready to open: final texts, no placeholders. */
export interface ResolvedConnection {
  name: string;
  kind: ConnectionSpec['kind'];
  /** The final URL, or undefined for exec. */
  url?: string;
  user?: string;
  password?: string;
  database?: string;
  exec?: ExecTarget;
  headers: Record<string, string>;
}

const SCHEMES: Record<ConnectionSpec['kind'], readonly string[]> = {
  postgres: ['postgres:', 'postgresql:'],
  mysql: ['mysql:', 'mariadb:'],
  mariadb: ['mysql:', 'mariadb:'],
  redis: ['redis:', 'rediss:'],
  http: ['http:', 'https:'],
};

class Resolver {
  readonly issues: SpecIssue[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly services: ServiceMap,
  ) {}

  private issue(at: SourceLocation, path: string, message: string): void {
    this.issues.push({ at, path, message });
  }

  /** Interpolates `text`; registers secret-named variables. Undefined (and an issue) when a variable is unset. */
  text(text: string, at: SourceLocation, path: string, secret = false): string | undefined {
    try {
      const { value, used } = interpolate(text, this.env);
      for (const name of used) if (isSecretName(name)) registerSecret(this.env[name]);
      if (secret) registerSecret(value);
      return value;
    } catch (error) {
      if (!(error instanceof UnsetVariableError)) throw error;
      this.issue(
        at,
        path,
        `\${${error.variable}} is not set; set ${error.variable} in the step's env: (from a secret for passwords), or give a default: \${${error.variable}:-value}`,
      );
      return undefined;
    }
  }

  connection(spec: ConnectionSpec): ResolvedConnection {
    const path = `connections.${spec.name}`;
    const out: ResolvedConnection = { name: spec.name, kind: spec.kind, headers: {} };
    const optional = (key: 'user' | 'password' | 'database', secret = false) => {
      const raw = spec[key];
      if (raw === undefined) return;
      const value = this.text(raw, spec.at, `${path}.${key}`, secret);
      if (value !== undefined) out[key] = value;
    };
    optional('user');
    optional('password', true);
    optional('database');
    for (const [name, raw] of Object.entries(spec.headers)) {
      const value = this.text(raw, spec.at, `${path}.headers.${name}`);
      if (value === undefined) continue;
      registerHeaderSecret(name, value);
      out.headers[name] = value;
    }
    if (spec.url !== undefined) {
      const interpolated = this.text(spec.url, spec.at, `${path}.url`);
      if (interpolated !== undefined) {
        if (registerUrlSecrets(interpolated) !== interpolated) registerSecret(interpolated);
        let expanded: string | undefined;
        try {
          expanded = expandPlaceholders(`${path}.url`, interpolated, this.services);
        } catch (error) {
          if (!(error instanceof UserInputError)) throw error;
          this.issue(spec.at, `${path}.url`, `${error.problem}; ${error.fix}`);
        }
        if (expanded !== undefined) {
          if (registerUrlSecrets(expanded) !== expanded) registerSecret(expanded);
          let scheme = '';
          try {
            scheme = new URL(expanded).protocol;
          } catch {
            scheme = '';
          }
          if (!SCHEMES[spec.kind].includes(scheme))
            this.issue(
              spec.at,
              `${path}.url`,
              `after interpolation the URL is not a ${spec.kind} URL (expected ${SCHEMES[spec.kind].map((s) => `${s}//`).join(' or ')}…)`,
            );
          else out.url = expanded;
        }
      }
    }
    if (spec.exec) {
      const exec: ExecTarget = { service: spec.exec.service };
      const field = (key: 'client' | 'user' | 'password' | 'database' | 'host', secret = false) => {
        const raw = spec.exec?.[key];
        if (raw === undefined) return;
        const value = this.text(raw, spec.at, `${path}.exec.${key}`, secret);
        if (value !== undefined) exec[key] = value;
      };
      field('client');
      field('user');
      field('password', true);
      field('database');
      field('host');
      if (spec.exec.port !== undefined) exec.port = spec.exec.port;
      out.exec = exec;
    }
    return out;
  }

  check(check: Check): Check {
    const path = `check "${check.name}"`;
    const headers = (h: Record<string, string>, where: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [name, raw] of Object.entries(h)) {
        const value = this.text(raw, check.at, `${where}.headers.${name}`);
        if (value === undefined) continue;
        registerHeaderSecret(name, value);
        out[name] = value;
      }
      return out;
    };
    const params = (list: unknown[]) =>
      list.map((p) => (typeof p === 'string' ? (this.text(p, check.at, `${path}.params`) ?? p) : p));
    switch (check.kind) {
      case 'sql':
        return { ...check, params: params(check.params) };
      case 'http':
        return { ...check, request: { ...check.request, headers: headers(check.request.headers, path) } };
      case 'fixture-version':
      case 'isolation': {
        const source = check.source;
        if (source.via === 'sql') return { ...check, source: { ...source, params: params(source.params) } };
        if (source.via === 'http')
          return {
            ...check,
            source: {
              ...source,
              request: { ...source.request, headers: headers(source.request.headers, path) },
            },
          };
        return check;
      }
      default:
        return check;
    }
  }
}

/** A spec with its connections resolved. */
export interface ResolvedSpec extends Spec {
  resolved: Record<string, ResolvedConnection>;
}

/**
 * Resolves every connection and check-level text of `spec`.
 * @param input the action input the spec came from, for the error
 * @throws SpecError listing every unset variable, unknown `{service:port}` and URL of the wrong kind
 */
export function resolveSpec(
  spec: Spec,
  env: NodeJS.ProcessEnv,
  services: ServiceMap,
  input: string,
): ResolvedSpec {
  const resolver = new Resolver(env, services);
  const resolved: Record<string, ResolvedConnection> = {};
  for (const connection of Object.values(spec.connections))
    resolved[connection.name] = resolver.connection(connection);
  const checks = spec.checks.map((check) => resolver.check(check));
  if (resolver.issues.length > 0) throw new SpecError(input, resolver.issues);
  return { ...spec, checks, resolved };
}
