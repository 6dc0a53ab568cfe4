/**
 * The orphan sweep's decisions, as pure functions (teardown `mode: sweep` runs them; see
 * docs/architecture.md). Semantics, per environment found by label:
 *
 * - labels that do not parse → `unparseable`: kept and reported, never deleted;
 * - `repository` label not this repository → `foreign`: reported, never touched;
 * - `expires-at` in the past → `expired`: deleted even with the PR open (expires-at = last deploy + TTL,
 *   as kube-janitor's deployment-time annotation, hjacobs/kube-janitor#43);
 * - PR in the open list: head SHA as deployed → `keep`; head moved → `stale` (reported, not deleted);
 * - no PR label (a branch or named environment) → `keep` (only its TTL applies);
 * - PR not in the open list → a candidate, confirmed with `GET /pulls/{n}` just before deleting:
 *   closed → `orphan` (unless still within `closed-grace`), open again → `keep`/`stale`, 404 → `unknown`
 *   and kept unless `delete-not-found` (GitHub answers 404 for what a token cannot see), and any other
 *   failure (5xx, 403, rate limit, network) aborts the whole sweep with nothing deleted.
 * - blast radius (gianlucam76/k8s-cleaner semantics): more deletions than `max-deletions`, or more than
 *   `max-percentage` of this repository's environments, → nothing is deleted; all is reported.
 */
import { isValidName } from '../environment/identity.js';
import { LABELS } from '../environment/labels.js';
import type { PullAnswer, PullFacts } from './pull-request.js';

/** Where an environment lives. */
export type EnvironmentKind = 'compose' | 'namespace';

/** An environment as discovered: its labels and the resources that carry them. */
export interface DiscoveredEnvironment {
  kind: EnvironmentKind;
  /** The environment label ('' when missing). */
  environment: string;
  /** The labels of its newest resource (by last-deployed-at). */
  labels: Record<string, string>;
  /** `container web-1`, `volume x`, `namespace y`. */
  resources: string[];
}

/** The facts parsed from an environment's labels. Times in epoch seconds. */
export interface EnvironmentFacts {
  environment: string;
  repository: string;
  pr: number | null;
  headSha: string;
  expiresAt: number | null;
  lastDeployedAt: number | null;
}

/** The decision for one environment. `orphan` and `expired` delete. */
export type SweepDecision = 'orphan' | 'expired' | 'keep' | 'stale' | 'unknown' | 'foreign' | 'unparseable';

/** A decision with its reason and the PR facts behind it. */
export interface Verdict {
  decision: SweepDecision;
  reason: string;
  /** open | closed | unknown | '' (no PR). */
  prState: string;
  /** The PR's current head SHA, when known. */
  prHeadSha: string;
}

const EPOCH = /^\d{1,12}$/;

/** Parses the labels (pure). */
export function parseLabels(
  labels: Record<string, string>,
): { ok: true; facts: EnvironmentFacts } | { ok: false; problem: string } {
  const environment = labels[LABELS.environment] ?? '';
  if (!isValidName(environment))
    return { ok: false, problem: `${LABELS.environment}="${environment}" is not an environment name` };
  const repository = labels[LABELS.repository] ?? '';
  if (repository === '') return { ok: false, problem: `no ${LABELS.repository} label` };
  const prText = labels[LABELS.pr];
  if (prText !== undefined && !/^[1-9]\d{0,9}$/.test(prText))
    return { ok: false, problem: `${LABELS.pr}="${prText}" is not a PR number` };
  const expires = labels[LABELS.expiresAt];
  if (expires !== undefined && !EPOCH.test(expires))
    return { ok: false, problem: `${LABELS.expiresAt}="${expires}" is not epoch seconds` };
  const deployed = labels[LABELS.lastDeployedAt];
  return {
    ok: true,
    facts: {
      environment,
      repository,
      pr: prText === undefined ? null : Number(prText),
      headSha: labels[LABELS.headSha] ?? '',
      expiresAt: expires === undefined ? null : Number(expires),
      lastDeployedAt: deployed !== undefined && EPOCH.test(deployed) ? Number(deployed) : null,
    },
  };
}

function sameSha(deployed: string, head: string): boolean {
  return deployed === '' || head === '' || head.toLowerCase().startsWith(deployed.toLowerCase());
}

/**
 * The decision before any per-PR call (pure). `candidate` means: confirm with `GET /pulls/{n}`.
 * @param repositoryLabel `labelValue(GITHUB_REPOSITORY)`
 * @param open the open PRs by number
 * @param nowS the time, epoch seconds
 */
export function preliminaryVerdict(
  env: DiscoveredEnvironment,
  repositoryLabel: string,
  open: Map<number, PullFacts>,
  nowS: number,
): Verdict | 'candidate' {
  const parsed = parseLabels(env.labels);
  if (!parsed.ok) return { decision: 'unparseable', reason: parsed.problem, prState: '', prHeadSha: '' };
  const f = parsed.facts;
  if (f.repository !== repositoryLabel)
    return {
      decision: 'foreign',
      reason: `belongs to repository label ${f.repository}`,
      prState: '',
      prHeadSha: '',
    };
  const pr = f.pr === null ? undefined : open.get(f.pr);
  const prState = f.pr === null ? '' : pr ? 'open' : 'unknown';
  if (f.expiresAt !== null && f.expiresAt < nowS)
    return {
      decision: 'expired',
      reason: `expired at ${new Date(f.expiresAt * 1000).toISOString()}`,
      prState,
      prHeadSha: pr?.headSha ?? '',
    };
  if (f.pr === null)
    return { decision: 'keep', reason: 'no pull request; only its TTL applies', prState, prHeadSha: '' };
  if (!pr) return 'candidate';
  if (!sameSha(f.headSha, pr.headSha))
    return {
      decision: 'stale',
      reason: `head moved to ${pr.headSha.slice(0, 12)}`,
      prState,
      prHeadSha: pr.headSha,
    };
  return { decision: 'keep', reason: 'pull request open', prState, prHeadSha: pr.headSha };
}

