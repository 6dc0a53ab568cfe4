/**
 * The read-only promise of SQL checks, kept before anything connects: every query of a `sql`,
 * `fixture-version` or `isolation` check is parsed by a real parser of its dialect and must be exactly one
 * plain read (postgres.ts for PostgreSQL, mysql.ts for MySQL/MariaDB; functions.ts lists the refused
 * functions). The READ ONLY transaction the query then runs in (connections/) stays as a second wall; the
 * parse is the first, because a superuser's COPY … TO PROGRAM, lo_export or SELECT … INTO OUTFILE write
 * through a read-only transaction.
 */
import type { ConnectionKind } from '../types.js';
import type { StatementCheck } from './lexical.js';
import { mysqlRead } from './mysql.js';
import { postgresRead } from './postgres.js';

export type { StatementCheck } from './lexical.js';

/**
 * Checks one query for a connection of `kind`.
 * @param timeoutMs the check's timeout (ms), which bounds a constant sleep in the query
 * @returns the statement to run (trailing `;` removed), or why it is refused (ending with what is allowed)
 */
export function readOnlyQuery(sql: string, kind: ConnectionKind, timeoutMs: number): StatementCheck {
  if (kind === 'postgres') return postgresRead(sql, timeoutMs);
  return mysqlRead(sql, timeoutMs, kind === 'mariadb');
}
