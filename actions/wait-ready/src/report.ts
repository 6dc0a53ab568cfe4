/**
 * wait-ready's section of the report: one entry per probe (`probes` in ephemeral-report/v1) and a table in
 * the job summary.
 */
import { boundedList } from '../../shared/src/github/check-line.js';
import type { ReportSection } from '../../shared/src/report/model.js';
import { cell } from '../../shared/src/report/summary.js';
import { formatMs } from '../../shared/src/runtime/duration.js';

/** One readiness probe's outcome. Times in ms. */
export interface ProbeReport {
  name: string;
  kind: string;
  target: string;
  ready: boolean;
  attempts: number;
  /** ms from the start of waiting until the probe held (`consecutive` times), or null. */
  timeToReadyMs: number | null;
  /** The last response or error, bounded to 2 KiB. */
  last: string;
}

/** The probes' outcomes, filled in when the wait ends. */
export class ProbesSection implements ReportSection {
  probes: ProbeReport[] = [];

  fields(): Record<string, unknown> {
    return this.probes.length > 0 ? { probes: this.probes } : {};
  }

  summary(): string[] {
    if (this.probes.length === 0) return [];
    const lines = [
      '| Probe | Target | Ready | Attempts | Time to ready | Last |',
      '|---|---|---|---|---|---|',
    ];
    for (const p of this.probes) {
      const time = p.timeToReadyMs === null ? '—' : formatMs(p.timeToReadyMs);
      lines.push(
        `| ${cell(p.name)} | ${cell(p.target)} | ${p.ready ? '✅' : '❌'} | ${p.attempts} | ${time} | ${cell(p.last.slice(0, 120))} |`,
      );
    }
    lines.push('');
    return lines;
  }
}

/**
 * The readiness line of the sticky PR comment (pure): `ready in 4.2 s: api 4.2 s, db 1.0 s` or `not ready:
 * api (HTTP 503 …)`, bounded.
 */
export function readinessLine(outcomes: readonly ProbeReport[]): string {
  const failing = outcomes.filter((o) => !o.ready);
  if (failing.length === 0) {
    const slowest = Math.max(0, ...outcomes.map((o) => o.timeToReadyMs ?? 0));
    return `ready in ${formatMs(slowest)}: ${boundedList(outcomes.map((o) => `${o.name} ${formatMs(o.timeToReadyMs ?? 0)}`))}`;
  }
  return `not ready (${failing.length} of ${outcomes.length}): ${boundedList(failing.map((o) => `${o.name} (${o.last.slice(0, 120)})`))}`;
}
