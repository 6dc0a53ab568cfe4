/**
 * A checks spec from YAML text to a typed `Spec`: YAML syntax, then the schema (spec/validate.ts), then what
 * a schema cannot express — connection references and kinds, one of `url`/`exec`, which source fields suit
 * the connection, one SQL statement per query, regular expressions, JMESPath expressions, durations, status
 * sets, and the declared fixture version (read here, so a missing file fails before anything connects).
 * Every problem is collected with its file, line and column; `parseSpec` throws one `SpecError` listing all.
 *
 * The format is documented in actions/verify-seed/usage.md (→ action-docs/verify-seed.md).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../../../shared/src/duration.js';
import { jmespath } from '../../../shared/src/expect.js';
import { parseStatus } from '../../../shared/src/http-status.js';
import type { CheckKind } from '../../../shared/src/report-checks.js';
import { type DocPath, SpecDocument, SpecError, type SpecIssue } from './document.js';
import { singleStatement } from './sql-statement.js';
import type {
  Check,
  ConnectionKind,
  ConnectionSpec,
  DeclaredVersion,
  Dialect,
  HttpRequestSpec,
  IsolationMarker,
  NumberExpect,
  RedisType,
  Spec,
  ValueExpect,
  ValueSource,
} from './types.js';
import { closest, schemaIssues } from './validate.js';

/** Default SCAN bound for `pattern`: keys examined at most. */
export const DEFAULT_SCAN_LIMIT = 100_000;

/** What `parseSpec` needs besides the text. */
export interface ParseOptions {
  /** The input the spec came from (`spec` or `checks`), for the error. */
  input: string;
  /** Absolute path of the spec file, or null for inline text. */
  file: string | null;
  /** The repository root (GITHUB_WORKSPACE): file names in messages and annotations are relative to it. */
  workspace: string;
  /** Where relative paths in the spec resolve (the spec file's directory, or working-directory). */
  baseDir: string;
  /** For `declared: {env: NAME}`. */
  env: NodeJS.ProcessEnv;
  /** Reads a declared-version file (injectable for tests). */
  readFile?: (path: string) => string;
}

type Raw = Record<string, unknown>;

const SQL_KINDS: readonly ConnectionKind[] = ['postgres', 'mysql', 'mariadb'];
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

/** The SQL dialect of a connection kind. */
export function dialectOf(kind: ConnectionKind): Dialect {
  return kind === 'postgres' ? 'postgres' : 'mysql';
}

/**
 * Parses and validates a spec.
 * @throws SpecError (a UserInputError) listing every issue with file:line:column and what was expected
 */
export function parseSpec(text: string, options: ParseOptions): Spec {
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
  const parser = new SemanticParser(doc, options);
  const spec = parser.spec();
  if (parser.issues.length > 0) throw new SpecError(options.input, parser.issues);
  return spec;
}

class SemanticParser {
  readonly issues: SpecIssue[] = [];
  private readonly value: { connections: Record<string, Raw>; checks: Raw[] };

  constructor(
    private readonly doc: SpecDocument,
    private readonly options: ParseOptions,
  ) {
    this.value = doc.value as { connections: Record<string, Raw>; checks: Raw[] };
  }

