/**
 * The `github` section of a report: what an action did on GitHub (sticky comment, deployment, PR guard, API
 * calls spent), in the JSON report and as one line of the job summary. Fields declared in
 * report/report.schema.json.
 */
import type { ReportSection } from '../report/model.js';
import { cell } from '../report/summary.js';
import type { ApiBudget } from './client.js';

/** What an action did on GitHub. */
export interface GitHubReport {
  comment: { action: string; id?: number; url?: string; reason?: string } | null;
  deploymentId: number | null;
  guard: Array<{ phase: string; verdict: string; detail?: string }>;
  api: ApiBudget | null;
}

/** The `github` section; `value` stays undefined (no field, no line) until the action sets it. */
export class GitHubSection implements ReportSection {
  value: GitHubReport | undefined;

  fields(): Record<string, unknown> {
    return this.value ? { github: this.value } : {};
  }

  summary(): string[] {
    return this.value ? renderGitHub(this.value) : [];
  }
}

/** A summary of the API calls spent. */
export function apiSpent(budget: ApiBudget | null): string {
  if (!budget) return 'none';
  const rl = budget.rateLimit;
  const left = rl ? `; ${rl.remaining} of ${rl.limit} left this hour` : '';
  return `${budget.requests} request(s)${budget.counted !== null ? ` (${budget.counted} counted by GitHub)` : ''}${left}`;
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
  parts.push(`API ${apiSpent(g.api)}`);
  return [`**GitHub:** ${parts.join(' · ')}`, ''];
}
