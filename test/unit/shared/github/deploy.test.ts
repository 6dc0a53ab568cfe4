/**
 * actions/shared/src/github/deploy.ts: the PR re-check asked (`ask`) apart from acting on its verdict
 * (`settle`, `refuse`), against the fake GitHub (every request and response checked against GitHub's
 * OpenAPI description).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeployGitHub, SupersededError } from '../../../../actions/shared/src/github/deploy.js';
import type { GitHubSettings } from '../../../../actions/shared/src/github/settings.js';
import { ActionReport } from '../../../../actions/shared/src/report/action-report.js';
import { currentStatus } from '../../../../actions/shared/src/report/status.js';
import { type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';
import { testEnvironment } from '../../helpers.js';

let fake: FakeGitHub;
let count = 0;
const saved = { api: process.env.GITHUB_API_URL, event: process.env.GITHUB_EVENT_PATH };
beforeAll(async () => {
  fake = await startFakeGitHub();
  process.env.GITHUB_API_URL = fake.url;
  delete process.env.GITHUB_EVENT_PATH;
});
afterAll(async () => {
  await fake.close();
  if (saved.api === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = saved.api;
  if (saved.event !== undefined) process.env.GITHUB_EVENT_PATH = saved.event;
});
afterEach(() => fake.assertValid());

/** A deploy's GitHub side for a fresh repository's PR 7, head `a…a`; `tearDowns` counts teardowns. */
function setup(failOnSuperseded = false) {
  count += 1;
  const repository = `acme/deploy-${count}`;
  const token = fake.addToken();
  fake.pull(repository, 7, { headSha: 'a'.repeat(40) });
  const settings: GitHubSettings = {
    token,
    comment: 'never',
    commentAuthor: 'github-actions[bot]',
    deployment: 'never',
    deploymentEnvironment: '',
  };
  const environment = testEnvironment(`deploy-${count}`, repository, 7);
  const report = new ActionReport('provision-compose', environment, '/tmp');
  const github = new DeployGitHub(settings, environment, report, failOnSuperseded);
  const calls = { tearDowns: 0 };
  const tearDown = async () => {
    calls.tearDowns += 1;
  };
  return { repository, report, github, calls, tearDown };
}

describe('DeployGitHub re-check: ask, then act', () => {
  it('ask only asks: a closed PR is recorded, nothing is torn down until it is acted on', async () => {
    const { repository, report, github, calls, tearDown } = setup();
    fake.closePull(repository, 7);
    const verdict = await github.ask('before up');
    expect(verdict).toEqual({ verdict: 'closed', merged: false });
    expect(calls.tearDowns).toBe(0);
    expect(report.warnings).toEqual([]);
    expect(github.lifecycle.report.guard).toEqual([{ phase: 'before up', verdict: 'closed' }]);
    await expect(github.settle('before up', verdict, tearDown)).resolves.toBe('success');
    expect(calls.tearDowns).toBe(1);
    expect(currentStatus()).toBe('aborted-closed');
    expect(report.warnings).toEqual([
      'Pull request #7 was closed during the deploy (before up); tearing the environment down.',
    ]);
  });

  it('a refusal acted on after up started says so in the warning', async () => {
    const { repository, report, github, calls, tearDown } = setup();
    fake.closePull(repository, 7, true);
    const verdict = await github.ask('before up');
    if (verdict.verdict !== 'closed') throw new Error(`expected closed, got ${verdict.verdict}`);
    await expect(github.refuse('before up', verdict, tearDown, true)).resolves.toBe('success');
    expect(calls.tearDowns).toBe(1);
    expect(report.warnings).toEqual([
      'Pull request #7 was merged during the deploy (before up, answered after up had started); tearing the environment down.',
    ]);
  });

  it('superseded leaves the environment to the newer run, and fails with fail-on-superseded', async () => {
    const { repository, report, github, calls, tearDown } = setup(true);
    fake.pull(repository, 7, { headSha: 'c'.repeat(40) });
    const verdict = await github.ask('before up');
    await expect(github.settle('before up', verdict, tearDown)).rejects.toBeInstanceOf(SupersededError);
    expect(calls.tearDowns).toBe(0);
    expect(currentStatus()).toBe('superseded');
    expect(report.warnings[0]).toMatch(/moved on to cccccccccccc during the deploy \(before up\)/);
  });

  it('open goes on: continue, nothing torn down, no warning', async () => {
    const { report, github, calls, tearDown } = setup();
    const verdict = await github.ask('after ready');
    expect(verdict).toEqual({ verdict: 'open' });
    await expect(github.settle('after ready', verdict, tearDown)).resolves.toBe('continue');
    await expect(github.recheck('after ready', tearDown)).resolves.toBe('continue');
    expect(calls.tearDowns).toBe(0);
    expect(report.warnings).toEqual([]);
  });
});
