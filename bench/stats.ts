/** Small statistics and formatting helpers for the benchmarks. All durations are in milliseconds. */

/** Median, minimum and maximum of a series of durations (ms). */
export interface SummaryMs {
  n: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** The median of `values` (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min and max of `valuesMs`. */
export function summarize(valuesMs: readonly number[]): SummaryMs {
  return {
    n: valuesMs.length,
    medianMs: median(valuesMs),
    minMs: valuesMs.length ? Math.min(...valuesMs) : Number.NaN,
    maxMs: valuesMs.length ? Math.max(...valuesMs) : Number.NaN,
  };
}

/** `1234.5` → `1.23 s`; below 10 s with two decimals, above with one. */
export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
}

/** `123.4` → `123 ms`. */
export function millis(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a';
}

/** `PASS` when `ok`, else `MISS`. */
export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

/** Renders rows as an aligned plain-text table (first row = header). */
export function textTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Renders rows as a Markdown table (first row = header). */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  const line = (row: string[]) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...body.map(line)].join('\n');
}
