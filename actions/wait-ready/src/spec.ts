/**
 * Probe specifications: from the simple inputs (`url`, `tcp`, `compose-services`) and from the `probes`
 * YAML list. Everything is validated here, before the first attempt; errors name the input, the line and
 * column in it and the probe's path (`probes:7:11 (probes[2].http)`).
 *
 * `probes` items carry exactly one kind key:
 * ```yaml
 * - name: api                       # optional
 *   http: http://{api:8080}/health
 *   status: 2xx                     # default 200-399
 *   json: { status: ok }            # subset of the JSON body
 *   jmespath: { expression: db, equals: up }
 *   commit: ${{ github.sha }}       # the new build is live
 *   commit-path: commit             # JMESPath to the commit field (default: any string field)
 *   headers: { Authorization: Bearer x }
 *   insecure-tls: false
 * - tcp: localhost:5432
 * - compose: [db, cache]            # or "all"
 * - exec: { service: db, command: [pg_isready, -U, app] }
 * - log: { service: api, pattern: "listening on" }
 * - rollout: deployment/api         # Kubernetes (namespace: the environment's, or a `namespace:` key)
 * - pods: app=api                   # label selector; `min: 2` (default 1) ready pods
 * - endpoints: api                  # a Service with `min` (default 1) ready endpoints
 * - job: migrate                    # a Job that completed; a failed Job stops the wait at once
 *   namespace: tools                # optional on any Kubernetes probe
 * ```
 */
import type { ServiceMap } from '../../shared/src/compose-status.js';
import { UserInputError } from '../../shared/src/errors.js';
import { expandPlaceholders } from '../../shared/src/placeholders.js';
import { parseYamlInput, type YamlInput } from '../../shared/src/yaml-input.js';
import { KUBE_KINDS, type KubeSpec, parseKubeItem } from './spec-kube.js';
import { parseStatus, type StatusMatcher } from './status.js';

export type { KubeSpec } from './spec-kube.js';

export interface HttpSpec {
  kind: 'http';
  name: string;
  url: string;
  status: StatusMatcher;
  json?: unknown;
  jmespath?: { expression: string; equals?: unknown };
  commit?: string;
  commitPath?: string;
  headers: Record<string, string>;
  insecureTls: boolean;
}
export interface TcpSpec {
  kind: 'tcp';
  name: string;
  host: string;
  port: number;
}
export interface ComposeSpec {
  kind: 'compose';
  name: string;
  /** Empty = every service. */
  services: string[];
}
export interface ExecSpec {
  kind: 'exec';
  name: string;
  service: string;
  command: string[];
}
export interface LogSpec {
  kind: 'log';
  name: string;
  service: string;
  pattern: RegExp;
}
export type ProbeSpec = HttpSpec | TcpSpec | ComposeSpec | ExecSpec | LogSpec | KubeSpec;

const KINDS = ['http', 'tcp', 'compose', 'exec', 'log', ...KUBE_KINDS] as const;
const DEFAULT_STATUS = '200-399';

/**
 * Parses `host:port` (`[::1]:80` for IPv6).
 * @throws UserInputError naming `input`
 */
export function parseAddress(input: string, text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw new UserInputError(
      input,
      `"${text}" is not host:port`,
      'use e.g. localhost:5432, 127.0.0.1:6379, [::1]:8080 or {db:5432}',
    );
  }
  return { host: (match[1] ?? match[2])!, port };
}

/**
 * Parses an HTTP(S) URL.
 * @throws UserInputError naming `input`
 */
export function parseUrl(input: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserInputError(
      input,
      `"${text}" is not a URL`,
      'use an absolute http:// or https:// URL, e.g. http://{api:8080}/health',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserInputError(input, `"${text}" is not http or https`, 'use an http:// or https:// URL');
  }
  return url.toString();
}

/**
 * Parses `Name: value` lines.
 * @throws UserInputError naming `input` for a line without a colon
 */
