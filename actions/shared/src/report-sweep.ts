/**
 * The `sweep` and `github` parts of the report: the orphan sweep's per-environment table (teardown
 * `mode: sweep`) and what an action did on GitHub (comment, deployment, PR guard, API calls spent), plus
 * their job-summary sections.
 */
import type { ApiBudget } from './github/client.js';
import type { EnvironmentKind, SweepDecision } from './github/sweep-decide.js';
import { redact } from './secrets.js';

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

/** What an action did on GitHub. */
export interface GitHubReport {
  comment: { action: string; id?: number; url?: string; reason?: string } | null;
  deploymentId: number | null;
  guard: Array<{ phase: string; verdict: string; detail?: string }>;
  api: ApiBudget | null;
}

function cell(text: string): string {
  return redact(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function when(epochS: number | null): string {
  return epochS === null ? '—' : new Date(epochS * 1000).toISOString().replace('T', ' ').slice(0, 16);
}

function sha(s: string): string {
  return s ? `\`${s.slice(0, 7)}\`` : '—';
}

function api(budget: ApiBudget | null): string {
  if (!budget) return 'none';
  const rl = budget.rateLimit;
  const left = rl ? `; ${rl.remaining} of ${rl.limit} left this hour` : '';
  return `${budget.requests} request(s)${budget.counted !== null ? ` (${budget.counted} counted by GitHub)` : ''}${left}`;
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
    `**GitHub API:** ${s.api.decisionRequests} call(s) to decide; ${api(s.api)} in all.`,
    '',
    '| Environment | Kind | PR | PR state | Deployed | Head | Expires (UTC) | Decision | Reason | Result |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const e of s.environments.slice(0, 500)) {
    lines.push(
      `| ${cell(e.environment || e.resources[0] || '?')} | ${e.kind} | ${e.pr === null ? '—' : `#${e.pr}`} | ${e.prState || '—'} | ${sha(e.deployedSha)} | ${sha(e.headSha)} | ${when(e.expiresAt)} | ${e.decision} | ${cell(e.reason)} | ${e.result}${e.failures?.length ? ` (${cell(e.failures.join('; ').slice(0, 200))})` : ''} |`,
    );
  }
  if (s.environments.length > 500)
    lines.push(`| … ${s.environments.length - 500} more in the JSON report | | | | | | | | | |`);
  lines.push('');
  return lines;
}

/** The GitHub section of a deploy or teardown summary (pure). */
export function renderGitHub(g: GitHubReport): string[] {
  const parts: string[] = [];
  if (g.comment)
    parts.push(
      `comment ${g.comment.action}${g.comment.url ? ` (${g.comment.url})` : ''}${g.comment.reason ? `: ${cell(g.comment.reason)}` : ''}`,
    );
  if (g.deploymentId !== null) parts.push(`deployment ${g.deploymentId}`);
  if (g.guard.length > 0) parts.push(`PR guard ${g.guard.map((x) => `${x.phase}: ${x.verdict}`).join(', ')}`);
  parts.push(`API ${api(g.api)}`);
  return [`**GitHub:** ${parts.join(' · ')}`, ''];
}
