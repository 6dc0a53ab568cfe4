/**
 * actions/shared/src/github/: the sticky comment, Deployments, the PR-state guard and the comment /
 * deployment policy, against the fake GitHub (every request and response checked against GitHub's
 * OpenAPI description).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub, type GitHub, loadOctokit } from '../../../../actions/shared/src/github/client.js';
import {
  commentMarker,
  findComment,
  MAX_COMMENT_LENGTH,
  parseCommentState,
  renderComment,
  upsertComment,
} from '../../../../actions/shared/src/github/comment.js';
import {
  createDeployment,
  deactivateDeployments,
  deleteDeployments,
  deleteEnvironment,
  setDeploymentStatus,
} from '../../../../actions/shared/src/github/deployment.js';
import { decidePolicy, readEventFacts } from '../../../../actions/shared/src/github/policy.js';
import { guardPullRequest, guardVerdict } from '../../../../actions/shared/src/github/pull-request.js';
import { registerSecret } from '../../../../actions/shared/src/runtime/secrets.js';
import { FAULTS, type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';

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

function setup(identity: Parameters<FakeGitHub['addToken']>[1] = {}): {
  repo: string;
  gh: GitHub;
  token: string;
} {
  count += 1;
  const repo = `acme/life-${count}`;
  fake.repo(repo);
  const token = fake.addToken(undefined, identity);
  return { repo, token, gh: createGitHub({ token, repository: repo, apiUrl: fake.url, retryBaseMs: 1 }) };
}

const BOT = 'github-actions[bot]';

describe('sticky PR comment', () => {
  it('goes deploying → ready → torn down as one comment, and is not edited when nothing changed', async () => {
    const { repo, gh, token } = setup();
    fake.pull(repo, 12);
    const env = 'webapp-pr-12-abc123';
    const first = await upsertComment(gh, 12, BOT, {
      environment: env,
      status: 'deploying',
      sha: 'a'.repeat(40),
    });
    expect(first).toMatchObject({ action: 'created' });
    const ready = await upsertComment(gh, 12, BOT, {
      environment: env,
      status: 'ready',
      urls: { web: 'http://127.0.0.1:8080' },
      services: { web: 'running (healthy)' },
    });
    expect(ready).toMatchObject({ action: 'updated' });
    const again = await upsertComment(gh, 12, BOT, { environment: env, status: 'ready' });
    expect(again).toMatchObject({ action: 'unchanged' });
    const gone = await upsertComment(
      gh,
      12,
      BOT,
      { environment: env, status: 'torn-down', reason: 'closed' },
      false,
    );
    expect(gone).toMatchObject({ action: 'updated' });
    const comments = fake.repo(repo).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/Torn down/);
    expect(comments[0]?.body).not.toMatch(/127\.0\.0\.1/); // URLs of a gone environment are not shown
    expect(parseCommentState(comments[0]?.body ?? '')).toMatchObject({
      status: 'torn-down',
      sha: 'a'.repeat(40),
    });
    const writes = fake.writes().filter((c) => c.token === token);
    expect(writes.map((c) => c.operationId)).toEqual([
      'issues/create-comment',
      'issues/update-comment',
      'issues/update-comment',
    ]);
  });

  it('ignores a comment with the marker written by someone else, and never creates one on teardown', async () => {
    const { repo, gh } = setup();
    fake.pull(repo, 13);
    const env = 'webapp-pr-13-abc123';
    const mallory = fake.addToken(undefined, { login: 'mallory', id: 666, type: 'User' });
    const impostor = createGitHub({ token: mallory, repository: repo, apiUrl: fake.url, retryBaseMs: 1 });
    await impostor.octokit.rest.issues.createComment({
      owner: impostor.owner,
      repo: impostor.repo,
      issue_number: 13,
      body: `[click here](https://evil.example) ${commentMarker(env)}`,
    });
    expect(await upsertComment(gh, 13, BOT, { environment: env, status: 'torn-down' }, false)).toEqual({
      action: 'absent',
    });
    expect(
      await upsertComment(gh, 13, BOT, { environment: env, status: 'deploying', sha: 'b'.repeat(40) }),
    ).toMatchObject({
      action: 'created',
    });
    const comments = fake.repo(repo).comments;
    expect(comments.map((c) => c.user.login)).toEqual(['mallory', BOT]);
    expect(comments[0]?.body).toMatch(/evil/);
  });

  it('finds its comment among more than one page of comments', async () => {
    const { repo, gh } = setup();
    fake.pull(repo, 14);
    const env = 'webapp-pr-14-abc123';
    await upsertComment(gh, 14, BOT, { environment: env, status: 'deploying', sha: 'c'.repeat(40) });
    const r = fake.repo(repo);
    for (let i = 0; i < 150; i += 1)
      r.comments.push({
        id: fake.id(),
        issue: 14,
        body: `chatter ${i}`,
        user: { login: 'octocat', id: 1, type: 'User' },
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      });
    expect(await upsertComment(gh, 14, BOT, { environment: env, status: 'ready' })).toMatchObject({
      action: 'updated',
    });
    expect(r.comments.filter((c) => c.user.login === BOT)).toHaveLength(1);
  });

  it('reports a read-only token as a failure with the permissions GitHub accepts', async () => {
    const { repo, gh } = setup({ permissions: { pull_requests: 'read', issues: 'read' } });
    fake.pull(repo, 15);
    const outcome = await upsertComment(gh, 15, BOT, {
      environment: 'webapp-pr-15-abc123',
      status: 'deploying',
    });
    expect(outcome).toMatchObject({
      action: 'failed',
      failure: { kind: 'forbidden', status: 403, acceptedPermissions: 'issues=write; pull_requests=write' },
    });
  });

  it('renders within GitHub’s limit, keeps its state, and never shows a registered secret', () => {
    registerSecret('s3cr3t-value-xyz');
    const state = {
      environment: 'e',
      status: 'failed' as const,
      sha: 'd'.repeat(40),
      reason: `password s3cr3t-value-xyz ${'x'.repeat(80_000)}`,
      updatedAt: 1_800_000_000,
    };
    const body = renderComment(state);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).not.toContain('s3cr3t-value-xyz');
    expect(Buffer.from(body).toString('utf8')).toContain(commentMarker('e'));
    expect(parseCommentState(body)?.status).toBe('failed');
    expect(findComment([{ id: 1, body, user: { login: 'GitHub-Actions[bot]' } }], 'e', BOT)?.id).toBe(1);
  });
});

describe('GitHub Deployments', () => {
  it('creates a transient deployment, goes in_progress → success, sets earlier ones inactive, then all inactive', async () => {
    const { repo, gh } = setup();
    const pr = fake.pull(repo, 21);
    const env = 'webapp-pr-21-abc123';
    const old = await createDeployment(gh, {
      sha: pr.headSha,
      environment: env,
      description: 'first',
      payload: {},
    });
    expect(old.ok).toBe(true);
    if (!old.ok) return;
    await setDeploymentStatus(gh, old.value, 'success', { environmentUrl: 'http://127.0.0.1:1' });
    fake.pull(repo, 21, { headSha: 'e'.repeat(40) });
    const next = await createDeployment(gh, {
      sha: 'e'.repeat(40),
      environment: env,
      description: 'x'.repeat(300),
      payload: { runId: '1' },
    });
    expect(next.ok).toBe(true);
    if (!next.ok) return;
    expect(await deactivateDeployments(gh, env, next.value)).toEqual({ ok: true, value: [old.value] });
    await setDeploymentStatus(gh, next.value, 'in_progress', {
      logUrl: 'https://github.com/acme/x/actions/runs/1',
    });
    await setDeploymentStatus(gh, next.value, 'success', {
      environmentUrl: 'http://127.0.0.1:8080',
      logUrl: 'https://github.com/acme/x/actions/runs/1',
    });
    const [latest, first] = fake.deploymentsOf(repo, env);
    expect(latest).toMatchObject({
      transient: true,
      production: false,
      sha: 'e'.repeat(40),
      payload: { ephemeral: { runId: '1' } },
    });
    expect(latest?.description).toHaveLength(140);
    expect(latest?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(latest?.statuses[1]?.environmentUrl).toBe('http://127.0.0.1:8080');
    expect(first?.statuses.map((s) => s.state)).toEqual(['success', 'inactive']);
    // teardown: everything inactive, each once; a second pass changes nothing
    expect(await deactivateDeployments(gh, env)).toEqual({ ok: true, value: [next.value] });
    expect(await deactivateDeployments(gh, env)).toEqual({ ok: true, value: [] });
    expect(await deleteDeployments(gh, env)).toMatchObject({ ok: true });
    expect(fake.deploymentsOf(repo, env)).toEqual([]);
  });

  it('turns 409 and 202 into failures the caller can warn about', async () => {
    const { repo, gh } = setup();
    const pr = fake.pull(repo, 22);
    fake.fault(FAULTS.conflict());
    expect(
      await createDeployment(gh, { sha: pr.headSha, environment: 'e', description: '', payload: {} }),
    ).toMatchObject({
      ok: false,
      failure: { kind: 'conflict', status: 409 },
    });
    fake.fault(FAULTS.merged());
    const merged = await createDeployment(gh, {
      sha: pr.headSha,
      environment: 'e',
      description: '',
      payload: {},
    });
    expect(merged).toMatchObject({ ok: false, failure: { message: expect.stringMatching(/202/) } });
  });

  it('cannot delete the GitHub environment without an admin token', async () => {
    const { repo, gh } = setup();
    fake.repo(repo).environments.add('e');
    expect(await deleteEnvironment(gh, 'e')).toMatchObject({
      ok: false,
      failure: { kind: 'forbidden', acceptedPermissions: 'administration=write' },
    });
    const admin = createGitHub({
      token: fake.addToken(undefined, { login: 'admin', type: 'User', permissions: 'all' }),
      repository: repo,
      apiUrl: fake.url,
    });
    expect(await deleteEnvironment(admin, 'e')).toEqual({ ok: true, value: undefined });
    expect(fake.repo(repo).environments.has('e')).toBe(false);
  });
});

describe('PR-state guard', () => {
  it('tells open, closed, superseded and unknown apart', async () => {
    const { repo, gh } = setup();
    const pr = fake.pull(repo, 31);
    expect(await guardPullRequest(gh, 31, pr.headSha)).toEqual({ verdict: 'open' });
    fake.pull(repo, 31, { headSha: 'f'.repeat(40) });
    expect(await guardPullRequest(gh, 31, pr.headSha)).toEqual({
      verdict: 'superseded',
      headSha: 'f'.repeat(40),
    });
    fake.closePull(repo, 31, true);
    expect(await guardPullRequest(gh, 31, pr.headSha)).toEqual({ verdict: 'closed', merged: true });
    expect(await guardPullRequest(gh, 99, pr.headSha)).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/404/),
    });
    expect(await guardPullRequest(null, 31, pr.headSha)).toEqual({
      verdict: 'unknown',
      reason: 'no GitHub token',
    });
    expect(await guardPullRequest(gh, null, pr.headSha)).toEqual({
      verdict: 'unknown',
      reason: 'not a pull request',
    });
  });

  it('counts only the state when the deployed SHA is unknown', () => {
    const pull = {
      number: 1,
      state: 'open' as const,
      headSha: 'a'.repeat(40),
      merged: false,
      closedAt: null,
      fork: false,
    };
    expect(guardVerdict({ ok: true, pull }, '')).toEqual({ verdict: 'open' });
    expect(guardVerdict({ ok: true, pull }, 'A'.repeat(40))).toEqual({ verdict: 'open' });
  });
});

describe('comment / deployment policy', () => {
  const facts = (eventName: string, fork: boolean, actor = 'octocat') => ({ eventName, fork, actor });
  it('auto skips read-only tokens (fork or Dependabot PRs under pull_request) before any call', () => {
    expect(decidePolicy('auto', facts('pull_request', true), true, 'comment')).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/fork/),
    });
    expect(
      decidePolicy('auto', facts('pull_request', false, 'dependabot[bot]'), true, 'comment').enabled,
    ).toBe(false);
    expect(decidePolicy('auto', facts('pull_request_target', true), true, 'comment').enabled).toBe(true);
    expect(decidePolicy('auto', facts('pull_request', false), true, 'comment').enabled).toBe(true);
    expect(decidePolicy('always', facts('pull_request', true), true, 'comment').enabled).toBe(true);
    expect(decidePolicy('never', facts('pull_request', false), true, 'comment').enabled).toBe(false);
    expect(decidePolicy('always', facts('pull_request', false), false, 'comment')).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/token/),
    });
  });

  it('reads the fork flag from the event payload', () => {
    const payload = (head: unknown) =>
      JSON.stringify({
        pull_request: { head: { repo: head }, base: { repo: { full_name: 'acme/webapp' } } },
      });
    const env = { GITHUB_EVENT_PATH: '/event.json', GITHUB_EVENT_NAME: 'pull_request', GITHUB_ACTOR: 'x' };
    expect(readEventFacts(env, () => payload({ full_name: 'mallory/webapp' })).fork).toBe(true);
    expect(readEventFacts(env, () => payload({ full_name: 'ACME/webapp' })).fork).toBe(false);
    expect(readEventFacts(env, () => payload(null)).fork).toBe(true);
    expect(readEventFacts(env, () => '{').fork).toBe(false);
  });
});