export function parseHeaderLines(input: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new UserInputError(
        input,
        `"${line.split(':')[0]}" is not a "Name: value" header line`,
        'write one header per line as Name: value',
      );
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseJsonOrYaml(input: string, text: string): YamlInput {
  return parseYamlInput(input, text, 'give a JSON/YAML object, e.g. {"status": "ok"}');
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function str(where: string, value: unknown, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  throw new UserInputError(where, `must be ${what}`, `set ${where} to ${what}`);
}

/**
 * The `probes` YAML list. `services` resolves `{service:port}` placeholders.
 * @throws UserInputError naming `probes:line:column` and the probe's path
 */
export function parseProbesYaml(text: string, services: ServiceMap): ProbeSpec[] {
  const doc = parseJsonOrYaml('probes', text);
  if (doc.value === null) return [];
  if (!Array.isArray(doc.value))
    throw new UserInputError(
      doc.where([]),
      'must be a YAML list',
      'write one "- http: …" / "- tcp: …" item per probe',
    );
  return doc.value.map((item, index) => {
    try {
      return parseProbeItem(item, index, services);
    } catch (error) {
      throw located(error, doc);
    }
  });
}

/** A probe item's error (`probes[2].http`) with the line and column of that node added. */
function located(error: unknown, doc: YamlInput): unknown {
  const path = error instanceof UserInputError ? /^probes\[(\d+)\]((?:\.[^.]+)*)$/.exec(error.input) : null;
  if (!path) return error;
  const keys = (path[2] ?? '').split('.').filter(Boolean);
  const at = `${doc.where([Number(path[1]), ...keys])} (${(error as UserInputError).input})`;
  return new UserInputError(at, (error as UserInputError).problem, (error as UserInputError).fix);
}

function parseProbeItem(item: unknown, index: number, services: ServiceMap): ProbeSpec {
  const at = `probes[${index}]`;
  const record = asRecord(item);
  if (!record)
    throw new UserInputError(at, 'must be a mapping', 'write e.g. "- http: http://{api:8080}/health"');
  const kinds = KINDS.filter((kind) => kind in record);
  if (kinds.length !== 1) {
    const unknown = Object.keys(record).filter(
      (k) =>
        ![
          'name',
          'status',
          'json',
          'jmespath',
          'commit',
          'commit-path',
          'headers',
          'insecure-tls',
          'namespace',
          'min',
        ].includes(k),
    );
    throw new UserInputError(
      at,
      kinds.length === 0
        ? `has no probe kind${unknown.length ? ` (unknown keys: ${unknown.join(', ')})` : ''}`
        : `has several kinds (${kinds.join(', ')})`,
      `give exactly one of: ${KINDS.join(', ')}`,
    );
  }
  const kind = kinds[0]!;
  const value = record[kind];
  const name =
    typeof record.name === 'string' && record.name.trim() ? record.name.trim() : `${kind}#${index + 1}`;
  switch (kind) {
    case 'rollout':
    case 'pods':
    case 'endpoints':
    case 'job':
      return parseKubeItem(kind, name, value, record, at);
    case 'http': {
      const url = parseUrl(
        `${at}.http`,
        expandPlaceholders(`${at}.http`, str(`${at}.http`, value, 'a URL'), services),
      );
      const headers: Record<string, string> = {};
      const rawHeaders = record.headers === undefined ? {} : asRecord(record.headers);
      if (!rawHeaders)
        throw new UserInputError(
          `${at}.headers`,
          'must be a mapping of header names to values',
          'write e.g. {Authorization: "Bearer x"}',
        );
      for (const [k, v] of Object.entries(rawHeaders)) headers[k] = String(v);
      const jm = record.jmespath === undefined ? undefined : asRecord(record.jmespath);
      if (record.jmespath !== undefined && (!jm || typeof jm.expression !== 'string')) {
        throw new UserInputError(
          `${at}.jmespath`,
          'must be a mapping with "expression" (and optionally "equals")',
          'write e.g. {expression: "db", equals: "up"}',
        );
      }
      return {
        kind,
        name,
        url,
        status: parseStatus(
          `${at}.status`,
          record.status === undefined ? DEFAULT_STATUS : String(record.status),
        ),
        ...(record.json !== undefined ? { json: record.json } : {}),
        ...(jm
          ? {
              jmespath: {
                expression: jm.expression as string,
                ...('equals' in jm ? { equals: jm.equals } : {}),
              },
            }
          : {}),
        ...(record.commit !== undefined && String(record.commit).trim() !== ''
          ? { commit: String(record.commit).trim() }
          : {}),
        ...(typeof record['commit-path'] === 'string' ? { commitPath: record['commit-path'] } : {}),
        headers,
        insecureTls: record['insecure-tls'] === true,
      };
    }
    case 'tcp': {
      const where = `${at}.tcp`;
      return {
        kind,
        name,
        ...parseAddress(where, expandPlaceholders(where, str(where, value, 'host:port'), services)),
      };
    }
    case 'compose': {
      const list =
        value === 'all' || value === null
          ? []
          : Array.isArray(value)
            ? value.map(String)
            : [str(`${at}.compose`, value, 'a service list or "all"')];
      return { kind, name, services: list };
    }
    case 'exec': {
      const spec = asRecord(value);
      const command = spec?.command;
      if (!spec || typeof spec.service !== 'string' || !Array.isArray(command) || command.length === 0) {
        throw new UserInputError(
          `${at}.exec`,
          'must have "service" and a non-empty "command" list (argv, no shell)',
          'write e.g. {service: db, command: [pg_isready, -U, app]}',
        );
      }
      return { kind, name, service: spec.service, command: command.map(String) };
    }
    case 'log': {
      const spec = asRecord(value);
      if (!spec || typeof spec.service !== 'string' || typeof spec.pattern !== 'string') {
        throw new UserInputError(
          `${at}.log`,
          'must have "service" and "pattern"',
          'write e.g. {service: api, pattern: "listening on"}',
        );
      }
      let pattern: RegExp;
      try {
        pattern = new RegExp(spec.pattern);
      } catch (error) {
        throw new UserInputError(
          `${at}.log.pattern`,
          `is not a valid regular expression (${(error as Error).message})`,
          'fix the pattern',
        );
      }
      return { kind, name, service: spec.service, pattern };
    }
  }
}

/** The simple inputs, in the order url, tcp…, compose-services. */
export interface SimpleInputs {
  url: string;
  expectStatus: string;
  expectJson: string;
  expectCommit: string;
  headers: string;
  insecureTls: boolean;
  tcp: string[];
  composeServices: string[];
}

/** Probe specs from the simple inputs. */
export function parseSimpleInputs(inputs: SimpleInputs, services: ServiceMap): ProbeSpec[] {
  const specs: ProbeSpec[] = [];
  if (inputs.url) {
    specs.push({
      kind: 'http',
      name: 'url',
      url: parseUrl('url', expandPlaceholders('url', inputs.url, services)),
      status: parseStatus('expect-status', inputs.expectStatus || DEFAULT_STATUS),
      ...(inputs.expectJson ? { json: parseJsonOrYaml('expect-json', inputs.expectJson).value } : {}),
      ...(inputs.expectCommit ? { commit: inputs.expectCommit } : {}),
      headers: parseHeaderLines('headers', inputs.headers),
      insecureTls: inputs.insecureTls,
    });
  } else {
    for (const [input, value] of [
      ['expect-json', inputs.expectJson],
      ['expect-commit', inputs.expectCommit],
      ['headers', inputs.headers],
    ] as const) {
      if (value)
        throw new UserInputError(
          input,
          'is set but "url" is empty',
          `set "url", or move the expectation into a "probes" item`,
        );
    }
  }
  inputs.tcp.forEach((text, i) => {
    specs.push({
      kind: 'tcp',
      name: `tcp#${i + 1}`,
      ...parseAddress('tcp', expandPlaceholders('tcp', text, services)),
    });
  });
  if (inputs.composeServices.length > 0) {
    const all = inputs.composeServices.length === 1 && inputs.composeServices[0] === 'all';
    specs.push({ kind: 'compose', name: 'compose', services: all ? [] : inputs.composeServices });
  }
  return specs;
}
