/**
 * PostgreSQL through `psql` inside a service (https://www.postgresql.org/docs/current/app-psql.html), for
 * stacks that publish no database port. argv only, no shell:
 *
 *   psql -X -q -v ON_ERROR_STOP=1 --csv -P null=<sentinel> [-h H] [-p P] [-U user] [-d db]
 *        -c 'BEGIN TRANSACTION READ ONLY' -c '<the statement>' -c 'ROLLBACK'
 *
 * Each `-c` is sent separately in one session (psql ≥ 9.6); the statement was checked to be exactly one
 * (spec/sql/read-only.ts), and PGOPTIONS sets default_transaction_read_only for the session too. The
 * password travels in PGPASSWORD through the exec's environment. `--csv` (psql ≥ 12) prints a header and
 * RFC 4180 rows; NULL is printed as a sentinel no real value carries, so NULL and '' stay apart. Values are
 * text: expect/values.ts compares them by the coercion rules. Exit 2 means psql could not connect.
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

/** How NULL is printed (`\pset null`): a text no query returns by accident. */
export const NULL_SENTINEL = '\u2400ephemeral-null\u2400';

/** Splits RFC 4180 CSV into records (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): Array<Array<{ value: string; quoted: boolean }>> {
  const records: Array<Array<{ value: string; quoted: boolean }>> = [];
  let record: Array<{ value: string; quoted: boolean }> = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      quoted = true;
      any = true;
    } else if (c === ',') {
      record.push({ value: field, quoted });
      field = '';
      quoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push({ value: field, quoted });
      records.push(record);
      record = [];
      field = '';
      quoted = false;
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || record.length > 0) {
    record.push({ value: field, quoted });
    records.push(record);
  }
  return records;
}

/** psql's CSV output (header first) as a result; the sentinel (unquoted) becomes null. */
export function parsePsqlCsv(text: string): SqlResult {
  const [header, ...rows] = parseCsv(text);
  if (!header) return { columns: [], rows: [], columnsKnown: true };
  return {
    columns: header.map((f) => f.value),
    rows: rows.map((r) => r.map((f) => (!f.quoted && f.value === NULL_SENTINEL ? null : f.value))),
    columnsKnown: true,
  };
}

/** The argv psql runs with (pure, for tests). */
export function psqlArgv(target: ExecTarget, sql: string, readOnly: boolean): string[] {
  return [
    target.client ?? 'psql',
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '--csv',
    '-P',
    `null=${NULL_SENTINEL}`,
    ...(target.host ? ['-h', target.host] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.user ? ['-U', target.user] : []),
    ...(target.database ? ['-d', target.database] : []),
    ...(readOnly ? ['-c', 'BEGIN TRANSACTION READ ONLY'] : []),
    '-c',
    sql,
    ...(readOnly ? ['-c', 'ROLLBACK'] : []),
  ];
}

/** A PostgreSQL connection through psql in a service. */
export class PsqlExecConnection implements SqlConnection {
  readonly kind = 'postgres';
  readonly target: string;

  constructor(
    private readonly exec: ServiceExec,
    private readonly spec: ExecTarget,
  ) {
    this.target = `${spec.client ?? 'psql'} in ${exec.describe(spec.service)}`;
  }

  async query(sql: string, params: readonly unknown[], options: QueryOptions): Promise<SqlResult> {
    if (params.length > 0)
      throw new SqlError('psql in a service cannot bind parameters; use a url connection');
    const timeoutMs = Math.max(1000, Math.round(options.timeoutMs));
    const env: Record<string, string> = {
      PGCONNECT_TIMEOUT: String(Math.max(2, Math.ceil(timeoutMs / 1000))),
    };
    if (this.spec.password !== undefined) env.PGPASSWORD = this.spec.password;
    if (options.readOnly) env.PGOPTIONS = '-c default_transaction_read_only=on';
    const result = await this.exec.run(this.spec.service, psqlArgv(this.spec, sql, options.readOnly), {
      env,
      timeoutMs,
      maxStdoutBytes: MAX_RESULT_BYTES,
    });
    if (result.exitCode === 0) return parsedResult(result, parsePsqlCsv);
    const message = execFailure(result).replace(/\s+/g, ' ');
    if (result.exitCode === 2 || isReachFailure(result))
      throw new ConnectionError(`${this.target}: ${message}`);
    throw new SqlError(message.replace(/^(psql:[^:]*:\d+: )?/, ''));
  }
}
