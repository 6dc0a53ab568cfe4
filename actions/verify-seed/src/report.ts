/**
 * verify-seed's section of the report: `checks`, one entry per data check with what was expected, what was
 * found and whether it passed, plus its job-summary table. Strings are bounded here so a huge query result
 * can never bloat the JSON report or the job summary (the runner caps a step summary at 1 MiB).
 */
import { boundedList } from '../../shared/src/github/check-line.js';
import type { ReportSection } from '../../shared/src/report/model.js';
import { cell, bounded as cut } from '../../shared/src/report/summary.js';
import { formatMs } from '../../shared/src/runtime/duration.js';

/** Kinds of data check. */
export type CheckKind = 'sql' | 'redis' | 'http' | 'fixture-version' | 'isolation';

/** One expectation of a check and its outcome; texts at most `MAX_TEXT` characters. */
export interface AssertionReport {
  /** What was compared, e.g. `row-count`, `scalar`, `value`, `status`, `jmespath length(@)`. */
  what: string;
  expected: string;
  actual: string;
  passed: boolean;
}

/** One check's outcome in the report. Times in ms. */
export interface CheckReport {
  name: string;
  kind: CheckKind;
  /** The connection's name in the spec. */
  connection: string;
  /** Where the check read from, passwords removed: `postgres://app:***@127.0.0.1:49153/app`, `db (compose exec)`. */
  target: string;
  passed: boolean;
  /** All expectations, joined (`row-count = 3; columns ⊇ id, email`), at most `MAX_TEXT` characters. */
  expected: string;
  /** What was found, joined the same way, or the error. */
  actual: string;
  /** Why it failed (the first failing expectation, or the error naming the query / request). */
  error?: string;
  attempts: number;
  durationMs: number;
  assertions: AssertionReport[];
  /** Where the check is declared: a repository-relative file (or `input checks`), 1-based line and column. */
  source?: { file: string; line: number; column: number };
}

/** Bound for every text in a check report. */
export const MAX_TEXT = 2048;

/** `text` cut to `max` (default `MAX_TEXT`) characters with an ellipsis. */
export function bounded(text: string, max = MAX_TEXT): string {
  return cut(text, max);
}

/**
 * The job-summary table, one row per check: name, kind, expected, actual, result and time (pure).
 * Failing checks get their reason under the table.
 */
export function renderChecks(checks: readonly CheckReport[]): string[] {
  if (checks.length === 0) return [];
  const passed = checks.filter((c) => c.passed).length;
  const lines = [
    `**Checks:** ${passed} of ${checks.length} passed.`,
    '',
    '| Check | Kind | Expected | Actual | Result | Time |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of checks) {
    lines.push(
      `| ${cell(c.name, 80)} | ${c.kind} | ${cell(c.expected, 300)} | ${cell(c.actual, 300)} | ${c.passed ? '✅ pass' : '❌ fail'} | ${formatMs(c.durationMs)}${c.attempts > 1 ? ` (${c.attempts} attempts)` : ''} |`,
    );
  }
  lines.push('');
  const failing = checks.filter((c) => !c.passed);
  if (failing.length > 0) {
    for (const c of failing) {
      const where = c.source ? ` (${c.source.file}:${c.source.line})` : '';
      lines.push(`- ❌ **${cell(c.name, 80)}**${cell(where, 200)}: ${cell(c.error ?? 'failed', 600)}`);
    }
    lines.push('');
  }
  return lines;
}

/** The checks' outcomes, in spec order, filled in when they have run. */
export class ChecksSection implements ReportSection {
  checks: CheckReport[] = [];

  fields(): Record<string, unknown> {
    return this.checks.length > 0 ? { checks: this.checks } : {};
  }

  summary(): string[] {
    return renderChecks(this.checks);
  }
}

/**
 * The seed line of the sticky PR comment (pure): `5 of 5 checks passed` or `2 of 5 checks failed: users
 * (row-count = 3 …), orders (…)`, bounded.
 */
export function seedLine(checks: readonly CheckReport[]): string {
  const failed = checks.filter((c) => !c.passed);
  if (failed.length === 0) return `${checks.length} of ${checks.length} checks passed`;
  return `${failed.length} of ${checks.length} checks failed: ${boundedList(failed.map((c) => `${c.name} (${(c.error ?? c.actual).slice(0, 120)})`))}`;
}
