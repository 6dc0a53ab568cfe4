/** The run context: every GITHUB_ and RUNNER_ variable read, the PR from the event payload, safe defaults outside a runner. */
import { describe, expect, it } from 'vitest';
import { readRunContext } from '../../../../actions/shared/src/environment/run-context.js';

const RUNNER = {
  GITHUB_REPOSITORY: 'acme/webapp',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: '/event.json',
  GITHUB_SHA: 'b'.repeat(40),
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_RUN_ID: '123',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_WORKSPACE: '/home/runner/work/webapp/webapp',
  RUNNER_TEMP: '/home/runner/work/_temp',
  GITHUB_JOB: 'preview',
  GITHUB_SERVER_URL: 'https://github.example.test',
  GITHUB_STEP_SUMMARY: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
};
const prEvent = JSON.stringify({
  number: 42,
  pull_request: { number: 42, state: 'open', head: { sha: 'a'.repeat(40) } },
});

describe('readRunContext', () => {
  it('reads a pull_request run: the PR and its head SHA from the payload, the rest from the runner', () => {
    const files: string[] = [];
    const ctx = readRunContext(RUNNER, (path) => {
      files.push(path);
      return prEvent;
    });
    expect(files).toEqual(['/event.json']);
    expect(ctx).toEqual({
      repository: 'acme/webapp',
      eventName: 'pull_request',
      prNumber: 42,
      headSha: 'a'.repeat(40),
      sha: 'b'.repeat(40),
      ref: 'refs/pull/42/merge',
      runId: '123',
      runAttempt: '2',
      prState: 'open',
      workspace: '/home/runner/work/webapp/webapp',
      runnerTemp: '/home/runner/work/_temp',
      job: 'preview',
      serverUrl: 'https://github.example.test',
      runUrl: 'https://github.example.test/acme/webapp/actions/runs/123',
      summaryFile: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
    });
  });

  it('outside a PR: no PR number, the head SHA is GITHUB_SHA', () => {
    const ctx = readRunContext({ ...RUNNER, GITHUB_EVENT_NAME: 'push' }, () => JSON.stringify({ ref: 'x' }));
    expect(ctx).toMatchObject({ prNumber: null, headSha: 'b'.repeat(40), prState: '' });
  });

  it('a missing or unreadable payload counts as no event data, never as an error', () => {
    const unreadable = readRunContext(RUNNER, () => {
      throw new Error('ENOENT');
    });
    expect(unreadable).toMatchObject({ prNumber: null, headSha: 'b'.repeat(40) });
    expect(readRunContext(RUNNER, () => '{not json').prNumber).toBeNull();
    expect(
      readRunContext(RUNNER, () => JSON.stringify({ pull_request: { number: '42' } })).prNumber,
    ).toBeNull();
  });

  it('outside a runner: the working directory, the OS temp dir, no run URL, no summary file', () => {
    const ctx = readRunContext({}, () => '');
    expect(ctx).toMatchObject({
      repository: '',
      runAttempt: '1',
      workspace: process.cwd(),
      job: 'job',
      serverUrl: 'https://github.com',
      runUrl: '',
      summaryFile: '',
    });
    expect(ctx.runnerTemp).not.toBe('');
  });
});
