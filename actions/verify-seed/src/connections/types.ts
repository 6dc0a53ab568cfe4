/**
 * The connection layer: one small interface per kind, so the checks never know how they reach the data.
 * Today: drivers over a URL (pg, mysql2, redis, fetch) and command-line clients run inside a Compose service
 * (psql, mysql/mariadb, redis-cli through `docker compose exec -T`, see exec/). A Kubernetes path joins by
 * implementing `ServiceExec` with `kubectl exec` (the clients are reused as they are), or by resolving a
 * `kubectl port-forward` address into a URL (the drivers are reused) — no check changes.
 *
 * Every operation is bounded: `signal` aborts it (the caller's per-attempt timeout and the global deadline),
 * and an implementation closes what it opened when aborted or finished.
 */
import { redactUrls } from '../../../shared/src/runtime/secret-text.js';

/** A query result: column names in order, rows as arrays in the same order. */
export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  /** False when the client cannot tell the columns of an empty result (the mysql client's XML output). */
  columnsKnown: boolean;
}

/** Options of one SQL query. */
export interface QueryOptions {
  /** Run inside a READ ONLY transaction that is rolled back (default in checks). */
  readOnly: boolean;
  signal: AbortSignal;
  /** The attempt's remaining time in ms (statement and connect timeouts are set from it). */
  timeoutMs: number;
}

/** A PostgreSQL or MySQL/MariaDB database. */
export interface SqlConnection {
  readonly kind: 'postgres' | 'mysql';
  /** Where it connects, with no password: `postgres://app:***@127.0.0.1:49153/app`, `psql in service db`. */
  readonly target: string;
  /**
   * Runs one statement (checked by spec/sql/read-only.ts) with positional parameters.
   * @throws SqlError for an error the server reported; ConnectionError when it cannot connect
   */
  query(sql: string, params: readonly unknown[], options: QueryOptions): Promise<SqlResult>;
}

/** A reply as node-redis and `redis-cli --json` give it: text, number, null, list or map. */
export type RedisReply = string | number | boolean | null | RedisReply[] | { [key: string]: RedisReply };

/** An open Redis connection for the commands of one check attempt. */
export interface RedisSession {
  /**
   * One command, e.g. `['TYPE', 'fixture:version']`.
   * @throws RedisCommandError for an error reply (WRONGTYPE, …); ConnectionError when the server is gone
   */
  command(args: readonly string[]): Promise<RedisReply>;
  close(): Promise<void>;
}

/** A Redis server. */
export interface RedisConnection {
  readonly target: string;
  /** @throws ConnectionError when it cannot connect */
  open(signal: AbortSignal, timeoutMs: number): Promise<RedisSession>;
}

/** One HTTP request (path relative to the connection's base URL). */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Sent as is (strings) or as JSON. */
  body?: unknown;
}

/** A response; the body is read up to 1 MiB (`truncated` tells). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  /** The full URL requested (no credentials). */
  url: string;
}

/** An HTTP API under a base URL. */
export interface HttpConnection {
  readonly target: string;
  /** @throws ConnectionError when the request cannot be made */
  request(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse>;
}

/** Any connection. */
export type Connection =
  | { kind: 'sql'; sql: SqlConnection }
  | { kind: 'redis'; redis: RedisConnection }
  | { kind: 'http'; http: HttpConnection };

/** The server could not be reached (refused, timed out, authentication failed before a query). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** The database rejected a query: its message (and SQLSTATE/code when known). */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Redis answered a command with an error reply. */
export class RedisCommandError extends Error {
  override readonly name = 'RedisCommandError';
}

/** Rejects with `reason` when `signal` aborts; lets the caller race an operation against its deadline. */
export function abortable<T>(signal: AbortSignal, work: Promise<T>, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A connection URL as shown in logs and reports: the password replaced by `***` (also with an empty user,
 * `redis://:pw@host`, and percent-encoded passwords) and secret-named query values (`?password=…`); a text
 * that is not a URL is returned with the shared pattern-based redaction.
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return redactUrls(parsed.toString()).text;
  } catch {
    return redactUrls(url).text;
  }
}
