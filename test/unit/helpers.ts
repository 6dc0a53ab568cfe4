/** Shared fixtures of the unit tests. */

import type { ResolvedEnvironment } from '../../actions/shared/src/environment/resolve.js';
import type { RunContext } from '../../actions/shared/src/environment/run-context.js';
import type { RunResult } from '../../actions/shared/src/exec/cli.js';

/** A finished command's result, as the exec funnel returns it, for scripted runners (1 ms, not cut). */
export function runResult(
  stdout: string,
  exitCode = 0,
  stderr = '',
  argv: readonly string[] = [],
): RunResult {
  return { argv: [...argv], exitCode, stdout, stderr, durationMs: 1, timedOut: false, truncated: false };
}

/** A resolved environment for PR `pr` of `repository`, as `resolveEnvironment` gives it on a runner. */
export function testEnvironment(
  name: string,
  repository: string,
  pr: number,
  context: Partial<RunContext> = {},
): ResolvedEnvironment {
  return {
    name,
    concurrencyKey: `ephemeral-${repository}-pr-${pr}`,
    source: 'pull-request',
    prNumber: pr,
    context: {
      repository,
      eventName: 'pull_request',
      prNumber: pr,
      headSha: 'a'.repeat(40),
      sha: 'b'.repeat(40),
      ref: `refs/pull/${pr}/merge`,
      runId: '99',
      runAttempt: '1',
      prState: 'open',
      workspace: '/tmp',
      runnerTemp: '/tmp',
      job: 'test',
      serverUrl: 'https://github.com',
      runUrl: `https://github.com/${repository}/actions/runs/99`,
      summaryFile: '',
      ...context,
    },
  };
}
