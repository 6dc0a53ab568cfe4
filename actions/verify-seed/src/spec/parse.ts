/**
 * A checks spec from YAML text to a typed `Spec`: YAML syntax, then the schema (spec/validate.ts), then what
 * a schema cannot express — connection references and kinds, one of `url`/`exec`, which source fields suit
 * the connection, one SQL statement per query, regular expressions, JMESPath expressions, durations, status
 * sets, and the declared fixture version (read here, so a missing file fails before anything connects).
 * Every problem is collected with its file, line and column; `parseSpec` throws one `SpecError` listing all.
 * The checks of each kind are read in parse-checks.ts, their sources in parse-sources.ts.
 *
 * The format is documented in actions/verify-seed/usage.md (→ action-docs/verify-seed.md).
 */
import { relative } from 'node:path';
import { parseDuration } from '../../../shared/src/runtime/duration.js';
import type { CheckKind } from '../report.js';
import { type DocPath, SpecDocument, SpecError, type SpecIssue } from './document.js';
import {
  type CheckBase,
  fixtureVersionCheck,
  httpCheck,
  isolationCheck,
  redisCheck,
  sqlCheck,
} from './parse-checks.js';
import { issue, type ParseContext, type ParseOptions, type Raw, SQL_KINDS } from './parse-fields.js';
import { loadSqlParsers } from './sql/read-only.js';
import type { Check, ConnectionKind, ConnectionSpec, Spec } from './types.js';
import { closest, schemaIssues } from './validate.js';

export type { ParseOptions } from './parse-fields.js';

const COMPATIBLE: Record<CheckKind, readonly ConnectionKind[]> = {
  sql: SQL_KINDS,
  redis: ['redis'],
  http: ['http'],
  'fixture-version': ['postgres', 'mysql', 'mariadb', 'redis', 'http'],
  isolation: ['postgres', 'mysql', 'mariadb', 'redis', 'http'],
};
const SCHEMES: Record<ConnectionKind, readonly string[]> = {
  postgres: ['postgres:', 'postgresql:'],
  mysql: ['mysql:', 'mariadb:'],
  mariadb: ['mysql:', 'mariadb:'],
  redis: ['redis:', 'rediss:'],
  http: ['http:', 'https:'],
};

/**
 * Parses and validates a spec. The SQL parsers of the spec's SQL connections are loaded here, once the
 * schema holds (spec/sql/read-only.ts: loaded on demand, not at start).
 * @returns the spec (a Promise: loading a SQL parser is asynchronous)
 * @throws SpecError (a UserInputError) listing every issue with file:line:column and what was expected
 */
export async function parseSpec(text: string, options: ParseOptions): Promise<Spec> {
  const label = options.file
    ? relative(options.workspace, options.file).replace(/\\/g, '/') || options.file
    : `input "${options.input}"`;
  const fileForAnnotations = options.file ? label : null;
  const doc = SpecDocument.parse(text, fileForAnnotations, label);
  if (doc.syntaxIssues.length > 0) throw new SpecError(options.input, doc.syntaxIssues);
  if (doc.value === null || doc.value === undefined) {
    throw new SpecError(options.input, [
      doc.issue([], 'the spec is empty; expected a mapping with "connections" and "checks"'),
    ]);
  }
  const shape = schemaIssues(doc);
  if (shape.length > 0) throw new SpecError(options.input, shape);
  const connections = (doc.value as { connections: Record<string, Raw> }).connections;
  await loadSqlParsers(Object.values(connections).map((c) => c.kind as ConnectionKind));
  const parser = new SemanticParser(doc, options);
  const spec = parser.spec();
  if (parser.issues.length > 0) throw new SpecError(options.input, parser.issues);
  return spec;
}

class SemanticParser implements ParseContext {
  readonly issues: SpecIssue[] = [];
  private readonly value: { connections: Record<string, Raw>; checks: Raw[] };

  constructor(
    readonly doc: SpecDocument,
    readonly options: ParseOptions,
  ) {
    this.value = doc.value as { connections: Record<string, Raw>; checks: Raw[] };
  }

  private issue(path: DocPath, message: string, key?: string): void {
    issue(this, path, message, key);
  }

  spec(): Spec {
    const connections: Record<string, ConnectionSpec> = {};
    for (const [name, raw] of Object.entries(this.value.connections)) {
      connections[name] = this.connection(name, raw);
    }
    const names = new Set<string>();
    const checks: Check[] = [];
    this.value.checks.forEach((raw, index) => {
      const check = this.check(raw, index, connections);
      if (!check) return;
      if (names.has(check.name))
        this.issue(
          ['checks', index],
          `a second check is named "${check.name}"; names must be unique (they label the report)`,
          'name',
        );
      names.add(check.name);
      checks.push(check);
    });
    return {
      connections,
      checks,
      file: this.options.file,
      baseDir: this.options.baseDir,
    };
  }

