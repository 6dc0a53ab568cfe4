/**
 * The facts of the current run, read from the runner's environment and the event payload: the one place
 * that reads `GITHUB_*` and `RUNNER_*` variables
 * (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables,
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request).
 * Reads are injectable (`env`, `readFile`) so the logic is unit-tested without a runner.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The run facts. */
export interface RunContext {
  /** `owner/repo` (GITHUB_REPOSITORY). */
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
  /** GITHUB_WORKSPACE, else the process's working directory: relative input paths resolve against it. */
  workspace: string;
  /** RUNNER_TEMP (emptied after each job), else the OS temp directory: where the actions write files. */
  runnerTemp: string;
  /** GITHUB_JOB, else `job`. */
  job: string;
  /** GITHUB_SERVER_URL, else `https://github.com`. */
  serverUrl: string;
  /** `<server>/<repo>/actions/runs/<id>`, or '' outside a run. */
  runUrl: string;
  /** GITHUB_STEP_SUMMARY: the job-summary file, '' outside a runner. */
  summaryFile: string;
}

interface PullRequestPayload {
  pull_request?: { number?: number; state?: string; head?: { sha?: string } };
  number?: number;
}

function readPayload(env: NodeJS.ProcessEnv, readFile: (path: string) => string): PullRequestPayload {
  const path = env.GITHUB_EVENT_PATH ?? '';
  if (path === '') return {};
  try {
    return JSON.parse(readFile(path)) as PullRequestPayload;
  } catch {
    return {};
  }
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
  const pr = readPayload(env, readFile).pull_request;
  const sha = env.GITHUB_SHA ?? '';
  const repository = env.GITHUB_REPOSITORY ?? '';
  const runId = env.GITHUB_RUN_ID ?? '';
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  return {
    repository,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    prNumber: typeof pr?.number === 'number' ? pr.number : null,
    headSha: pr?.head?.sha ?? sha,
    sha,
    ref: env.GITHUB_REF ?? '',
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    prState: pr?.state ?? '',
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    job: env.GITHUB_JOB || 'job',
    serverUrl,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : '',
    summaryFile: env.GITHUB_STEP_SUMMARY ?? '',
  };
}
