/**
 * A PostgreSQL check query, read by PostgreSQL's own parser (libpg-query: the server's parser compiled to
 * WebAssembly, https://github.com/constructive-io/libpg-query-node), then held to an allow-list of plain
 * reads. A READ ONLY transaction does not stop everything: `COPY … TO PROGRAM` runs a command on the
 * database server and `lo_export` writes a file there, for a superuser (the issue behind this check:
 * "verify-seed's read-only SQL can write"). So only these pass:
 *
 * - SELECT (also VALUES and TABLE, which parse as SELECT) with no `INTO` (creates a table) and no
 *   `FOR UPDATE / FOR SHARE` (locks rows), at any depth;
 * - WITH … SELECT whose every CTE is a SELECT (no data-modifying WITH);
 * - SHOW;
 * - EXPLAIN of such a read, without ANALYZE (which runs the statement);
 * - and no call of a function in functions.ts (anywhere: select list, FROM, WHERE, subqueries).
 *
 * Every other statement — COPY, DO, CALL, SET, LOCK, LISTEN, NOTIFY, INSERT, BEGIN, … — is refused,
 * before anything connects. The module loads the WebAssembly parser once, when it is first imported.
 */
import { loadModule, parseSync } from 'libpg-query';
import { ALLOWED_READS, refusedFunction, refusedSleep, SLEEP_FUNCTION } from './functions.js';
import type { StatementCheck } from './lexical.js';
import { firstProblem, type TreeNode } from './tree.js';

await loadModule();

/** What some refused statements do that a read-only transaction does not stop. */
const STATEMENTS: Record<string, { name: string; why?: string }> = {
  CopyStmt: {
    name: 'COPY',
    why: 'it reads and writes files and runs programs on the database server (COPY … TO PROGRAM), which a READ ONLY transaction does not stop',
  },
  DoStmt: { name: 'DO', why: 'it runs procedural code' },
  CallStmt: { name: 'CALL', why: 'it runs a procedure, which may commit' },
  VariableSetStmt: { name: 'SET', why: 'it changes a session setting (it could turn read-only off)' },
  LockStmt: { name: 'LOCK', why: 'it takes table locks' },
  ListenStmt: { name: 'LISTEN', why: 'it talks to other sessions' },
  UnlistenStmt: { name: 'UNLISTEN', why: 'it talks to other sessions' },
  NotifyStmt: { name: 'NOTIFY', why: 'it talks to other sessions' },
  TransactionStmt: {
    name: 'a transaction command (BEGIN, COMMIT, ROLLBACK, …)',
    why: 'it ends the read-only transaction',
  },
  InsertStmt: { name: 'INSERT' },
  UpdateStmt: { name: 'UPDATE' },
  DeleteStmt: { name: 'DELETE' },
  MergeStmt: { name: 'MERGE' },
  CreateTableAsStmt: { name: 'CREATE TABLE … AS' },
  DeclareCursorStmt: { name: 'DECLARE … CURSOR' },
  VacuumStmt: { name: 'VACUUM / ANALYZE' },
};

