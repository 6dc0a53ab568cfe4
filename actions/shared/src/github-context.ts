/**
 * The facts of the current run that the identity and labels need, read from the runner's environment and
 * the event payload (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables,
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request).
 * Reads are injectable (`env`, `readFile`) so the logic is unit-tested without a runner.
 */
import { readFileSync } from 'node:fs';

/** The run facts. */
export interface RunContext {
  /** `owner/repo`. */
  repository: string;
  eventName: string;
  /** The PR number from the event (`pull_request`, `pull_request_target`, `pull_request_review*`), else null. */
  prNumber: number | null;
  /** The PR's head SHA when there is a PR, else GITHUB_SHA. */
  headSha: string;
  /** GITHUB_SHA: what was checked out (the merge commit on pull_request events). */
  sha: string;
  ref: string;
  runId: string;
  runAttempt: string;
  /** PR state from the event (`open`/`closed`), '' outside a PR. */
  prState: string;
}

interface PullRequestPayload {
  pull_request?: { number?: number; state?: string; head?: { sha?: string } };
  number?: number;
}

/**
 * Reads the run context.
 * @param env the environment (default `process.env`)
 * @param readFile reads the event payload file (default fs); a missing or unparsable payload counts as `{}`
 */
export function readRunContext(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RunContext {
  let payload: PullRequestPayload = {};
  const path = env.GITHUB_EVENT_PATH ?? '';
  if (path !== '') {
    try {
      payload = JSON.parse(readFile(path)) as PullRequestPayload;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request;
  const prNumber = typeof pr?.number === 'number' ? pr.number : null;
  const sha = env.GITHUB_SHA ?? '';
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    prNumber,
    headSha: pr?.head?.sha ?? sha,
    sha,
    ref: env.GITHUB_REF ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    prState: pr?.state ?? '',
  };
}
