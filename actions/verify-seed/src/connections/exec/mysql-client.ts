/**
 * MySQL/MariaDB through the `mysql` or `mariadb` command-line client inside a service
 * (https://dev.mysql.com/doc/refman/8.0/en/mysql-command-options.html, https://mariadb.com/kb/en/mariadb-command-line-client/).
 * argv only, no shell:
 *
 *   mariadb --xml --batch --connect-timeout=N [-h H] [-P P] [-u user] [-D db]
 *           -e 'SET SESSION TRANSACTION READ ONLY; START TRANSACTION READ ONLY; <statement>; ROLLBACK'
 *
 * The statement was checked to be exactly one, with no client command (spec/sql/read-only.ts). The
 * password travels in MYSQL_PWD through the exec's environment. `--xml` marks NULL (`xsi:nil="true"`),
 * which the tab-separated batch format cannot tell from the text "NULL"; it does not name the columns of
 * an empty result, so `columns` is unknown then. Values are text.
 */
import type { ExecTarget } from '../../spec/types.js';
import {
  ConnectionError,
  type QueryOptions,
  type SqlConnection,
  SqlError,
  type SqlResult,
} from '../types.js';
import {
  execFailure,
  isReachFailure,
  MAX_RESULT_BYTES,
  parsedResult,
  type ServiceExec,
} from './service-exec.js';

/** Where the client connects inside the service; `client` is `mysql` (MySQL images) or `mariadb` (MariaDB 11 images have no `mysql`). */
type MysqlClientTarget = ExecTarget & { client: string };

function decode(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, entity: string) => {
    switch (entity.toLowerCase()) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code =
      entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });
}

/** The client's `--xml` output as a result (the last result set, if several). */
export function parseMysqlXml(text: string): SqlResult {
  const sets = [...text.matchAll(/<resultset\b[^>]*>([\s\S]*?)<\/resultset>/g)];
  const body = sets.at(-1)?.[1] ?? '';
  const columns: string[] = [];
  const rows: unknown[][] = [];
  for (const row of body.matchAll(/<row>([\s\S]*?)<\/row>/g)) {
    const values: unknown[] = [];
    const names: string[] = [];
    for (const field of row[1]!.matchAll(
      /<field name="([^"]*)"(\s+xsi:nil="true"\s*\/>|\s*\/>|>([\s\S]*?)<\/field>)/g,
    )) {
      names.push(decode(field[1]!));
      values.push(field[2]!.includes('xsi:nil') ? null : decode(field[3] ?? ''));
    }
    if (columns.length === 0) columns.push(...names);
    rows.push(values);
  }
  return { columns, rows, columnsKnown: rows.length > 0 };
}

/** The argv the client runs with (pure, for tests). */
export function mysqlClientArgv(
  target: MysqlClientTarget,
  sql: string,
  readOnly: boolean,
  timeoutS: number,
): string[] {
  const script = readOnly
    ? `SET SESSION TRANSACTION READ ONLY; START TRANSACTION READ ONLY; ${sql}; ROLLBACK`
    : sql;
  return [
    target.client,
    '--xml',
    '--batch',
    `--connect-timeout=${timeoutS}`,
    ...(target.host ? ['-h', target.host] : []),
    ...(target.port ? ['-P', String(target.port)] : []),
    ...(target.user ? ['-u', target.user] : []),
    ...(target.database ? ['-D', target.database] : []),
    '-e',
    script,
  ];
}

/** A MySQL/MariaDB connection through the command-line client in a service. */
export class MysqlClientExecConnection implements SqlConnection {
  readonly kind = 'mysql';
  readonly target: string;

  constructor(
    private readonly exec: ServiceExec,
    private readonly spec: MysqlClientTarget,
  ) {
    this.target = `${spec.client} in ${exec.describe(spec.service)}`;
  }

  async query(sql: string, params: readonly unknown[], options: QueryOptions): Promise<SqlResult> {
    if (params.length > 0)
      throw new SqlError(`${this.spec.client} in a service cannot bind parameters; use a url connection`);
    const timeoutMs = Math.max(1000, Math.round(options.timeoutMs));
    const env: Record<string, string> = {};
    if (this.spec.password !== undefined) env.MYSQL_PWD = this.spec.password;
    const argv = mysqlClientArgv(this.spec, sql, options.readOnly, Math.max(2, Math.ceil(timeoutMs / 1000)));
    const result = await this.exec.run(this.spec.service, argv, {
      env,
      timeoutMs,
      maxStdoutBytes: MAX_RESULT_BYTES,
    });
    if (result.exitCode === 0) return parsedResult(result, parseMysqlXml);
    const message = execFailure(result)
      .replace(/-{5,}[\s\S]*?-{5,}/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    // ERROR 2002/2003/2005/2013 (can't connect, lost connection), 1045 (access denied): not the query's fault.
    if (/ERROR (20\d\d|1045)\b/.test(message) || isReachFailure(result))
      throw new ConnectionError(`${this.target}: ${message}`);
    throw new SqlError(message);
  }
}
