/**
 * When the actions call GitHub to comment or to record deployments (`comment` and `github-deployment`
 * inputs: auto | always | never), decided before any API call.
 *
 * `auto` skips pull requests whose GITHUB_TOKEN is read-only whatever `permissions:` says: a fork's PR
 * under `pull_request` and Dependabot's PRs (https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token).
 * `pull_request_target` (the closed-PR teardown) gets a write token even for forks, so it is not skipped.
 */
import { readFileSync } from 'node:fs';

export const GITHUB_MODES = ['auto', 'always', 'never'] as const;
/** The value of `comment` / `github-deployment`. */
export type GitHubMode = (typeof GITHUB_MODES)[number];

/** The facts of the triggering event the policy needs. */
export interface EventFacts {
  eventName: string;
  /** The PR's head is in another repository. */
  fork: boolean;
  /** GITHUB_ACTOR. */
  actor: string;
}

interface Payload {
  pull_request?: {
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } | null };
  };
}

/** Reads the event facts from GITHUB_EVENT_PATH (a missing or unparsable payload counts as no PR). */
export function readEventFacts(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): EventFacts {
  let payload: Payload = {};
  try {
    if (env.GITHUB_EVENT_PATH) payload = JSON.parse(readFile(env.GITHUB_EVENT_PATH)) as Payload;
  } catch {
    payload = {};
  }
  const head = payload.pull_request?.head?.repo;
  const base = payload.pull_request?.base?.repo?.full_name ?? env.GITHUB_REPOSITORY ?? '';
  // A PR from a deleted fork has head.repo null.
  const fork =
    payload.pull_request !== undefined &&
    (head === null || (head?.full_name !== undefined && head.full_name.toLowerCase() !== base.toLowerCase()));
  return { eventName: env.GITHUB_EVENT_NAME ?? '', fork, actor: env.GITHUB_ACTOR ?? '' };
}

/** Whether to call the API, and why not. */
export interface PolicyDecision {
  enabled: boolean;
  /** Why it is off ('' when on). */
  reason: string;
}

/**
 * Decides from the mode, the event and whether there is a token (pure).
 * @param what `comment` or `deployment`, for the reason text
 */
export function decidePolicy(
  mode: GitHubMode,
  facts: EventFacts,
  hasToken: boolean,
  what: string,
): PolicyDecision {
  if (mode === 'never') return { enabled: false, reason: `${what}: never` };
  if (!hasToken) return { enabled: false, reason: `no github-token for the ${what}` };
  if (mode === 'always') return { enabled: true, reason: '' };
  const readOnly = facts.eventName === 'pull_request' || facts.eventName === 'pull_request_review';
  if (readOnly && facts.fork)
    return {
      enabled: false,
      reason: `a fork's pull request gets a read-only token under ${facts.eventName}; no ${what} (the job summary and report have everything)`,
    };
  if (readOnly && facts.actor === 'dependabot[bot]')
    return { enabled: false, reason: `Dependabot's pull requests get a read-only token; no ${what}` };
  return { enabled: true, reason: '' };
}
