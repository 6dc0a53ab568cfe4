/**
 * Pull request facts from GitHub's REST API: one PR (`GET /repos/{o}/{r}/pulls/{n}`,
 * https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request) and every open PR, 100 a page
 * (`GET /repos/{o}/{r}/pulls?state=open`, paginated by `Link`), and the PR-state guard the deploy actions
 * run before `up` / `helm upgrade` and again after readiness.
 */
import type { GitHub } from './client.js';
import { type ApiFailure, classifyApiError } from './errors.js';

/** The facts the actions use about one PR. */
export interface PullFacts {
  number: number;
  state: 'open' | 'closed';
  headSha: string;
  merged: boolean;
  /** ISO 8601, or null while open. */
  closedAt: string | null;
  /** The head lives in another repository. */
  fork: boolean;
}

interface PullLike {
  number: number;
  state: string;
  head: { sha: string; repo?: { full_name?: string } | null };
  base: { repo?: { full_name?: string } | null };
  merged_at?: string | null;
  merged?: boolean;
  closed_at?: string | null;
}

/** Reads the facts from a `pull-request` or `pull-request-simple` body (pure). */
export function pullFacts(pr: PullLike): PullFacts {
  const head = pr.head.repo?.full_name ?? '';
  const base = pr.base.repo?.full_name ?? '';
  return {
    number: pr.number,
    state: pr.state === 'closed' ? 'closed' : 'open',
    headSha: pr.head.sha,
    merged: pr.merged ?? Boolean(pr.merged_at),
    closedAt: pr.closed_at ?? null,
    // A deleted fork shows head.repo null: still a fork.
    fork: head === '' ? pr.head.repo === null : head.toLowerCase() !== base.toLowerCase(),
  };
}

/** The answer for one PR: its facts, or the classified failure (404 included). */
export type PullAnswer = { ok: true; pull: PullFacts } | { ok: false; failure: ApiFailure };

/** `GET /pulls/{n}`; never throws. */
export async function getPull(github: GitHub, number: number): Promise<PullAnswer> {
  try {
    const { data } = await github.octokit.rest.pulls.get({
      owner: github.owner,
      repo: github.repo,
      pull_number: number,
    });
    return { ok: true, pull: pullFacts(data as PullLike) };
  } catch (error) {
    return { ok: false, failure: classifyApiError(error) };
  }
}

/**
 * Every open PR, `per_page=100`, following `Link: rel="next"`: ceil(open / 100) calls.
 * @throws the Octokit error (callers classify it)
 */
export async function listOpenPulls(github: GitHub): Promise<Map<number, PullFacts>> {
  const items = await github.octokit.paginate(github.octokit.rest.pulls.list, {
    owner: github.owner,
    repo: github.repo,
    state: 'open',
    per_page: 100,
  });
  return new Map(items.map((pr) => [pr.number, pullFacts(pr as PullLike)]));
}

/** What the guard found. */
export type GuardVerdict =
  /** Open, head still the SHA being deployed. */
  | { verdict: 'open' }
  /** Closed (or merged) meanwhile: tear down, status `aborted-closed`. */
  | { verdict: 'closed'; merged: boolean }
  /** A newer commit was pushed: status `superseded`, leave the environment for the newer run. */
  | { verdict: 'superseded'; headSha: string }
  /** Could not tell (no token, no PR, API error): warn and go on; the sweep is the backstop. */
  | { verdict: 'unknown'; reason: string };

/** A verdict that ends the deploy: the PR was closed, or a newer commit took over. */
export type Refusal = Extract<GuardVerdict, { verdict: 'closed' | 'superseded' }>;

/** Whether the verdict ends the deploy (pure). */
export function isRefusal(verdict: GuardVerdict): verdict is Refusal {
  return verdict.verdict === 'closed' || verdict.verdict === 'superseded';
}

/**
 * The guard's decision from GitHub's answer (pure).
 * @param deployingSha the head SHA this run deploys ('' when unknown: then only the state counts)
 */
export function guardVerdict(answer: PullAnswer, deployingSha: string): GuardVerdict {
  if (!answer.ok) return { verdict: 'unknown', reason: answer.failure.message };
  const pr = answer.pull;
  if (pr.state === 'closed') return { verdict: 'closed', merged: pr.merged };
  if (deployingSha && pr.headSha && pr.headSha.toLowerCase() !== deployingSha.toLowerCase())
    return { verdict: 'superseded', headSha: pr.headSha };
  return { verdict: 'open' };
}

/**
 * Re-reads the PR and decides. `github` null (no token) or `number` null (no PR) → `unknown`.
 */
export async function guardPullRequest(
  github: GitHub | null,
  number: number | null,
  deployingSha: string,
): Promise<GuardVerdict> {
  if (!github) return { verdict: 'unknown', reason: 'no GitHub token' };
  if (number === null) return { verdict: 'unknown', reason: 'not a pull request' };
  return guardVerdict(await getPull(github, number), deployingSha);
}
