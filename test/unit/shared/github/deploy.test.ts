/**
 * actions/shared/src/github/deploy.ts: the PR re-check asked (`ask`) apart from acting on its verdict
 * (`settle`, `refuse`), and a post step's "torn down" beside its removal (`PostTornDown`: the reads while
 * the engine removes, the writes after a removal that succeeded), against the fake GitHub (every request
 * and response checked against GitHub's OpenAPI description).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Docker } from '../../../../actions/shared/src/compose/docker.js';
import { teardownCompose } from '../../../../actions/shared/src/compose/teardown.js';
import type { RunOptions } from '../../../../actions/shared/src/exec/cli.js';
import { DeployGitHub, PostTornDown, SupersededError } from '../../../../actions/shared/src/github/deploy.js';
import type { GitHubSettings } from '../../../../actions/shared/src/github/settings.js';
import { ActionReport } from '../../../../actions/shared/src/report/action-report.js';
import { removalSucceeded } from '../../../../actions/shared/src/report/removed.js';
import { currentStatus } from '../../../../actions/shared/src/report/status.js';
import { type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';
import { testEnvironment } from '../../helpers.js';
import { type FakeResource, fakeDocker } from '../compose/fake-docker.js';

let fake: FakeGitHub;
let count = 0;
const saved = {
  api: process.env.GITHUB_API_URL,
  event: process.env.GITHUB_EVENT_PATH,
  deployment: process.env.EPHEMERAL_DEPLOYMENT_ID,
};
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
  // main's `started` hands the deployment on (core.exportVariable sets it in this process too)
  if (saved.deployment === undefined) delete process.env.EPHEMERAL_DEPLOYMENT_ID;
  else process.env.EPHEMERAL_DEPLOYMENT_ID = saved.deployment;
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

/**
 * A deployed environment's post step: main (comment and deployment on) deployed PR 7 of a fresh repository
 * (one deployment, success; the comment "ready"); `post` is the post's `PostTornDown` and `remove` the
 * Compose removal over a scripted engine holding the environment's container and network, whose `stop`
 * waits for `gate` when given.
 */
async function deployedPost(resources: (name: string) => FakeResource[]) {
  count += 1;
  const repository = `acme/deploy-${count}`;
  const token = fake.addToken();
  fake.pull(repository, 7, { headSha: 'a'.repeat(40) });
  const settings: GitHubSettings = {
    token,
    comment: 'always',
    commentAuthor: 'github-actions[bot]',
    deployment: 'always',
    deploymentEnvironment: '',
  };
  const environment = testEnvironment(`deploy-${count}`, repository, 7);
  const main = new DeployGitHub(
    settings,
    environment,
    new ActionReport('provision-compose', environment, '/tmp'),
  );
  main.start();
  const id = await main.started();
  await main.ready({});
  const report = new ActionReport('provision-compose-post', environment, '/tmp');
  const post = new PostTornDown(() => new DeployGitHub(settings, environment, report, false, id));
  const engine = fakeDocker(resources(environment.name));
  const remove = (gate?: Promise<unknown>) => {
    const runner = async (argv: readonly string[], options?: RunOptions) => {
      if (gate && argv[2] === 'stop') await gate;
      return engine.runner(argv, options);
    };
    return teardownCompose(environment.name, { whileRemoving: post.whileRemoving }, new Docker(runner));
  };
  /** The operations this token sent from `from` (an index into the fake's calls) to `to`. */
  const sent = (from: number, to?: number) =>
    fake.calls
      .slice(from, to)
      .filter((c) => c.token === token)
      .map((c) => c.operationId);
  return { repository, name: environment.name, report, post, remove, sent };
}

const labels = (name: string) => ({
  'ephemeral.dev/managed-by': 'ephemeral',
  'ephemeral.dev/environment': name,
  'com.docker.compose.project': name,
});
const ours = (name: string): FakeResource[] => [
  { kind: 'container', id: `${name}-web-1`, name: `${name}-web-1`, labels: labels(name) },
  { kind: 'network', id: `${name}_default`, name: `${name}_default`, labels: labels(name) },
];

/** Settles once the next call of each operation has been answered. */
function answered(operations: string[]): Promise<void> {
  return Promise.all(
    operations.map(
      (operation) =>
        new Promise<void>((resolve) => fake.after(operation, fake.callsOf(operation).length + 1, resolve)),
    ),
  ).then(() => undefined);
}

describe('PostTornDown: the reads while the engine removes, the writes after', () => {
  it('the reads are answered before the removal ends; after it, only the two writes', async () => {
    const { repository, name, report, post, remove, sent } = await deployedPost(ours);
    const from = fake.calls.length;
    // The engine's stop does not end until GitHub has answered the reads: the removal outlasts them.
    const reads = answered(['issues/list-comments', 'repos/list-deployment-statuses']);
    const result = await remove(reads);
    expect(result.status).toBe('removed');
    const removedAt = fake.calls.length;
    expect(sent(from).sort()).toEqual([
      'issues/list-comments',
      'repos/list-deployment-statuses',
      'repos/list-deployments',
    ]);
    if (removalSucceeded(result)) await post.tornDown();
    expect(sent(removedAt).sort()).toEqual(['issues/update-comment', 'repos/create-deployment-status']);
    expect(fake.deploymentsOf(repository, name)[0]?.statuses.map((s) => s.state)).toEqual([
      'in_progress',
      'success',
      'inactive',
    ]);
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Torn down[\s\S]*job finished/);
    expect(report.warnings).toEqual([]);
  });

  it('a refused removal: no GitHub request at all, nothing written', async () => {
    const foreign = (name: string): FakeResource[] => [
      ...ours(name),
      {
        kind: 'container',
        id: 'by-hand',
        name: `${name}-extra-1`,
        labels: { 'com.docker.compose.project': name },
      },
    ];
    const { repository, report, remove, sent } = await deployedPost(foreign);
    const from = fake.calls.length;
    const result = await remove();
    expect(result.status).toBe('refused');
    expect(removalSucceeded(result)).toBe(false);
    expect(sent(from)).toEqual([]);
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Ready/);
    expect(report.warnings).toEqual([]);
  });

  it('an environment already gone (the hook never ran): tornDown reads, then writes', async () => {
    const { repository, post, remove, sent } = await deployedPost(() => []);
    const from = fake.calls.length;
    const result = await remove();
    expect(result.status).toBe('already-gone');
    expect(sent(from)).toEqual([]);
    await post.tornDown();
    const calls = sent(from);
    expect(calls.slice(0, 3).sort()).toEqual([
      'issues/list-comments',
      'repos/list-deployment-statuses',
      'repos/list-deployments',
    ]);
    expect(calls.slice(3).sort()).toEqual(['issues/update-comment', 'repos/create-deployment-status']);
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Torn down/);
  });
});
