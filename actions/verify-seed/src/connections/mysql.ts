/**
 * MySQL and MariaDB over a URL with `mysql2` (https://sidorares.github.io/node-mysql2/docs). One connection
 * per query: `SET SESSION TRANSACTION READ ONLY` (every later transaction of the session, autocommit ones
 * too), `START TRANSACTION READ ONLY`, the statement, `ROLLBACK`, end
 * (https://dev.mysql.com/doc/refman/8.0/en/set-transaction.html, https://mariadb.com/kb/en/start-transaction/).
 * `multipleStatements` stays off, so the server refuses a second statement. BIGINT and DECIMAL come back as
 * text (`supportBigNumbers` + `bigNumberStrings`), like pg's int8/numeric, so the same spec reads both the same.
 */
import type mysql from 'mysql2/promise';
import {
  abortable,
  ConnectionError,
  displayUrl,
  type QueryOptions,
  type SqlConnection,
  SqlError,
  type SqlResult,
} from './types.js';

/** Where and how to connect. `url` is `mysql://user:password@host:port/database` (`mariadb://` also). */
export interface MysqlTarget {
  url: string;
  user?: string;
  password?: string;
  database?: string;
}

interface MysqlError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

/** The server's message with its error code and SQLSTATE. */
export function mysqlMessage(error: MysqlError): string {
  const text = error.sqlMessage ?? error.message;
  const code = [error.code, error.errno, error.sqlState ? `SQLSTATE ${error.sqlState}` : '']
    .filter(Boolean)
    .join(', ');
  return code ? `${text} (${code})` : text;
}

/** A MySQL/MariaDB connection through `mysql2`. */
export class MysqlConnection implements SqlConnection {
  readonly kind = 'mysql';
  readonly target: string;

  constructor(private readonly spec: MysqlTarget) {
    this.target = displayUrl(spec.url);
  }

  async query(sql: string, params: readonly unknown[], options: QueryOptions): Promise<SqlResult> {
    const timeoutMs = Math.max(100, Math.round(options.timeoutMs));
    const aborted = () => new ConnectionError(`no answer within ${timeoutMs} ms (${this.target})`);
    let connection: mysql.Connection | undefined;
    try {
      try {
        const { default: driver } = await import('mysql2/promise');
        const pending = driver.createConnection({
          uri: this.spec.url.replace(/^mariadb:/i, 'mysql:'),
          ...(this.spec.user !== undefined ? { user: this.spec.user } : {}),
          ...(this.spec.password !== undefined ? { password: this.spec.password } : {}),
          ...(this.spec.database !== undefined ? { database: this.spec.database } : {}),
          connectTimeout: timeoutMs,
          multipleStatements: false,
          supportBigNumbers: true,
          bigNumberStrings: true,
        });
        // A connection that opens after the deadline is closed at once.
        pending.then(
          (c) => options.signal.aborted && c.destroy(),
          () => {},
        );
        connection = await abortable(options.signal, pending, aborted);
      } catch (error) {
        if (error instanceof ConnectionError) throw error;
        throw new ConnectionError(`cannot connect to ${this.target}: ${mysqlMessage(error as MysqlError)}`);
      }
      const conn = connection;
      const run = async (): Promise<SqlResult> => {
        if (options.readOnly) {
          await conn.query('SET SESSION TRANSACTION READ ONLY');
          await conn.query('START TRANSACTION READ ONLY');
        }
        const [rows, fields] = await conn.query({
          sql,
          values: [...params],
          rowsAsArray: true,
          timeout: timeoutMs,
        });
        if (options.readOnly) await conn.query('ROLLBACK');
        const list = Array.isArray(rows) ? (rows as unknown[][]) : [];
        return {
          columns: (Array.isArray(fields) ? fields : []).map((f) => f.name),
          rows: list,
          columnsKnown: true,
        };
      };
      try {
        return await abortable(options.signal, run(), aborted);
      } catch (error) {
        if (error instanceof ConnectionError) throw error;
        const e = error as MysqlError;
        if (e.sqlMessage || e.sqlState) throw new SqlError(mysqlMessage(e), e.code);
        throw new ConnectionError(`${this.target}: ${mysqlMessage(e)}`);
      }
    } finally {
      connection?.destroy();
    }
  }
}