/** `CreateRoleStmt` → `CREATE ROLE`. */
function statementName(node: string): string {
  return (
    STATEMENTS[node]?.name ??
    node
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}

function notARead(node: string, where = ''): string {
  const why = STATEMENTS[node]?.why;
  return `${statementName(node)}${where} is not a read${why ? `: ${why}` : ''}; ${ALLOWED_READS.postgres}`;
}

/**
 * Checks that `sql` is exactly one plain PostgreSQL read.
 * @param timeoutMs the check's timeout (ms): `pg_sleep(n)` may sleep at most that long
 * @returns the statement without trailing `;` (comments kept), or why it is refused
 */
export function postgresRead(sql: string, timeoutMs: number): StatementCheck {
  const text = sql.trim();
  if (text === '') return { ok: false, reason: 'the query is empty' };
  if (text.startsWith('\\'))
    return {
      ok: false,
      reason: 'client meta-commands (a leading backslash) are not SQL and are not allowed',
    };
  let stmts: Array<{ stmt?: TreeNode; stmt_location?: number; stmt_len?: number }>;
  try {
    stmts = (parseSync(text).stmts ?? []) as typeof stmts;
  } catch (error) {
    const at = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    return {
      ok: false,
      reason: `PostgreSQL's parser rejects it: ${(error as Error).message}${at !== undefined && at >= 0 ? ` (at character ${at + 1})` : ''}`,
    };
  }
  if (stmts.length === 0) return { ok: false, reason: 'the query holds no statement (only comments)' };
  if (stmts.length > 1)
    return {
      ok: false,
      reason: `it holds several statements (${stmts.length}); a check runs exactly one, so it can be held in a read-only transaction`,
    };
  const [only] = stmts;
  const problem = only?.stmt ? topLevel(only.stmt, timeoutMs) : 'the query holds no statement';
  if (problem) return { ok: false, reason: problem };
  const start = only?.stmt_location ?? 0;
  const statement = only?.stmt_len ? text.slice(start, start + only.stmt_len) : text.slice(start);
  return { ok: true, statement: statement.trim() };
}

/** Why the top-level statement is refused, or null. */
function topLevel(stmt: TreeNode, timeoutMs: number): string | null {
  const [kind, body] = Object.entries(stmt)[0] ?? ['', {}];
  switch (kind) {
    case 'SelectStmt':
      return firstProblem(stmt, (body, key) => node(key, body, timeoutMs));
    case 'VariableShowStmt':
      return null;
    case 'ExplainStmt': {
      const explain = body as {
        query?: TreeNode;
        options?: Array<{ DefElem?: { defname?: string; arg?: TreeNode } }>;
      };
      const analyze = (explain.options ?? []).find((o) => o.DefElem?.defname === 'analyze');
      if (analyze && !isFalse(analyze.DefElem?.arg))
        return `EXPLAIN ANALYZE runs the statement it explains; use EXPLAIN without ANALYZE; ${ALLOWED_READS.postgres}`;
      const query = explain.query ?? {};
      const inner = Object.keys(query)[0] ?? '';
      if (inner !== 'SelectStmt') return notARead(inner, ' (under EXPLAIN)');
      return firstProblem(query, (body, key) => node(key, body, timeoutMs));
    }
    default:
      return notARead(kind);
  }
}

/** `ANALYZE false` / `ANALYZE off` (any other value, or none, means ANALYZE). */
function isFalse(arg: TreeNode | undefined): boolean {
  const text = (arg?.String as { sval?: string } | undefined)?.sval?.toLowerCase();
  return text === 'false' || text === 'off';
}

/** Why one node is refused on its own, or null. */
function node(key: string, body: TreeNode, timeoutMs: number): string | null {
  if (key === 'SelectStmt') {
    if (body.intoClause) return `SELECT … INTO creates a table; ${ALLOWED_READS.postgres}`;
    if (body.lockingClause) return `FOR UPDATE / FOR SHARE locks rows; ${ALLOWED_READS.postgres}`;
    return null;
  }
  if (key.endsWith('Stmt')) return notARead(key, ' inside the query (a data-modifying WITH or subquery)');
  if (key === 'FuncCall') {
    const names = (body.funcname as Array<{ String?: { sval?: string } }> | undefined) ?? [];
    const name = (names.at(-1)?.String?.sval ?? '').toLowerCase();
    if (name === SLEEP_FUNCTION.postgres) {
      const why = refusedSleep(name, constantNumber((body.args as TreeNode[] | undefined)?.[0]), timeoutMs);
      return why ? `${why}; raise the check's timeout or sleep less` : null;
    }
    const why = refusedFunction('postgres', name);
    if (why) return `it calls ${name}(): ${why}; remove the call (a check may only read)`;
  }
  return null;
}

/** The number of an `A_Const` integer or float literal, or null. */
function constantNumber(arg: TreeNode | undefined): number | null {
  const constant = arg?.A_Const as { ival?: { ival?: number }; fval?: { fval?: string } } | undefined;
  if (!constant) return null;
  if (constant.ival) return constant.ival.ival ?? 0;
  if (constant.fval?.fval !== undefined) return Number(constant.fval.fval);
  return null;
}
