/**
 * PostgreSQL over a URL with `pg` (https://node-postgres.com/). One client per query: connect, `BEGIN
 * TRANSACTION READ ONLY`, the statement, `ROLLBACK`, end — so nothing a check runs can change the seed, and
 * nothing is shared between concurrent checks. Belt and braces: the session also starts with
 * `default_transaction_read_only=on` (https://www.postgresql.org/docs/current/runtime-config-client.html).
 *
 * The statement goes over the extended query protocol (`queryMode: 'extended'`), which carries exactly one
 * statement (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY), and rows
 * come back as arrays (`rowMode: 'array'`) so duplicate column names survive. Types as pg returns them
 * (int8 and numeric as text, timestamptz as Date); expect/values.ts documents how they compare.
 *
 * `pg` is loaded on the first query, so a run without a PostgreSQL URL connection never loads it (start-up).
 */
import type pg from 'pg';
import {
  abortable,
  ConnectionError,
  displayUrl,
  type QueryOptions,
  type SqlConnection,
  SqlError,
  type SqlResult,
} from './types.js';

/** Where and how to connect. `url` is `postgres://user:password@host:port/database?sslmode=…`. */
export interface PostgresTarget {
  url: string;
  user?: string;
  password?: string;
  database?: string;
}

interface PgError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  severity?: string;
}

/** The server's message with its SQLSTATE, detail and hint. */
export function pgMessage(error: PgError): string {
  const parts = [error.message];
  if (error.detail) parts.push(`detail: ${error.detail}`);
  if (error.hint) parts.push(`hint: ${error.hint}`);
  if (error.position) parts.push(`at character ${error.position}`);
  return `${parts.join('; ')}${error.code ? ` (SQLSTATE ${error.code})` : ''}`;
}

/** A PostgreSQL connection through `pg`. */
export class PostgresConnection implements SqlConnection {
  readonly kind = 'postgres';
  readonly target: string;

  constructor(private readonly spec: PostgresTarget) {
    this.target = displayUrl(spec.url);
  }

  async query(sql: string, params: readonly unknown[], options: QueryOptions): Promise<SqlResult> {
    const timeoutMs = Math.max(100, Math.round(options.timeoutMs));
    const { default: driver } = await import('pg');
    const client = new driver.Client({
      connectionString: this.spec.url,
      ...(this.spec.user !== undefined ? { user: this.spec.user } : {}),
      ...(this.spec.password !== undefined ? { password: this.spec.password } : {}),
      ...(this.spec.database !== undefined ? { database: this.spec.database } : {}),
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
      application_name: 'ephemeral-verify-seed',
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    client.on('error', () => {}); // a dropped connection rejects the pending query instead
    const aborted = () => new ConnectionError(`no answer within ${timeoutMs} ms (${this.target})`);
    try {
      try {
        await abortable(options.signal, client.connect(), aborted);
      } catch (error) {
        if (error instanceof ConnectionError) throw error;
        const e = error as PgError;
        throw new ConnectionError(
          `cannot connect to ${this.target}: ${e.code && !e.message.includes(e.code) ? `${e.code} ` : ''}${pgMessage(e)}`,
        );
      }
      const run = async (): Promise<SqlResult> => {
        if (options.readOnly) await client.query('BEGIN TRANSACTION READ ONLY');
        const result = await client.query({
          text: sql,
          values: [...params],
          rowMode: 'array',
          queryMode: 'extended',
        } as unknown as pg.QueryArrayConfig);
        if (options.readOnly) await client.query('ROLLBACK');
        return {
          columns: (result.fields ?? []).map((f) => f.name),
          rows: (result.rows ?? []) as unknown[][],
          columnsKnown: true,
        };
      };
      try {
        return await abortable(options.signal, run(), aborted);
      } catch (error) {
        if (error instanceof ConnectionError) throw error;
        const e = error as PgError;
        if (e.severity || /^[0-9A-Z]{5}$/.test(e.code ?? '')) throw new SqlError(pgMessage(e), e.code);
        throw new ConnectionError(`${this.target}: ${e.message}`);
      }
    } finally {
      void client.end().catch(() => {});
    }
  }
}
