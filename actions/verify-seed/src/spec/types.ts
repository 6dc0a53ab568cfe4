/**
 * The checks spec after validation: connections and checks as typed, frozen values. Produced by
 * `parseSpec` (spec/parse.ts) before anything connects; everything here is already checked (references,
 * kinds, regular expressions, durations, one SQL statement per query, the declared fixture version read).
 * Environment variables (`${VAR}`) and `{service:port}` placeholders are resolved later, in
 * connections/resolve.ts, still before anything connects.
 */
import type { CheckKind } from '../report.js';

/** Where a node of the spec starts: `file` is repository-relative (or `input "checks"`), line/column 1-based. */
export interface SourceLocation {
  /** The spec file relative to the workspace, or null for the inline `checks` input. */
  file: string | null;
  /** `examples/compose-app/seed-checks.yaml` or `input "checks"`, for messages. */
  label: string;
  line: number;
  column: number;
}

/** Connection kinds. `mariadb` is `mysql` with `mariadb` as the default exec client. */
export type ConnectionKind = 'postgres' | 'mysql' | 'mariadb' | 'redis' | 'http';

/** SQL dialects: PostgreSQL (pg, psql) and MySQL/MariaDB (mysql2, mysql/mariadb client). */
export type Dialect = 'postgres' | 'mysql';

/** Run the client inside a service of the Compose project (`docker compose exec -T`), for unpublished ports. */
export interface ExecTarget {
  /** The Compose service, e.g. `db`. */
  service: string;
  /** Client program; default `psql`, `mysql` (kind mysql), `mariadb` (kind mariadb) or `redis-cli`. */
  client?: string;
  /** `-U` / `-u` / `--user`. */
  user?: string;
  /** Passed through the environment (PGPASSWORD, MYSQL_PWD, REDISCLI_AUTH), never in argv. */
  password?: string;
  /** `-d` / `-D`, or the Redis database number (`-n`). */
  database?: string;
  /** Default: the Unix socket (psql, mysql) or 127.0.0.1 (redis-cli). */
  host?: string;
  port?: number;
}

/** A named connection from `connections:`. Raw texts: `${VAR}` and `{service:port}` are resolved later. */
export interface ConnectionSpec {
  name: string;
  kind: ConnectionKind;
  /** A URL (`postgres://…`, `mysql://…`, `redis://…`, `http://…`), or undefined for `exec`. */
  url?: string;
  exec?: ExecTarget;
  /** Overrides for the URL's user/password/database (so a password needs no URL-encoding). */
  user?: string;
  password?: string;
  database?: string;
  /** HTTP only: headers sent with every request of this connection. */
  headers: Record<string, string>;
  at: SourceLocation;
}

/** A number expectation: `3` (equals) or `{min, max}` (inclusive). */
export interface NumberExpect {
  equals?: number;
  min?: number;
  max?: number;
}

/**
 * A value expectation (comparators all of which must hold). A plain scalar in the spec means `equals`.
 * Coercion rules: see expect/values.ts.
 */
export interface ValueExpect {
  /** Set when `equals` was given (its value may be null). */
  hasEquals: boolean;
  equals?: unknown;
  hasNotEquals: boolean;
  notEquals?: unknown;
  min?: number;
  max?: number;
  regex?: RegExp;
  /** A JSON subset the value (an object, or a string holding JSON) must contain. */
  json?: unknown;
  /** Length of an array or string, number of keys of an object. */
  length?: NumberExpect;
}

/** Expectations of a `sql` check. */
export interface SqlExpect {
  rowCount?: NumberExpect;
  /** Column names that must be present. */
  columns?: string[];
  /** The whole result: objects (named columns compared) or arrays (every column, by position). */
  rows?: Array<Record<string, unknown> | unknown[]>;
  /** Compare `rows` in order (default false: as a multiset). */
  ordered: boolean;
  /** First column of the first row. */
  scalar?: ValueExpect;
}

/** Redis value types as `TYPE` names them. */
export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Expectations of a `redis` check. */
export interface RedisExpect {
  exists?: boolean;
  type?: RedisType;
  /** string: the value; hash: an object; list/zset: an array in order; set: the members sorted. */
  value?: ValueExpect;
  /** Members of a set/zset (any order) or list (in order), exactly. */
  members?: string[];
  /** STRLEN / LLEN / SCARD / ZCARD / HLEN / XLEN by type. */
  size?: NumberExpect;
  /** `pattern` checks: how many keys match. */
  count?: NumberExpect;
}

/** Expectations of an `http` check. */
export interface HttpExpect {
  /** Status set text (`200`, `2xx`, `200-299`, `"200, 204"`); default `2xx`. */
  status: string;
  /** A JSON subset of the body (shared/expect.ts `subsetMismatch`, exact types). */
  json?: unknown;
  /** A JMESPath expression and comparators on its value (no comparator: the value must be truthy). */
  jmespath?: { expression: string; value: ValueExpect | null };
  /** Length of the body (a JSON array, object or text). */
  length?: NumberExpect;
}

/** An HTTP request relative to the connection's base URL. */
export interface HttpRequestSpec {
  method: string;
  /** Starts with `/`; appended to the base URL's path. */
  path: string;
  headers: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** Where fixture-version and isolation checks read their value; which one depends on the connection's kind. */
export type ValueSource =
  | { via: 'sql'; query: string; params: unknown[] }
  | { via: 'redis'; key?: string; pattern?: string; scanLimit: number }
  | { via: 'http'; request: HttpRequestSpec; jmespath?: string };

/** The fixture version the repository declares, read at validation time. */
export interface DeclaredVersion {
  value: string;
  /** Where it came from, for messages: `fixtures/VERSION`, `package.json → fixtures.version`, `env FIXTURE_VERSION`. */
  origin: string;
}

/** Fields every check has. Durations in ms; undefined = the action's inputs. */
interface CheckBase {
  name: string;
  kind: CheckKind;
  connection: string;
  description?: string;
  timeoutMs?: number;
  retries?: number;
  retryIntervalMs?: number;
  at: SourceLocation;
}

export interface SqlCheck extends CheckBase {
  kind: 'sql';
  query: string;
  params: unknown[];
  /** Default true: run inside a READ ONLY transaction that is rolled back. */
  readOnly: boolean;
  expect: SqlExpect;
}

export interface RedisCheck extends CheckBase {
  kind: 'redis';
  key?: string;
  pattern?: string;
  /** SCAN bound for `pattern`: at most this many keys are examined. */
  scanLimit: number;
  expect: RedisExpect;
}

export interface HttpCheck extends CheckBase {
  kind: 'http';
  request: HttpRequestSpec;
  expect: HttpExpect;
}

export interface FixtureVersionCheck extends CheckBase {
  kind: 'fixture-version';
  source: ValueSource;
  declared: DeclaredVersion;
}

/** Who the data must belong to. */
export type IsolationMarker =
  | { kind: 'environment' }
  | { kind: 'commit' }
  | { kind: 'value'; value: string }
  | { kind: 'none' };

export interface IsolationCheck extends CheckBase {
  kind: 'isolation';
  source: ValueSource;
  marker: IsolationMarker;
  /** Values matching this (and not naming the marker) are another environment's markers. */
  foreign?: RegExp;
}

export type Check = SqlCheck | RedisCheck | HttpCheck | FixtureVersionCheck | IsolationCheck;

/** The validated spec. */
export interface Spec {
  connections: Record<string, ConnectionSpec>;
  checks: Check[];
  /** Absolute path of the spec file, or null for the inline input. */
  file: string | null;
  /** Directory relative paths in the spec (fixture files) resolve against. */
  baseDir: string;
}
