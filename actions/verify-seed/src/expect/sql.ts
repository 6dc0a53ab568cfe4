/**
 * Expectations on a query result: row count, columns present, the scalar (first column of the first row)
 * and the whole table. Rows given as mappings compare the named columns (others are ignored); rows given as
 * lists compare every column by position. `ordered: false` (the default) compares the tables as multisets —
 * SQL promises no order without ORDER BY — with a maximum matching, so a row can only stand for one row.
 */

import type { SqlResult } from '../connections/types.js';
import type { AssertionReport } from '../report.js';
import type { SqlExpect } from '../spec/types.js';
import { checkNumber, checkValue, describeNumber, describeValue, mismatch, show } from './values.js';

/** Rows compared at most (bigger results fail the `rows` expectation with a clear message). */
export const MAX_ROWS_COMPARED = 10_000;

/** A row as a mapping of column name → value (later duplicate names win). */
export function rowObject(columns: readonly string[], row: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((name, i) => {
    out[name] = row[i];
  });
  return out;
}

/** Why `row` does not match `expected` (a mapping or a list), or null. */
export function rowMismatch(
  columns: readonly string[],
  row: readonly unknown[],
  expected: Record<string, unknown> | unknown[],
): string | null {
  if (Array.isArray(expected)) {
    if (expected.length !== row.length) return `expected ${expected.length} column(s), got ${row.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(row[i], expected[i], columns[i] ?? `column ${i + 1}`);
      if (m) return m;
    }
    return null;
  }
  for (const [name, value] of Object.entries(expected)) {
    const index = columns.lastIndexOf(name);
    if (index < 0) return `column "${name}" is not in the result`;
    const m = mismatch(row[index], value, name);
    if (m) return m;
  }
  return null;
}

/** Maximum bipartite matching (Kuhn's algorithm): for each expected row, the actual row it stands for or -1. */
function match(candidates: number[][], actualCount: number): number[] {
  const owner = new Array<number>(actualCount).fill(-1);
  const assign = (e: number, seen: boolean[]): boolean => {
    for (const a of candidates[e]!) {
      if (seen[a]) continue;
      seen[a] = true;
      if (owner[a] === -1 || assign(owner[a]!, seen)) {
        owner[a] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < candidates.length; e++) assign(e, new Array<boolean>(actualCount).fill(false));
  const result = new Array<number>(candidates.length).fill(-1);
  owner.forEach((e, a) => {
    if (e >= 0) result[e] = a;
  });
  return result;
}

/** Compares the whole result with `expected` rows. */
export function compareRows(
  result: SqlResult,
  expected: Array<Record<string, unknown> | unknown[]>,
  ordered: boolean,
): AssertionReport {
  const what = ordered ? 'rows (in order)' : 'rows';
  const expectedText = `${expected.length} row(s): ${show(expected, 400)}`;
  const { columns, rows } = result;
  const fail = (actual: string): AssertionReport => ({ what, expected: expectedText, actual, passed: false });
  if (rows.length > MAX_ROWS_COMPARED)
    return fail(`${rows.length} rows; at most ${MAX_ROWS_COMPARED} are compared (add a WHERE or LIMIT)`);
  if (ordered) {
    for (let i = 0; i < Math.min(rows.length, expected.length); i++) {
      const m = rowMismatch(columns, rows[i]!, expected[i]!);
      if (m) return fail(`row ${i + 1} ${show(rowObject(columns, rows[i]!))}: ${m}`);
    }
    if (rows.length !== expected.length) {
      const extra =
        rows.length > expected.length
          ? `; unexpected ${show(
              rows.slice(expected.length).map((r) => rowObject(columns, r)),
              300,
            )}`
          : `; missing ${show(expected.slice(rows.length), 300)}`;
      return fail(`${rows.length} row(s)${extra}`);
    }
    return { what, expected: expectedText, actual: `${rows.length} row(s), all equal`, passed: true };
  }
  const candidates = expected.map((e) =>
    rows.flatMap((row, a) => (rowMismatch(columns, row, e) === null ? [a] : [])),
  );
  const assigned = match(candidates, rows.length);
  const missing = expected.filter((_, e) => assigned[e] === -1);
  const used = new Set(assigned.filter((a) => a >= 0));
  const unexpected = rows.filter((_, a) => !used.has(a)).map((r) => rowObject(columns, r));
  if (missing.length === 0 && unexpected.length === 0)
    return { what, expected: expectedText, actual: `${rows.length} row(s), all equal`, passed: true };
  const parts = [`${rows.length} row(s)`];
  if (missing.length > 0) {
    // For a single missing row, say why the closest candidate differs.
    let why = '';
    if (missing.length === 1 && unexpected.length === 1) {
      const m = rowMismatch(columns, rows[[...rows.keys()].find((a) => !used.has(a))!]!, missing[0]!);
      if (m) why = ` (closest row differs: ${m})`;
    }
    parts.push(`missing ${show(missing, 300)}${why}`);
  }
  if (unexpected.length > 0) parts.push(`unexpected ${show(unexpected, 300)}`);
  return fail(parts.join('; '));
}

/** The static description of a sql check's expectations (shown when it errors before comparing). */
export function describeSqlExpect(e: SqlExpect): string {
  const parts: string[] = [];
  if (e.rowCount) parts.push(`row-count: ${describeNumber(e.rowCount)}`);
  if (e.columns) parts.push(`columns: ⊇ ${e.columns.join(', ')}`);
  if (e.scalar) parts.push(`scalar: ${describeValue(e.scalar)}`);
  if (e.rows) parts.push(`rows: ${e.rows.length} row(s)${e.ordered ? ' in order' : ''}`);
  return parts.join('; ') || 'the query runs';
}

/** Every expectation of a sql check against a result. */
export function evaluateSql(result: SqlResult, e: SqlExpect): AssertionReport[] {
  const out: AssertionReport[] = [];
  if (e.rowCount) out.push(checkNumber('row-count', result.rows.length, e.rowCount));
  if (e.columns) {
    if (!result.columnsKnown) {
      out.push({
        what: 'columns',
        expected: `⊇ ${e.columns.join(', ')}`,
        actual: 'unknown (no rows; the mysql client names columns only in rows)',
        passed: false,
      });
    } else {
      const missing = e.columns.filter((c) => !result.columns.includes(c));
      out.push({
        what: 'columns',
        expected: `⊇ ${e.columns.join(', ')}`,
        actual: `${result.columns.join(', ') || '(none)'}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`,
        passed: missing.length === 0,
      });
    }
  }
  if (e.scalar) {
    if (result.rows.length === 0 || result.rows[0]!.length === 0) {
      out.push({
        what: 'scalar',
        expected: describeValue(e.scalar),
        actual: result.rows.length === 0 ? 'no rows' : 'no columns',
        passed: false,
      });
    } else out.push(...checkValue('scalar', result.rows[0]![0], e.scalar));
  }
  if (e.rows) out.push(compareRows(result, e.rows, e.ordered));
  if (out.length === 0)
    out.push({ what: 'query', expected: 'runs', actual: `ran, ${result.rows.length} row(s)`, passed: true });
  return out;
}
