/**
 * actions/shared/src/github/torn-down.ts ("torn down" in two halves, `Lifecycle.prepareTornDown`), against
 * the fake GitHub (every request and response checked against GitHub's OpenAPI description): the reads go
 * out when it is prepared, `write` sends only the writes, at once; nothing is written or warned before
 * `write`; a failed read is warned at `write`; a comment deleted meanwhile is looked up again, never created.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub, loadOctokit } from '../../../../actions/shared/src/github/client.js';
import { parseCommentState } from '../../../../actions/shared/src/github/comment.js';
import { Lifecycle } from '../../../../actions/shared/src/github/lifecycle.js';
import type { GitHubSettings } from '../../../../actions/shared/src/github/settings.js';
import { FAULTS, type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';
import { testEnvironment } from '../../helpers.js';

let fake: FakeGitHub;
let count = 0;
beforeAll(async () => {
  await loadOctokit();
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => fake.assertValid());

const facts = { eventName: 'pull_request', fork: false, actor: 'octocat' };
const READS = ['issues/list-comments', 'repos/list-deployments', 'repos/list-deployment-statuses'];

/**
 * A fresh repository's PR 7 after a deploy (main's Lifecycle: one deployment, success; the comment
 * "ready"), and `post()`: a new Lifecycle as a post step makes it (no comment of its own).
 */
async function deployed() {
  count += 1;
  const repository = `acme/torn-${count}`;
  fake.pull(repository, 7, { headSha: 'a'.repeat(40) });
  const token = fake.addToken();
  const settings: GitHubSettings = {
    token,
    comment: 'always',
    commentAuthor: 'github-actions[bot]',
    deployment: 'always',
    deploymentEnvironment: '',
  };
  const environment = testEnvironment(`torn-${count}`, repository, 7);
  const lifecycle = (warnings: string[]) =>
    new Lifecycle(
      createGitHub({ token, repository, apiUrl: fake.url, retryBaseMs: 1, writePauseMs: 0 }),
      settings,
      environment,
      facts,
      (m) => warnings.push(m),
      {},
    );
  const main = lifecycle([]);
  await main.deploying();
  await main.ready({ urls: { web: 'http://127.0.0.1:8080' } });
  const warnings: string[] = [];
  /** The operations this token sent since `from` (an index into the fake's calls). */
  const since = (from: number) =>
    fake.calls
      .slice(from)
      .filter((c) => c.token === token)
      .map((c) => c.operationId);
  return { repository, name: environment.name, post: lifecycle(warnings), warnings, since };
}

describe('prepared "torn down"', () => {
  it('reads when prepared, then one round of writes: the inactive status beside the PATCH', async () => {
    const { repository, name, post, warnings, since } = await deployed();
    const from = fake.calls.length;
    const prepared = post.prepareTornDown();
    await prepared.read;
    expect(since(from).sort()).toEqual([...READS].sort());
    expect(fake.writes().slice(from)).toEqual([]);
    // the writes go out at once: the PATCH is held until the inactive status has been answered
    let answered = () => {};
    const statusAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    fake.after(
      'repos/create-deployment-status',
      fake.callsOf('repos/create-deployment-status').length + 1,
      () => answered(),
    );
    fake.hold('issues/update-comment', fake.callsOf('issues/update-comment').length + 1, statusAnswered);
    const afterReads = fake.calls.length;
    await prepared.write('job finished');
    expect(since(afterReads)).toEqual(['repos/create-deployment-status', 'issues/update-comment']);
    const [deployment] = fake.deploymentsOf(repository, name);
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive']);
    const comments = fake.repo(repository).comments;
    expect(comments).toHaveLength(1);
    expect(parseCommentState(comments[0]?.body ?? '')).toMatchObject({
      status: 'torn-down',
      reason: 'job finished',
      sha: 'a'.repeat(40),
    });
    expect(post.report.comment).toMatchObject({ action: 'updated', id: comments[0]?.id });
    expect(warnings).toEqual([]);
  });

  it('tornDown is the same requests, reads then writes', async () => {
    const { post, warnings, since } = await deployed();
    const from = fake.calls.length;
    await post.tornDown('teardown');
    const calls = since(from);
    expect(calls.slice(0, 3).sort()).toEqual([...READS].sort());
    expect(calls.slice(3).sort()).toEqual(['issues/update-comment', 'repos/create-deployment-status']);
    expect(warnings).toEqual([]);
  });

  it('never written (the removal failed or was refused): no write, no warning, even after a failed read', async () => {
    const { repository, post, warnings, since } = await deployed();
    fake.fault({ ...FAULTS.serverError('issues/list-comments', 500), times: 3 });
    const from = fake.calls.length;
    await post.prepareTornDown().read;
    expect(since(from)).toContain('issues/list-comments');
    expect(fake.writes().slice(from)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(post.report.comment).toBeNull();
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Ready/);
  });

  it('a read that failed is warned at write, and its write is not made; the other part still is', async () => {
    const { repository, name, post, warnings, since } = await deployed();
    fake.fault(FAULTS.forkToken('issues/list-comments'));
    const prepared = post.prepareTornDown();
    await prepared.read;
    expect(warnings).toEqual([]);
    const from = fake.calls.length;
    await prepared.write('job finished');
    expect(since(from)).toEqual(['repos/create-deployment-status']);
    expect(warnings).toEqual([
      expect.stringMatching(/^GitHub comment: GET \S+\/issues\/7\/comments\S* → 403 Resource not accessible/),
    ]);
    expect(post.report.comment).toMatchObject({ action: 'failed' });
    expect(fake.deploymentsOf(repository, name)[0]?.statuses.at(-1)?.state).toBe('inactive');
  });

  it('a comment deleted between the read and the write: looked up again, not created (absent)', async () => {
    const { repository, post, warnings, since } = await deployed();
    const prepared = post.prepareTornDown();
    await prepared.read;
    fake.repo(repository).comments.length = 0;
    const from = fake.calls.length;
    await prepared.write('job finished');
    expect(since(from).filter((c) => c.startsWith('issues/'))).toEqual([
      'issues/update-comment',
      'issues/list-comments',
    ]);
    expect(fake.repo(repository).comments).toEqual([]);
    expect(post.report.comment).toEqual({ action: 'absent' });
    expect(warnings).toEqual([]);
  });

  it('on main, after its own comment (closed during the deploy): no comment list, only the deployments read', async () => {
    count += 1;
    const repository = `acme/torn-${count}`;
    fake.pull(repository, 7, { headSha: 'a'.repeat(40) });
    const token = fake.addToken();
    const main = new Lifecycle(
      createGitHub({ token, repository, apiUrl: fake.url, retryBaseMs: 1, writePauseMs: 0 }),
      {
        token,
        comment: 'always',
        commentAuthor: 'github-actions[bot]',
        deployment: 'always',
        deploymentEnvironment: '',
      },
      testEnvironment(`torn-${count}`, repository, 7),
      facts,
      () => {},
      {},
    );
    await main.deploying();
    const from = fake.calls.length;
    await main.tornDown('closed during deploy');
    const calls = fake.calls.slice(from).map((c) => c.operationId);
    expect(calls).not.toContain('issues/list-comments');
    expect(calls.filter((c) => c === 'issues/update-comment')).toHaveLength(1);
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Torn down[\s\S]*closed during deploy/);
  });
});
