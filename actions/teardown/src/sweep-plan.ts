/**
 * The sweep's plan: discover, ask GitHub, decide (pure decisions in shared/src/github/sweep-decide.ts).
 * GitHub calls: the open PRs once (100 a page), then one `GET /pulls/{n}` per PR whose environment is a
 * deletion candidate (one call serves a PR's Compose and namespace environments alike).
 */
import type { GitHub } from '../../shared/src/github/client.js';
import { classifyApiError } from '../../shared/src/github/errors.js';
import { getPull, listOpenPulls, type PullAnswer } from '../../shared/src/github/pull-request.js';
import {
  type BlastRadius,
  blastRadiusExceeded,
  type ConfirmOptions,
  confirmVerdict,
  type DiscoveredEnvironment,
  parseLabels,
  preliminaryVerdict,
  type Verdict,
} from '../../shared/src/github/sweep-decide.js';
import { LABELS } from '../../shared/src/labels.js';
import type { SweepEntry } from '../../shared/src/report-sweep.js';

/** The plan: every environment decided, or why the sweep stops with nothing deleted. */
export interface SweepPlan {
  entries: SweepEntry[];
  /** GitHub did not answer in a way that proves anything: nothing is deleted. */
  aborted: string | null;
  /** Over max-deletions / max-percentage: nothing is deleted. */
  capped: string | null;
  /** GitHub requests spent on deciding (pages of open PRs + confirmations). */
  decisionRequests: number;
}

function entry(env: DiscoveredEnvironment, verdict: Verdict): SweepEntry {
  const parsed = parseLabels(env.labels);
  const facts = parsed.ok ? parsed.facts : null;
  return {
    kind: env.kind,
    environment: env.environment,
    resources: env.resources,
    pr: facts?.pr ?? null,
    prState: verdict.prState,
    deployedSha: env.labels[LABELS.headSha] ?? '',
    headSha: verdict.prHeadSha,
    expiresAt: facts?.expiresAt ?? null,
    decision: verdict.decision,
    reason: verdict.reason,
    result: 'kept',
  };
}

/**
 * Decides every environment.
 * @param repositoryLabel `labelValue(GITHUB_REPOSITORY)`
 */
export async function planSweep(
  github: GitHub,
  environments: DiscoveredEnvironment[],
  repositoryLabel: string,
  options: ConfirmOptions & BlastRadius,
): Promise<SweepPlan> {
  const before = github.budget().requests;
  const spent = () => github.budget().requests - before;
  let open: Awaited<ReturnType<typeof listOpenPulls>>;
  try {
    open = await listOpenPulls(github);
  } catch (error) {
    const failure = classifyApiError(error);
    const entries = environments.map((e) =>
      entry(e, {
        decision: 'unknown',
        reason: 'not decided: the sweep was aborted',
        prState: 'unknown',
        prHeadSha: '',
      }),
    );
    return {
      entries,
      aborted: `listing the open pull requests failed: ${failure.message}`,
      capped: null,
      decisionRequests: spent(),
    };
  }
  const answers = new Map<number, PullAnswer>();
  const entries: SweepEntry[] = [];
  let aborted: string | null = null;
  for (const env of environments) {
    const first = preliminaryVerdict(env, repositoryLabel, open, options.nowS);
    if (first !== 'candidate') {
      entries.push(entry(env, first));
      continue;
    }
    const pr = Number(env.labels[LABELS.pr]);
    let answer = answers.get(pr);
    if (!answer && !aborted) {
      answer = await getPull(github, pr);
      answers.set(pr, answer);
    }
    const verdict = answer ? confirmVerdict(env, answer, options) : null;
    if (!verdict || 'abort' in verdict) {
      aborted ??= `confirming pull request #${pr} failed: ${verdict && 'abort' in verdict ? verdict.abort : ''}`;
      entries.push(
        entry(env, {
          decision: 'unknown',
          reason: 'not decided: the sweep was aborted',
          prState: 'unknown',
          prHeadSha: '',
        }),
      );
      continue;
    }
    entries.push(entry(env, verdict));
  }
  const capped = aborted
    ? null
    : blastRadiusExceeded(
        entries.map((e) => e.decision),
        options,
      );
  return { entries, aborted, capped, decisionRequests: spent() };
}

/** The sweep's status: aborted | capped | dry-run | partial | swept (pure; run after the removals). */
export function sweepStatus(plan: SweepPlan, dryRun: boolean): string {
  if (plan.aborted) return 'aborted';
  if (plan.capped) return 'capped';
  if (dryRun) return 'dry-run';
  const broken = plan.entries.some(
    (e) => e.result === 'partial' || e.result === 'failed' || e.result === 'refused',
  );
  return broken ? 'partial' : 'swept';
}