  private connection(name: string, raw: Raw): ConnectionSpec {
    const path = ['connections', name];
    const kind = raw.kind as ConnectionKind;
    const url = raw.url as string | undefined;
    const exec = raw.exec as Raw | undefined;
    if ((url === undefined) === (exec === undefined)) {
      this.issue(
        path,
        kind === 'http'
          ? 'an http connection needs "url" (the base URL, e.g. http://{api:8080})'
          : `give exactly one of "url" (e.g. ${exampleUrl(kind)}) or "exec" (run the client inside a Compose service, e.g. {service: db})`,
      );
    }
    if (url !== undefined && !url.startsWith('${')) {
      const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase();
      if (!scheme || !SCHEMES[kind].includes(scheme))
        this.issue(
          path,
          `"${url.replace(/:\/\/([^:@/]*):[^@/]*@/, '://$1:***@')}" is not a ${kind} URL; expected ${SCHEMES[kind].map((s) => `${s}//`).join(' or ')}…, e.g. ${exampleUrl(kind)}`,
          'url',
        );
    }
    if (exec && kind === 'redis' && exec.database !== undefined && !/^\d+$/.test(String(exec.database)))
      this.issue([...path, 'exec'], 'a Redis database is a number (redis-cli -n), e.g. 0', 'database');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((raw.headers as Raw | undefined) ?? {})) headers[k] = String(v);
    return {
      name,
      kind,
      ...(url !== undefined ? { url } : {}),
      ...(exec
        ? {
            exec: {
              service: String(exec.service),
              ...(exec.client !== undefined ? { client: String(exec.client) } : {}),
              ...(exec.user !== undefined ? { user: String(exec.user) } : {}),
              ...(exec.password !== undefined ? { password: String(exec.password) } : {}),
              ...(exec.database !== undefined ? { database: String(exec.database) } : {}),
              ...(exec.host !== undefined ? { host: String(exec.host) } : {}),
              ...(exec.port !== undefined ? { port: Number(exec.port) } : {}),
            },
          }
        : {}),
      ...(raw.user !== undefined ? { user: String(raw.user) } : {}),
      ...(raw.password !== undefined ? { password: String(raw.password) } : {}),
      ...(raw.database !== undefined ? { database: String(raw.database) } : {}),
      headers,
      at: this.doc.locate(path),
    };
  }

  private check(raw: Raw, index: number, connections: Record<string, ConnectionSpec>): Check | null {
    const path: DocPath = ['checks', index];
    const kind = raw.kind as CheckKind;
    const name = typeof raw.name === 'string' ? raw.name.trim() : `${kind}#${index + 1}`;
    const connection = this.pickConnection(raw, kind, path, name, connections);
    const base: CheckBase = {
      name,
      connection: connection?.name ?? String(raw.connection ?? ''),
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      ...this.timing(raw, path),
      at: this.doc.locate(path),
    };
    if (!connection) return null;
    switch (kind) {
      case 'sql':
        return sqlCheck(this, base, raw, connection, path);
      case 'redis':
        return redisCheck(this, base, raw, path);
      case 'http':
        return httpCheck(this, base, raw, path);
      case 'fixture-version':
        return fixtureVersionCheck(this, base, raw, connection, path);
      case 'isolation':
        return isolationCheck(this, base, raw, connection, path);
    }
  }

  private pickConnection(
    raw: Raw,
    kind: CheckKind,
    path: DocPath,
    name: string,
    connections: Record<string, ConnectionSpec>,
  ): ConnectionSpec | null {
    const suitable = Object.values(connections).filter((c) => COMPATIBLE[kind].includes(c.kind));
    if (raw.connection === undefined) {
      if (suitable.length === 1) return suitable[0]!;
      this.issue(
        path,
        `check "${name}" names no connection and ${suitable.length === 0 ? `the spec has no ${COMPATIBLE[kind].join('/')} connection` : `several could serve it (${suitable.map((c) => c.name).join(', ')})`}; set "connection"`,
      );
      return null;
    }
    const wanted = String(raw.connection);
    const found = connections[wanted];
    if (!found) {
      const near = closest(wanted, Object.keys(connections));
      this.issue(
        path,
        `check "${name}": connection "${wanted}" is not defined${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${Object.keys(connections).join(', ')}`,
        'connection',
      );
      return null;
    }
    if (!COMPATIBLE[kind].includes(found.kind)) {
      this.issue(
        path,
        `check "${name}": a ${kind} check needs a ${COMPATIBLE[kind].join(' or ')} connection, but "${wanted}" is ${found.kind}`,
        'connection',
      );
      return null;
    }
    return found;
  }

  private timing(
    raw: Raw,
    path: DocPath,
  ): { timeoutMs?: number; retries?: number; retryIntervalMs?: number } {
    const out: { timeoutMs?: number; retries?: number; retryIntervalMs?: number } = {};
    const duration = (key: string, min: number, max: number): number | undefined => {
      const value = raw[key];
      if (value === undefined) return undefined;
      try {
        const ms = parseDuration(key, String(value));
        if (ms < min || ms > max) throw new Error('range');
        return ms;
      } catch {
        this.issue(
          path,
          `"${value}" is not a duration from ${min} ms to ${max / 1000} s; expected e.g. 500ms, 10s, 2m`,
          key,
        );
        return undefined;
      }
    };
    const timeout = duration('timeout', 100, 3_600_000);
    if (timeout !== undefined) out.timeoutMs = timeout;
    const interval = duration('retry-interval', 0, 600_000);
    if (interval !== undefined) out.retryIntervalMs = interval;
    if (typeof raw.retries === 'number') out.retries = raw.retries;
    return out;
  }
}

function exampleUrl(kind: ConnectionKind): string {
  switch (kind) {
    case 'postgres':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec's ${VAR}, shown to the user
      return 'postgres://app:${POSTGRES_PASSWORD}@{db:5432}/app';
    case 'mysql':
    case 'mariadb':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec's ${VAR}, shown to the user
      return 'mysql://shop:${MYSQL_PASSWORD}@{db:3306}/shop';
    case 'redis':
      return 'redis://{cache:6379}';
    case 'http':
      return 'http://{api:8080}';
  }
}
