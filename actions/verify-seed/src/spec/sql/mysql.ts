/**
 * A MySQL/MariaDB check query: the lexical pass (lexical.ts: one statement, no client command, no
 * executable comment, read alike under every sql_mode), then node-sql-parser's MySQL and MariaDB grammars
 * (https://github.com/taozhi8833998/node-sql-parser), then an allow-list of plain reads:
 *
 * - SELECT (with WITH, UNION, subqueries) without `INTO` (OUTFILE / DUMPFILE write files on the database
 *   server, `INTO @var` sets variables) and without `FOR UPDATE` / `FOR SHARE` / `LOCK IN SHARE MODE`;
 * - SHOW, DESCRIBE, and EXPLAIN of such a SELECT;
 * - no call of a function in functions.ts (LOAD_FILE, SLEEP over the timeout, BENCHMARK, GET_LOCK, …).
 *
 * A statement is accepted when at least one of the two grammars reads it and every grammar that reads it
 * yields an allowed tree; a query neither grammar reads is refused with the parser's position. The
 * grammars do not know every statement the servers do (e.g. `VALUES ROW(…)`, `TABLE t`): such a query is
 * refused, never guessed at.
 */
import mariadbGrammar from 'node-sql-parser/build/mariadb.js';
import mysqlGrammar from 'node-sql-parser/build/mysql.js';
import { ALLOWED_READS, refusedFunction, refusedSleep, SLEEP_FUNCTION } from './functions.js';
import { type StatementCheck, singleMysqlStatement } from './lexical.js';
import { firstProblem, type TreeNode } from './tree.js';

interface Grammar {
  name: string;
  database: string;
  parser: { astify(sql: string, options?: { database?: string }): unknown };
}

const GRAMMARS: readonly Grammar[] = [
  { name: 'MySQL', database: 'MySQL', parser: new mysqlGrammar.Parser() },
  { name: 'MariaDB', database: 'MariaDB', parser: new mariadbGrammar.Parser() },
];

const TOP_LEVEL = new Set(['select', 'show', 'desc', 'explain']);

/** Statement node types that are never a read, wherever they appear. */
const WRITES: Record<string, string> = {
  insert: 'INSERT',
  replace: 'REPLACE',
  update: 'UPDATE',
  delete: 'DELETE',
  create: 'CREATE',
  drop: 'DROP',
  alter: 'ALTER',
  truncate: 'TRUNCATE',
  rename: 'RENAME',
  call: 'CALL',
  set: 'SET',
  lock: 'LOCK TABLES',
  unlock: 'UNLOCK TABLES',
  grant: 'GRANT',
  revoke: 'REVOKE',
  load_data: 'LOAD DATA',
  transaction: 'a transaction command (START TRANSACTION, COMMIT, …)',
  use: 'USE',
  declare: 'DECLARE',
  exec: 'EXECUTE',
  execute: 'EXECUTE',
  prepare: 'PREPARE',
  deallocate: 'DEALLOCATE',
  handler: 'HANDLER',
  do: 'DO',
};

/**
 * Checks that `sql` is exactly one plain MySQL/MariaDB read.
 * @param preferMariadb try the MariaDB grammar first (connection kind `mariadb`); its error is reported
 * @param timeoutMs the check's timeout (ms): `SLEEP(n)` may sleep at most that long
 * @returns the statement without trailing `;`, or why it is refused
 */
export function mysqlRead(sql: string, timeoutMs: number, preferMariadb = false): StatementCheck {
  const lexical = singleMysqlStatement(sql);
  if (!lexical.ok) return lexical;
  const grammars = preferMariadb ? [...GRAMMARS].reverse() : GRAMMARS;
  let firstError = '';
  let accepted = 0;
  for (const grammar of grammars) {
    let tree: unknown;
    try {
      tree = grammar.parser.astify(lexical.statement, { database: grammar.database });
    } catch (error) {
      firstError ||= parseError(grammar.name, error, lexical.statement);
      continue;
    }
    const statements = Array.isArray(tree) ? tree : [tree];
    if (statements.length !== 1)
      return {
        ok: false,
        reason:
          'it holds several statements; a check runs exactly one, so it can be held in a read-only transaction',
      };
    const problem = topLevel(statements[0] as TreeNode, timeoutMs);
    if (problem) return { ok: false, reason: problem };
    accepted++;
  }
  if (accepted === 0) return { ok: false, reason: `${firstError}; ${ALLOWED_READS.mysql}` };
  return lexical;
}

/** `the MySQL parser rejects it at line 1, column 9 (near "ANALYZE SELECT 1")`. */
function parseError(grammar: string, error: unknown, sql: string): string {
  const start = (error as { location?: { start?: { offset?: number; line?: number; column?: number } } })
    .location?.start;
  if (!start?.line) return `the ${grammar} parser rejects it (${(error as Error).message.slice(0, 200)})`;
  const near = sql.slice(start.offset ?? 0, (start.offset ?? 0) + 24);
  return `the ${grammar} parser rejects it at line ${start.line}, column ${start.column}${near ? ` (near "${near}")` : ' (at the end)'}`;
}

/** Why the top-level statement is refused, or null. */
function topLevel(stmt: TreeNode, timeoutMs: number): string | null {
  const type = String(stmt.type ?? '');
  if (!TOP_LEVEL.has(type))
    return `${WRITES[type] ?? type.toUpperCase()} is not a read; ${ALLOWED_READS.mysql}`;
  if (type === 'explain') {
    const inner = stmt.expr as TreeNode | undefined;
    if (String(inner?.type ?? '') !== 'select')
      return `EXPLAIN of anything but a SELECT is not allowed; ${ALLOWED_READS.mysql}`;
  }
  return firstProblem(stmt, (body) => node(body, timeoutMs));
}

/** Why one node is refused on its own, or null. */
function node(body: TreeNode, timeoutMs: number): string | null {
  const type = typeof body.type === 'string' ? body.type : '';
  if (WRITES[type]) return `${WRITES[type]} inside the query is not a read; ${ALLOWED_READS.mysql}`;
  const into = body.into as { position?: unknown; keyword?: unknown } | undefined;
  if (into && typeof into === 'object' && into.position)
    return `SELECT … INTO ${String(into.keyword ?? '').toUpperCase() === 'VAR' ? '@variable' : String(into.keyword ?? '')} writes outside the result (INTO OUTFILE / DUMPFILE create files on the database server); ${ALLOWED_READS.mysql}`;
  if (body.locking_read || body.for_update)
    return `${String(body.locking_read ?? body.for_update)} locks rows; ${ALLOWED_READS.mysql}`;
  if (type === 'function') {
    const parts = ((body.name as { name?: Array<{ value?: string }> } | undefined)?.name ?? []).map(
      (p) => p.value ?? '',
    );
    const name = (parts.at(-1) ?? String(body.name ?? '')).toLowerCase();
    if (name === SLEEP_FUNCTION.mysql) {
      const args = (body.args as { value?: TreeNode[] } | undefined)?.value ?? [];
      const first = args[0];
      const seconds = first?.type === 'number' ? Number(first.value) : null;
      const why = refusedSleep('SLEEP', args.length === 1 ? seconds : null, timeoutMs);
      return why ? `${why}; raise the check's timeout or sleep less` : null;
    }
    const why = refusedFunction('mysql', name);
    if (why) return `it calls ${name.toUpperCase()}(): ${why}; remove the call (a check may only read)`;
  }
  return null;
}
