/**
 * The read-only promise of SQL checks, kept before anything connects: every query of a `sql`,
 * `fixture-version` or `isolation` check is parsed by a real parser of its dialect and must be exactly one
 * plain read (postgres.ts for PostgreSQL, mysql.ts for MySQL/MariaDB; functions.ts lists the refused
 * functions). The READ ONLY transaction the query then runs in (connections/) stays as a second wall; the
 * parse is the first, because a superuser's COPY … TO PROGRAM, lo_export or SELECT … INTO OUTFILE write
 * through a read-only transaction.
 *
 * The parsers are loaded on demand (`loadSqlParsers`, a dynamic import: the bundle keeps each dialect in
 * a chunk of its own), because they are the largest thing verify-seed would otherwise load at start:
 * libpg-query compiles 1.7 MB of WebAssembly, node-sql-parser builds two grammars. A run whose spec has no
 * connection of a dialect never loads its parser (issue 12, start-up).
 */
import type { ConnectionKind } from '../types.js';
import type { StatementCheck } from './lexical.js';

export type { StatementCheck } from './lexical.js';

/** The parser families: `postgres` (libpg-query), `mysql` (node-sql-parser's MySQL and MariaDB grammars). */
export type SqlDialect = 'postgres' | 'mysql';

type ReadCheck = (sql: string, timeoutMs: number, kind: ConnectionKind) => StatementCheck;

const loaded = new Map<SqlDialect, ReadCheck>();

/** The parser family of a connection kind, or null for a kind that does not speak SQL. */
export function sqlDialect(kind: ConnectionKind): SqlDialect | null {
  if (kind === 'postgres') return 'postgres';
  if (kind === 'mysql' || kind === 'mariadb') return 'mysql';
  return null;
}

async function load(dialect: SqlDialect): Promise<ReadCheck> {
  if (dialect === 'postgres') {
    const { postgresRead } = await import('./postgres.js');
    return (sql, timeoutMs) => postgresRead(sql, timeoutMs);
  }
  const { mysqlRead } = await import('./mysql.js');
  return (sql, timeoutMs, kind) => mysqlRead(sql, timeoutMs, kind === 'mariadb');
}

/**
 * Loads the parsers of these connection kinds (kinds without SQL are ignored), each once per process.
 * @throws Error when a parser's module cannot be loaded (a broken bundle: a chunk missing beside it)
 */
export async function loadSqlParsers(kinds: Iterable<ConnectionKind>): Promise<void> {
  const wanted = new Set<SqlDialect>();
  for (const kind of kinds) {
    const dialect = sqlDialect(kind);
    if (dialect && !loaded.has(dialect)) wanted.add(dialect);
  }
  await Promise.all(
    [...wanted].map(async (dialect) => {
      loaded.set(dialect, await load(dialect));
    }),
  );
}

/**
 * Checks one query for a connection of `kind`; the dialect's parser must have been loaded
 * (`loadSqlParsers`, which spec/parse.ts calls for every SQL connection of a spec).
 * @param timeoutMs the check's timeout (ms), which bounds a constant sleep in the query
 * @returns the statement to run (trailing `;` removed), or why it is refused (ending with what is allowed)
 * @throws Error when the parser of `kind` was not loaded (a programming error, never a user's)
 */
export function readOnlyQuery(sql: string, kind: ConnectionKind, timeoutMs: number): StatementCheck {
  const dialect = sqlDialect(kind);
  const check = dialect ? loaded.get(dialect) : undefined;
  if (!check)
    throw new Error(`no SQL parser is loaded for connection kind "${kind}": call loadSqlParsers first`);
  return check(sql, timeoutMs, kind);
}
