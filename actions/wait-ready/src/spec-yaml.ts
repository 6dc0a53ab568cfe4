/**
 * The `probes` input: a YAML list whose items carry exactly one kind key (see spec.ts for the format),
 * validated before the first attempt. Errors name the line and column, the item (`probes:7:11 (probes[2].http)`)
 * and the fix.
 */

import { expandPlaceholders } from '../../shared/src/compose/placeholders.js';
import type { ServiceMap } from '../../shared/src/compose/status.js';
import { parseStatus } from '../../shared/src/expect/http-status.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import type { YamlInput } from '../../shared/src/runtime/yaml-input.js';
import {
  type ComposeSpec,
  checkHeaders,
  DEFAULT_STATUS,
  type ExecSpec,
  type HttpSpec,
  KINDS,
  type LogSpec,
  type ProbeSpec,
  parseCommit,
  parseJsonOrYaml,
  parseUrl,
  type TcpSpec,
  tcpSpec,
} from './spec.js';
import { parseKubeItem } from './spec-kube.js';

type Item = Record<string, unknown>;

/** Keys an item may carry besides its kind. */
const MODIFIERS = [
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
];

function asRecord(value: unknown): Item | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Item) : null;
}

function str(where: string, value: unknown, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  throw new UserInputError(where, `must be ${what}`, `set ${where} to ${what}`);
}

/** The item's one kind. @throws UserInputError when it has none or several */
function kindOf(record: Item, at: string): (typeof KINDS)[number] {
  const kinds = KINDS.filter((kind) => kind in record);
  if (kinds.length === 1) return kinds[0]!;
  const unknown = Object.keys(record).filter((k) => !MODIFIERS.includes(k));
  throw new UserInputError(
    at,
    kinds.length === 0
      ? `has no probe kind${unknown.length ? ` (unknown keys: ${unknown.join(', ')})` : ''}`
      : `has several kinds (${kinds.join(', ')})`,
    `give exactly one of: ${KINDS.join(', ')}`,
  );
}

/** A probe's `json:` expectation: an object or list the body must contain, not a lone scalar. */
function expectJsonValue(input: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object')
    throw new UserInputError(
      input,
      `is a single ${value === null ? 'null' : typeof value}, not an object the body must contain`,
      'give a mapping, e.g. {status: ok}',
    );
  return value;
}

/** `- http: <url>` with its expectations and headers. */
function httpItem(record: Item, name: string, at: string, services: ServiceMap): HttpSpec {
  const url = parseUrl(
    `${at}.http`,
    expandPlaceholders(`${at}.http`, str(`${at}.http`, record.http, 'a URL'), services),
  );
  const rawHeaders = record.headers === undefined ? {} : asRecord(record.headers);
  if (!rawHeaders)
    throw new UserInputError(
      `${at}.headers`,
      'must be a mapping of header names to values',
      'write e.g. {Authorization: "Bearer x"}',
    );
  const headers = checkHeaders(
    `${at}.headers`,
    Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k, String(v)])),
  );
  const jm = record.jmespath === undefined ? undefined : asRecord(record.jmespath);
  if (record.jmespath !== undefined && (!jm || typeof jm.expression !== 'string')) {
    throw new UserInputError(
      `${at}.jmespath`,
      'must be a mapping with "expression" (and optionally "equals")',
      'write e.g. {expression: "db", equals: "up"}',
    );
  }
  return {
    kind: 'http',
    name,
    url,
    status: parseStatus(`${at}.status`, record.status === undefined ? DEFAULT_STATUS : String(record.status)),
    ...(record.json !== undefined ? { json: expectJsonValue(`${at}.json`, record.json) } : {}),
    ...(jm
      ? {
          jmespath: { expression: jm.expression as string, ...('equals' in jm ? { equals: jm.equals } : {}) },
        }
      : {}),
    ...(record.commit !== undefined && String(record.commit).trim() !== ''
      ? { commit: parseCommit(`${at}.commit`, String(record.commit)) }
      : {}),
    ...(typeof record['commit-path'] === 'string' ? { commitPath: record['commit-path'] } : {}),
    headers,
    insecureTls: record['insecure-tls'] === true,
  };
}

/** `- tcp: host:port` (placeholders resolved, the Compose service behind it found). */
function tcpItem(value: unknown, name: string, at: string, services: ServiceMap): TcpSpec {
  const where = `${at}.tcp`;
  return tcpSpec(where, name, str(where, value, 'host:port'), services);
}

/** `- compose: [db, cache]` or `all`. */
function composeItem(value: unknown, name: string, at: string): ComposeSpec {
  const services =
    value === 'all' || value === null
      ? []
      : Array.isArray(value)
        ? value.map(String)
        : [str(`${at}.compose`, value, 'a service list or "all"')];
  return { kind: 'compose', name, services };
}

/** `- exec: {service, command: [argv…]}` (no shell). */
function execItem(value: unknown, name: string, at: string): ExecSpec {
  const spec = asRecord(value);
  const command = spec?.command;
  if (!spec || typeof spec.service !== 'string' || !Array.isArray(command) || command.length === 0) {
    throw new UserInputError(
      `${at}.exec`,
      'must have "service" and a non-empty "command" list (argv, no shell)',
      'write e.g. {service: db, command: [pg_isready, -U, app]}',
    );
  }
  return { kind: 'exec', name, service: spec.service, command: command.map(String) };
}

/** `- log: {service, pattern}` (a regular expression). */
function logItem(value: unknown, name: string, at: string): LogSpec {
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
  return { kind: 'log', name, service: spec.service, pattern };
}

function parseProbeItem(item: unknown, index: number, services: ServiceMap): ProbeSpec {
  const at = `probes[${index}]`;
  const record = asRecord(item);
  if (!record)
    throw new UserInputError(at, 'must be a mapping', 'write e.g. "- http: http://{api:8080}/health"');
  const kind = kindOf(record, at);
  const value = record[kind];
  const name =
    typeof record.name === 'string' && record.name.trim() ? record.name.trim() : `${kind}#${index + 1}`;
  switch (kind) {
    case 'rollout':
    case 'pods':
    case 'endpoints':
    case 'job':
      return parseKubeItem(kind, name, value, record, at);
    case 'http':
      return httpItem(record, name, at, services);
    case 'tcp':
      return tcpItem(value, name, at, services);
    case 'compose':
      return composeItem(value, name, at);
    case 'exec':
      return execItem(value, name, at);
    case 'log':
      return logItem(value, name, at);
  }
}

/**
 * The `probes` YAML list. `services` resolves `{service:port}` placeholders.
 * @throws UserInputError naming `probes:line:column` and the item (`probes:3:9 (probes[1].exec)`)
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