  private issue(path: DocPath, message: string, key?: string): void {
    this.issues.push(this.doc.issue(path, message, key));
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
    const base = {
      name,
      connection: connection?.name ?? String(raw.connection ?? ''),
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      ...this.timing(raw, path),
      at: this.doc.locate(path),
    };
    if (!connection) return null;
    switch (kind) {
      case 'sql': {
        const query = this.query(raw.query as string, connection, path, 'query');
        const expect = (raw.expect as Raw | undefined) ?? {};
        const ep = [...path, 'expect'];
        return {
          ...base,
          kind,
          query,
          params: this.params(raw, connection, path),
          readOnly: raw['read-only'] !== false,
          expect: {
            ...(expect['row-count'] !== undefined ? { rowCount: numberExpect(expect['row-count']) } : {}),
            ...(expect.columns !== undefined ? { columns: (expect.columns as unknown[]).map(String) } : {}),
            ...(expect.rows !== undefined
              ? { rows: expect.rows as Array<Record<string, unknown> | unknown[]> }
              : {}),
            ordered: expect.ordered === true,
            ...(expect.scalar !== undefined
              ? { scalar: this.valueExpect(expect.scalar, [...ep, 'scalar']) }
              : {}),
          },
        };
      }
      case 'redis': {
        const key = raw.key as string | undefined;
        const pattern = raw.pattern as string | undefined;
        const expect = (raw.expect as Raw | undefined) ?? {};
        const ep = [...path, 'expect'];
        if ((key === undefined) === (pattern === undefined))
          this.issue(
            path,
            'give exactly one of "key" (one key) or "pattern" (count matching keys with SCAN)',
          );
        if (pattern !== undefined) {
          for (const k of ['exists', 'type', 'value', 'members', 'size'])
            if (k in expect)
              this.issue(ep, `"${k}" applies to one key; with "pattern" only "count" is checked`, k);
        } else if ('count' in expect)
          this.issue(ep, '"count" needs "pattern" (it counts matching keys)', 'count');
        return {
          ...base,
          kind,
          ...(key !== undefined ? { key } : {}),
          ...(pattern !== undefined ? { pattern } : {}),
          scanLimit: (raw['scan-limit'] as number | undefined) ?? DEFAULT_SCAN_LIMIT,
          expect: {
            ...(expect.exists !== undefined ? { exists: expect.exists as boolean } : {}),
            ...(expect.type !== undefined ? { type: expect.type as RedisType } : {}),
            ...(expect.value !== undefined
              ? { value: this.valueExpect(expect.value, [...ep, 'value']) }
              : {}),
            ...(expect.members !== undefined ? { members: (expect.members as unknown[]).map(String) } : {}),
            ...(expect.size !== undefined ? { size: numberExpect(expect.size) } : {}),
            ...(expect.count !== undefined ? { count: numberExpect(expect.count) } : {}),
          },
        };
      }
      case 'http': {
        const expect = (raw.expect as Raw | undefined) ?? {};
        const ep = [...path, 'expect'];
        const status = expect.status === undefined ? '2xx' : String(expect.status);
        try {
          parseStatus('status', status);
        } catch {
          this.issue(
            ep,
            `"${status}" is not a status set; expected e.g. 200, 2xx, 200-299 or "200, 204"`,
            'status',
          );
        }
        let jm: { expression: string; value: ValueExpect | null } | undefined;
        if (typeof expect.jmespath === 'string') {
          jm = { expression: this.jmespath(expect.jmespath, [...ep, 'jmespath']), value: null };
        } else if (expect.jmespath !== undefined) {
          const { expression, ...comparators } = expect.jmespath as Raw;
          jm = {
            expression: this.jmespath(String(expression), [...ep, 'jmespath'], 'expression'),
            value:
              Object.keys(comparators).length > 0 ? this.valueExpect(comparators, [...ep, 'jmespath']) : null,
          };
        }
        return {
          ...base,
          kind,
          request: this.request(raw),
          expect: {
            status,
            ...(expect.json !== undefined ? { json: expect.json } : {}),
            ...(jm ? { jmespath: jm } : {}),
            ...(expect.length !== undefined ? { length: numberExpect(expect.length) } : {}),
          },
        };
      }
      case 'fixture-version': {
        const source = this.source(raw, connection, path, kind);
        const declared = this.declared(raw.declared, [...path, 'declared']);
        if (!source || !declared) return null;
        return { ...base, kind, source, declared };
      }
      case 'isolation': {
        const source = this.source(raw, connection, path, kind);
        const marker: IsolationMarker =
          raw.marker === undefined
            ? { kind: 'environment' }
            : typeof raw.marker === 'object'
              ? { kind: 'value', value: String((raw.marker as Raw).value) }
              : { kind: raw.marker as 'environment' | 'commit' | 'none' };
        const foreign =
          raw.foreign === undefined ? undefined : this.regex(String(raw.foreign), path, 'foreign');
        if (marker.kind === 'none' && raw.foreign === undefined)
          this.issue(
            path,
            'with marker: none, give "foreign" (a pattern other environments\' markers match), or the check proves nothing',
            'marker',
          );
        if (!source) return null;
        return { ...base, kind, source, marker, ...(foreign ? { foreign } : {}) };
      }
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

  private query(text: string, connection: ConnectionSpec, path: DocPath, key: string): string {
    const checked = singleStatement(text, dialectOf(connection.kind));
    if (!checked.ok) {
      this.issue(path, `the query is refused: ${checked.reason}`, key);
      return text;
    }
    return checked.statement;
  }

  private params(raw: Raw, connection: ConnectionSpec, path: DocPath): unknown[] {
    const params = (raw.params as unknown[] | undefined) ?? [];
    if (params.length > 0 && connection.exec)
      this.issue(
        path,
        `connection "${connection.name}" runs a command-line client in a service (exec), which cannot bind parameters; use a url connection or write the values into the query`,
        'params',
      );
    return params;
  }

  private request(raw: Raw): HttpRequestSpec {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((raw.headers as Raw | undefined) ?? {})) headers[k] = String(v);
    return {
      method: (raw.method as string | undefined) ?? 'GET',
      path: raw.path as string,
      headers,
      ...(raw.body !== undefined ? { body: raw.body } : {}),
    };
  }

  /** The value source of a fixture-version or isolation check, by its connection's kind. */
  private source(raw: Raw, connection: ConnectionSpec, path: DocPath, kind: CheckKind): ValueSource | null {
    const given = (keys: string[]) => keys.filter((k) => raw[k] !== undefined);
    const sqlKeys = ['query', 'params'];
    const redisKeys = kind === 'isolation' ? ['key', 'pattern', 'scan-limit'] : ['key'];
    const httpKeys = ['path', 'method', 'headers', 'body', 'jmespath'];
    const own = SQL_KINDS.includes(connection.kind)
      ? sqlKeys
      : connection.kind === 'redis'
        ? redisKeys
        : httpKeys;
    const foreignKeys = given(
      [...sqlKeys, 'key', 'pattern', 'scan-limit', ...httpKeys].filter((k) => !own.includes(k)),
    );
    for (const k of foreignKeys)
      this.issue(
        path,
        `"${k}" does not apply to ${connection.kind} connection "${connection.name}" (it reads with: ${own.join(', ')})`,
        k,
      );
    if (SQL_KINDS.includes(connection.kind)) {
      if (raw.query === undefined) {
        this.issue(
          path,
          `missing required key "query" (a ${kind} check on ${connection.kind} connection "${connection.name}" reads the first column of the first row)`,
        );
        return null;
      }
      return {
        via: 'sql',
        query: this.query(String(raw.query), connection, path, 'query'),
        params: this.params(raw, connection, path),
      };
    }
    if (connection.kind === 'redis') {
      const key = raw.key as string | undefined;
      const pattern = raw.pattern as string | undefined;
      if (key === undefined && pattern === undefined) {
        this.issue(
          path,
          `missing required key "key" (a ${kind} check on redis connection "${connection.name}" reads that key)`,
        );
        return null;
      }
      if (key !== undefined && pattern !== undefined)
        this.issue(path, 'give one of "key" or "pattern", not both');
      return {
        via: 'redis',
        ...(key !== undefined ? { key } : {}),
        ...(pattern !== undefined ? { pattern } : {}),
        scanLimit: (raw['scan-limit'] as number | undefined) ?? DEFAULT_SCAN_LIMIT,
      };
    }
    if (raw.path === undefined) {
      this.issue(
        path,
        `missing required key "path" (a ${kind} check on http connection "${connection.name}" requests it)`,
      );
      return null;
    }
    return {
      via: 'http',
      request: this.request(raw),
      ...(raw.jmespath !== undefined
        ? { jmespath: this.jmespath(String(raw.jmespath), path, 'jmespath') }
        : {}),
    };
  }

  /** The declared fixture version: a file (trimmed, or a JMESPath into a JSON/YAML file), a value or a variable. */
  private declared(raw: unknown, path: DocPath): DeclaredVersion | null {
    const spec: Raw = typeof raw === 'string' ? { file: raw } : (raw as Raw);
    const given = ['file', 'value', 'env'].filter((k) => spec[k] !== undefined);
    if (given.length !== 1) {
      this.issue(path, 'give exactly one of "file" (e.g. fixtures/VERSION), "value" or "env"');
      return null;
    }
    if (spec.jmespath !== undefined && spec.file === undefined) {
      this.issue(path, '"jmespath" reads a field of a JSON/YAML "file"; give "file" too', 'jmespath');
      return null;
    }
    if (spec.value !== undefined) return { value: String(spec.value).trim(), origin: 'the spec' };
    if (spec.env !== undefined) {
      const name = String(spec.env);
      const value = this.options.env[name]?.trim() ?? '';
      if (value === '') {
        this.issue(
          path,
          `environment variable ${name} is not set (or empty); set it in the step's env:`,
          'env',
        );
        return null;
      }
      return { value, origin: `env ${name}` };
    }
    const file = String(spec.file);
    const full = isAbsolute(file) ? file : resolve(this.options.baseDir, file);
    const shown = relative(this.options.workspace, full).replace(/\\/g, '/') || full;
    let text: string;
    try {
      text = (this.options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(full);
    } catch (error) {
      this.issue(
        path,
        `cannot read the declared version from "${shown}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); paths are relative to ${this.options.file ? 'the spec file' : 'working-directory'}`,
        typeof raw === 'string' ? undefined : 'file',
      );
      return null;
    }
    if (spec.jmespath === undefined) {
      const value = text.trim();
      if (value === '' || value.includes('\n')) {
        this.issue(
          path,
          `"${shown}" must hold the version alone on one line, got ${value === '' ? 'an empty file' : 'several lines'}; or read a field with "jmespath"`,
        );
        return null;
      }
      return { value, origin: shown };
    }
    const expression = this.jmespath(String(spec.jmespath), path, 'jmespath');
    let value: unknown;
    try {
      value = jmespath(parseYaml(text), expression);
    } catch (error) {
      this.issue(
        path,
        `cannot read "${expression}" from "${shown}": ${(error as Error).message.split('\n')[0]}`,
        'jmespath',
      );
      return null;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.issue(
        path,
        `"${expression}" in "${shown}" is ${JSON.stringify(value ?? null)}; expected a string or number`,
        'jmespath',
      );
      return null;
    }
    return { value: String(value).trim(), origin: `${shown} → ${expression}` };
  }

  private jmespath(expression: string, path: DocPath, key?: string): string {
    try {
      jmespath({}, expression);
    } catch (error) {
      this.issue(
        path,
        `"${expression}" is not a JMESPath expression (${(error as Error).message.split('\n')[0]}); see https://jmespath.org/specification.html`,
        key,
      );
    }
    return expression;
  }

  private regex(source: string, path: DocPath, key: string): RegExp | undefined {
    try {
      return new RegExp(source);
    } catch (error) {
      this.issue(path, `"${source}" is not a regular expression (${(error as Error).message})`, key);
      return undefined;
    }
  }

  private valueExpect(raw: unknown, path: DocPath): ValueExpect {
    if (raw === null || typeof raw !== 'object') return { hasEquals: true, equals: raw, hasNotEquals: false };
    const r = raw as Raw;
    const regex = r.regex === undefined ? undefined : this.regex(String(r.regex), path, 'regex');
    if (typeof r.min === 'number' && typeof r.max === 'number' && r.min > r.max)
      this.issue(path, `min (${r.min}) is greater than max (${r.max})`, 'min');
    return {
      hasEquals: 'equals' in r,
      ...('equals' in r ? { equals: r.equals } : {}),
      hasNotEquals: 'not-equals' in r,
      ...('not-equals' in r ? { notEquals: r['not-equals'] } : {}),
      ...(typeof r.min === 'number' ? { min: r.min } : {}),
      ...(typeof r.max === 'number' ? { max: r.max } : {}),
      ...(regex ? { regex } : {}),
      ...('json' in r ? { json: r.json } : {}),
      ...(r.length !== undefined ? { length: numberExpect(r.length) } : {}),
    };
  }
}

function numberExpect(raw: unknown): NumberExpect {
  if (typeof raw === 'number') return { equals: raw };
  const r = raw as Raw;
  return {
    ...(typeof r.equals === 'number' ? { equals: r.equals } : {}),
    ...(typeof r.min === 'number' ? { min: r.min } : {}),
    ...(typeof r.max === 'number' ? { max: r.max } : {}),
  };
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
