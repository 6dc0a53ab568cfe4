/**
 * The `sweep` section of teardown's report (`mode: sweep`): every environment found and what became of it,
 * in the JSON report and as a table in the job summary. Fields declared in report/report.schema.json.
 */
import type { ApiBudget } from '../../shared/src/github/client.js';
import { apiSpent } from '../../shared/src/github/report.js';
import type { EnvironmentKind, SweepDecision } from '../../shared/src/github/sweep-decide.js';
import type { ReportSection } from '../../shared/src/report/model.js';
import { cell } from '../../shared/src/report/summary.js';

/** What became of one environment. */
export type SweepResult =
  | 'kept'
  | 'would-delete'
  | 'not-deleted'
  | 'removed'
  | 'already-gone'
  | 'partial'
  | 'refused'
  | 'failed';

/** One environment in the sweep report. Times in epoch seconds. */
export interface SweepEntry {
  kind: EnvironmentKind;
  environment: string;
  /** `container x`, `network y`, `volume z`, `namespace n`. */
  resources: string[];
  pr: number | null;
  /** open | closed | not-found | unknown | '' (no PR). */
  prState: string;
  deployedSha: string;
  /** The fingerprint its last deploy recorded (`sha256:…`, fingerprint/record.ts), or ''. */
  fingerprint: string;
  headSha: string;
  expiresAt: number | null;
  decision: SweepDecision;
  reason: string;
  result: SweepResult;
  failures?: string[];
}

/** The sweep as a whole. */
export interface SweepReport {
  /** The repository label this sweep owns. */
  repository: string;
  dryRun: boolean;
  limits: { maxDeletions: number; maxPercentage: number };
  /** swept | dry-run | capped | aborted | partial. */
  status: string;
  aborted: string | null;
  capped: string | null;
  environments: SweepEntry[];
  /** `decisionRequests`: pages of open PRs + confirmations; the rest as `ApiBudget`. */
  api: ApiBudget & { decisionRequests: number };
}

/** The `sweep` section; `value` stays undefined until the sweep has a plan. */
export class SweepSection implements ReportSection {
  value: SweepReport | undefined;

  fields(): Record<string, unknown> {
    return this.value ? { sweep: this.value } : {};
  }

  summary(): string[] {
    return this.value ? renderSweep(this.value) : [];
  }
}

function when(epochS: number | null): string {
  return epochS === null ? '—' : new Date(epochS * 1000).toISOString().replace('T', ' ').slice(0, 16);
}

function sha(s: string): string {
  return s ? `\`${s.slice(0, 7)}\`` : '—';
}

/** A recorded fingerprint shortened to its first 12 hex (`sha256:` dropped), as the deploy summaries show it. */
function fingerprint(value: string): string {
  return value ? `\`${value.replace(/^sha256:/, '').slice(0, 12)}\`` : '—';
}

/** The sweep's job-summary section (pure). */
export function renderSweep(s: SweepReport): string[] {
  const counts = new Map<string, number>();
  for (const e of s.environments) counts.set(e.decision, (counts.get(e.decision) ?? 0) + 1);
  const lines = [
    `**Sweep:** ${s.status}${s.dryRun ? ' (dry-run: nothing deleted)' : ''} — ${s.environments.length} environment(s): ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}.`,
    '',
  ];
  if (s.aborted) lines.push(`**Aborted, nothing deleted:** ${cell(s.aborted)}`, '');
  if (s.capped) lines.push(`**Blast radius, nothing deleted:** ${cell(s.capped)}`, '');
  lines.push(
    `**GitHub API:** ${s.api.decisionRequests} call(s) to decide; ${apiSpent(s.api)} in all.`,
    '',
    '| Environment | Kind | PR | PR state | Deployed | Fingerprint | Head | Expires (UTC) | Decision | Reason | Result |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const e of s.environments.slice(0, 500)) {
    lines.push(
      `| ${cell(e.environment || e.resources[0] || '?')} | ${e.kind} | ${e.pr === null ? '—' : `#${e.pr}`} | ${e.prState || '—'} | ${sha(e.deployedSha)} | ${fingerprint(e.fingerprint)} | ${sha(e.headSha)} | ${when(e.expiresAt)} | ${e.decision} | ${cell(e.reason)} | ${e.result}${e.failures?.length ? ` (${cell(e.failures.join('; ').slice(0, 200))})` : ''} |`,
    );
  }
  if (s.environments.length > 500)
    lines.push(`| … ${s.environments.length - 500} more in the JSON report | | | | | | | | | | |`);
  lines.push('');
  return lines;
}
