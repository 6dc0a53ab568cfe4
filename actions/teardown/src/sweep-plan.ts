/**
 * The sweep's plan: discover, ask GitHub, decide (pure decisions in shared/src/github/sweep-decide.ts).
 * GitHub calls: the open PRs once (100 a page), then one `GET /pulls/{n}` per PR whose environment is a
 * deletion candidate (one call serves a PR's Compose and namespace environments alike).
 */

import { LABELS } from '../../shared/src/environment/labels.js';
import { readRecord } from '../../shared/src/fingerprint/record.js';
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
import { mapPool } from './sweep-discover.js';
import type { SweepEntry } from './sweep-report.js';

/** Confirmations in flight at once. */
export const CONFIRM_CONCURRENCY = 8;

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
    fingerprint: readRecord(env.labels)?.fingerprint ?? '',
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
  // Candidates first, then one GET /pulls/{n} per candidate PR, a few at a time (GitHub allows up to 100
  // concurrent requests; a handful keeps far from its secondary limits), stopping at the first failure.
  const firsts = environments.map((env) => preliminaryVerdict(env, repositoryLabel, open, options.nowS));
  const prs = [
    ...new Set(
      environments.filter((_, i) => firsts[i] === 'candidate').map((e) => Number(e.labels[LABELS.pr])),
    ),
  ];
  const answers = new Map<number, PullAnswer>();
  let aborted: string | null = null;
  await mapPool(prs, CONFIRM_CONCURRENCY, async (pr) => {
    if (aborted) return;
    const answer = await getPull(github, pr);
    answers.set(pr, answer);
    if (!answer.ok && answer.failure.kind !== 'not-found')
      aborted ??= `confirming pull request #${pr} failed: ${answer.failure.message}`;
  });
  const entries = environments.map((env, i): SweepEntry => {
    const first = firsts[i] as Verdict | 'candidate';
    if (first !== 'candidate') return entry(env, first);
    const answer = answers.get(Number(env.labels[LABELS.pr]));
    const verdict = answer && !aborted ? confirmVerdict(env, answer, options) : null;
    if (!verdict || 'abort' in verdict)
      return entry(env, {
        decision: 'unknown',
        reason: 'not decided: the sweep was aborted',
        prState: 'unknown',
        prHeadSha: '',
      });
    return entry(env, verdict);
  });
  const capped = aborted
    ? null
    : blastRadiusExceeded(
        entries.map((e) => e.decision),
        options,
      );
  return { entries, aborted, capped, decisionRequests: spent() };
}

/**
 * The sweep's status: aborted | dry-run | capped | partial | swept (pure; run after the removals). A dry-run
 * over the caps stays `dry-run` (its report's `capped` says a real run would stop).
 */
export function sweepStatus(plan: SweepPlan, dryRun: boolean): string {
  if (plan.aborted) return 'aborted';
  if (dryRun) return 'dry-run';
  if (plan.capped) return 'capped';
  const broken = plan.entries.some(
    (e) => e.result === 'partial' || e.result === 'failed' || e.result === 'refused',
  );
  return broken ? 'partial' : 'swept';
}
