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
import { expandPlaceholders } from '../../shared/src/compose/placeholders.js';
import type { ServiceMap } from '../../shared/src/compose/status.js';
import { parseStatus, type StatusMatcher } from '../../shared/src/expect/http-status.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import {
  registerHeaderSecret,
  registerSecret,
  registerUrlSecrets,
} from '../../shared/src/runtime/secrets.js';
import { parseYamlInput, type YamlInput } from '../../shared/src/runtime/yaml-input.js';
import { KUBE_KINDS, type KubeSpec } from './spec-kube.js';

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
  /** The Compose service behind the address, when it is one (`{db:5432}` or a port it publishes). */
  service?: string;
  /** That service's container port. */
  targetPort?: number;
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

/** Every probe kind. */
export const KINDS = ['http', 'tcp', 'compose', 'exec', 'log', ...KUBE_KINDS] as const;
/** The status set an HTTP probe expects unless told otherwise. */
export const DEFAULT_STATUS = '200-399';

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
  registerUrlSecrets(text);
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
  if (url.password) registerSecret(decodeURIComponent(url.password));
  return url.toString();
}

/** A header name: an RFC 9110 token (https://www.rfc-editor.org/rfc/rfc9110#name-tokens). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks header names and values (no control characters) and registers the secret ones (Authorization,
 * X-Api-Key, …: runtime/secrets.ts) before anything could print them.
 * @throws UserInputError naming `input`
 */
export function checkHeaders(input: string, headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    registerHeaderSecret(name, value);
    if (!HEADER_NAME.test(name))
      throw new UserInputError(
        input,
        `"${name}" is not a header name (letters, digits and !#$%&'*+.^_\`|~- only, no spaces)`,
        'write one header per line as Name: value, e.g. Authorization: Bearer …',
      );
    if ([...value].some((c) => (c < ' ' && c !== '\t') || c === '\x7f'))
      throw new UserInputError(input, `the value of "${name}" holds a control character`, 'remove it');
  }
  return headers;
}

/**
 * An expected commit: a SHA of 7 to 64 hex digits (a short SHA, a full SHA-1 or SHA-256).
 * @throws UserInputError naming `input`
 */
export function parseCommit(input: string, text: string): string {
  const sha = text.trim();
  if (!/^[0-9a-f]{7,64}$/i.test(sha))
    throw new UserInputError(
      input,
      `"${sha}" is not a commit SHA (7 to 64 hex digits)`,
      'pass the SHA itself, e.g. the pull request head SHA (github.event.pull_request.head.sha)',
    );
  return sha;
}

/**
 * An expected JSON body subset: an object or a list (JSON or YAML text).
 * @throws UserInputError naming `input` for invalid text or a lone scalar
 */
export function parseExpectJson(input: string, text: string): unknown {
  const { value } = parseJsonOrYaml(input, text);
  if (value === null || typeof value !== 'object')
    throw new UserInputError(
      input,
      `is a single ${value === null ? 'null' : typeof value} (${JSON.stringify(value)}), not an object the body must contain`,
      'give a JSON/YAML object, e.g. {"status": "ok"}',
    );
  return value;
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
  return checkHeaders(input, headers);
}

/**
 * JSON or YAML text (JSON is YAML), for an expectation or the probes list, with the positions of its nodes.
 * @throws UserInputError naming `input:line:column` when the text does not parse
 */
export function parseJsonOrYaml(input: string, text: string): YamlInput {
  return parseYamlInput(input, text, 'give a JSON/YAML object, e.g. {"status": "ok"}');
}

/**
 * The Compose service and container port behind a TCP address (pure): from a `{service:port}` placeholder,
 * or the service whose published port the address is (provision-compose's `services`).
 */
export function composeTarget(
  text: string,
  address: { host: string; port: number },
  services: ServiceMap,
): Pick<TcpSpec, 'service' | 'targetPort'> {
  const placeholder = /^\s*\{([A-Za-z0-9][A-Za-z0-9_.-]*):(\d+)(?:\/tcp)?\}\s*$/.exec(text);
  if (placeholder && services[placeholder[1]!])
    return { service: placeholder[1]!, targetPort: Number(placeholder[2]) };
  const wanted = new Set([`${address.host}:${address.port}`]);
  if (address.host === 'localhost') wanted.add(`127.0.0.1:${address.port}`);
  for (const [service, status] of Object.entries(services)) {
    for (const [key, hostPort] of Object.entries(status.ports ?? {})) {
      if (key.endsWith('/tcp') && wanted.has(hostPort))
        return { service, targetPort: Number(key.split('/')[0]) };
    }
  }
  return {};
}

/** A TCP spec from `text` (placeholders resolved, the Compose service behind it found). */
export function tcpSpec(where: string, name: string, text: string, services: ServiceMap): TcpSpec {
  const address = parseAddress(where, expandPlaceholders(where, text, services));
  return { kind: 'tcp', name, ...address, ...composeTarget(text, address, services) };
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
      ...(inputs.expectJson ? { json: parseExpectJson('expect-json', inputs.expectJson) } : {}),
      ...(inputs.expectCommit ? { commit: parseCommit('expect-commit', inputs.expectCommit) } : {}),
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
    specs.push(tcpSpec('tcp', `tcp#${i + 1}`, text, services));
  });
  if (inputs.composeServices.length > 0) {
    const all = inputs.composeServices.length === 1 && inputs.composeServices[0] === 'all';
    specs.push({ kind: 'compose', name: 'compose', services: all ? [] : inputs.composeServices });
  }
  return specs;
}