/** Options of the confirmation step. */
export interface ConfirmOptions {
  deleteNotFound: boolean;
  /** Keep a closed PR's environment this long after closing, in s. */
  closedGraceS: number;
  nowS: number;
}

/**
 * The decision for a candidate from `GET /pulls/{n}` (pure). `abort` means: stop the sweep, delete
 * nothing (GitHub did not answer in a way that proves anything).
 */
export function confirmVerdict(
  env: DiscoveredEnvironment,
  answer: PullAnswer,
  options: ConfirmOptions,
): Verdict | { abort: string } {
  const deployed = env.labels[LABELS.headSha] ?? '';
  if (!answer.ok) {
    if (answer.failure.kind === 'not-found')
      return options.deleteNotFound
        ? {
            decision: 'orphan',
            reason: 'pull request not found (delete-not-found)',
            prState: 'not-found',
            prHeadSha: '',
          }
        : {
            decision: 'unknown',
            reason: 'pull request not found or not visible to the token (404); kept',
            prState: 'not-found',
            prHeadSha: '',
          };
    return { abort: answer.failure.message };
  }
  const pr = answer.pull;
  if (pr.state === 'open') {
    if (!sameSha(deployed, pr.headSha))
      return {
        decision: 'stale',
        reason: `reopened; head moved to ${pr.headSha.slice(0, 12)}`,
        prState: 'open',
        prHeadSha: pr.headSha,
      };
    return {
      decision: 'keep',
      reason: 'pull request open (not in the open list a moment ago)',
      prState: 'open',
      prHeadSha: pr.headSha,
    };
  }
  const closedS = pr.closedAt ? Math.floor(Date.parse(pr.closedAt) / 1000) : null;
  if (closedS !== null && options.closedGraceS > 0 && closedS + options.closedGraceS > options.nowS)
    return {
      decision: 'keep',
      reason: `closed ${options.nowS - closedS} s ago; within closed-grace`,
      prState: 'closed',
      prHeadSha: pr.headSha,
    };
  return {
    decision: 'orphan',
    reason: pr.merged ? 'pull request merged' : 'pull request closed',
    prState: 'closed',
    prHeadSha: pr.headSha,
  };
}

/** True for decisions that delete. */
export function deletes(decision: SweepDecision): boolean {
  return decision === 'orphan' || decision === 'expired';
}

/** The blast-radius limits. */
export interface BlastRadius {
  maxDeletions: number;
  /** 1..100. */
  maxPercentage: number;
}

/**
 * Why the sweep must delete nothing, or null when within the limits (pure). The denominator is every
 * environment of this repository (foreign and unparseable ones excluded).
 */
export function blastRadiusExceeded(decisions: SweepDecision[], limits: BlastRadius): string | null {
  const ours = decisions.filter((d) => d !== 'foreign' && d !== 'unparseable').length;
  const doomed = decisions.filter(deletes).length;
  if (doomed === 0) return null;
  if (doomed > limits.maxDeletions)
    return `blast radius exceeded: ${doomed} environments would be deleted (max-deletions ${limits.maxDeletions})`;
  const percentage = (doomed * 100) / Math.max(ours, 1);
  if (percentage > limits.maxPercentage)
    return `blast radius exceeded: ${doomed} of ${ours} environments (${Math.round(percentage)}%) would be deleted (max-percentage ${limits.maxPercentage})`;
  return null;
}

/** Groups labelled resources into environments by kind and environment label (pure). */
export function groupEnvironments(
  resources: Array<{ kind: EnvironmentKind; resource: string; labels: Record<string, string> }>,
): DiscoveredEnvironment[] {
  const groups = new Map<string, DiscoveredEnvironment & { newest: number }>();
  for (const r of resources) {
    const environment = r.labels[LABELS.environment] ?? '';
    // Resources without an environment label cannot be grouped: each is its own unparseable entry.
    const key = `${r.kind}\u0000${environment || `\u0000${r.resource}`}`;
    const deployed = Number(r.labels[LABELS.lastDeployedAt] ?? '-1');
    const at = Number.isFinite(deployed) ? deployed : -1;
    const group = groups.get(key);
    if (!group)
      groups.set(key, {
        kind: r.kind,
        environment,
        labels: { ...r.labels },
        resources: [r.resource],
        newest: at,
      });
    else {
      group.resources.push(r.resource);
      if (at > group.newest) {
        group.labels = { ...group.labels, ...r.labels };
        group.newest = at;
      } else group.labels = { ...r.labels, ...group.labels };
    }
  }
  return [...groups.values()]
    .map(({ newest: _n, ...g }) => ({ ...g, resources: g.resources.sort() }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.environment.localeCompare(b.environment));
}
