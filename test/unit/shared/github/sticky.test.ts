/**
 * actions/shared/src/github/sticky.ts through the Lifecycle that uses it, against the fake GitHub (every
 * request and response checked against GitHub's OpenAPI description): the comment a run wrote is kept, so
 * its later writes are one PATCH by id with no list of the PR's comments; a PATCH answered 404 (deleted
 * meanwhile) looks it up again; a guarded update always looks up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub, loadOctokit } from '../../../../actions/shared/src/github/client.js';
import { parseCommentState } from '../../../../actions/shared/src/github/comment.js';
import { Lifecycle } from '../../../../actions/shared/src/github/lifecycle.js';
import type { GitHubSettings } from '../../../../actions/shared/src/github/settings.js';
import { type FakeCall, type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';
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

/** A deploy's Lifecycle for a fresh repository's PR 7 (head `a…a`), comment and deployment on. */
function setup() {
  count += 1;
  const repository = `acme/sticky-${count}`;
  fake.pull(repository, 7, { headSha: 'a'.repeat(40) });
  const token = fake.addToken();
  const settings: GitHubSettings = {
    token,
    comment: 'always',
    commentAuthor: 'github-actions[bot]',
    deployment: 'always',
    deploymentEnvironment: '',
  };
  const gh = createGitHub({ token, repository, apiUrl: fake.url, retryBaseMs: 1, writePauseMs: 0 });
  const warnings: string[] = [];
  const environment = testEnvironment(`sticky-${count}`, repository, 7);
  const lifecycle = new Lifecycle(gh, settings, environment, facts, (m) => warnings.push(m), {});
  /** The operations this token sent since `from` (an index into the fake's calls). */
  const since = (from: number) =>
    fake.calls
      .slice(from)
      .filter((c: FakeCall) => c.token === token)
      .map((c) => `${c.operationId} ${c.status}`);
  return { repository, lifecycle, warnings, since };
}

describe('the comment a run wrote is written again by id', () => {
  it('ready after deploying: the PATCH by id beside the success status, no list', async () => {
    const { repository, lifecycle, warnings, since } = setup();
    await lifecycle.deploying();
    const comment = fake.repo(repository).comments[0];
    const from = fake.calls.length;
    await lifecycle.ready({ urls: { web: 'http://127.0.0.1:8080' }, services: { web: 'running' } });
    expect(since(from).sort()).toEqual(['issues/update-comment 200', 'repos/create-deployment-status 201']);
    const patch = fake.calls.slice(from).find((c) => c.operationId === 'issues/update-comment');
    expect(patch?.url).toMatch(new RegExp(`/issues/comments/${comment?.id}$`));
    const state = parseCommentState(fake.repo(repository).comments[0]?.body ?? '');
    expect(state).toMatchObject({
      status: 'ready',
      sha: 'a'.repeat(40),
      urls: { web: 'http://127.0.0.1:8080' },
      deploymentId: lifecycle.report.deploymentId,
    });
    expect(lifecycle.report.comment).toMatchObject({ action: 'updated', id: comment?.id });
    expect(warnings).toEqual([]);
  });

  it('the status and the comment go out at once: neither waits for the other’s answer', async () => {
    const { lifecycle, since } = setup();
    await lifecycle.deploying();
    // The PATCH is held until the success status has been answered: sent one after the other, it never
    // would be (the test would not end).
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
    const from = fake.calls.length;
    await lifecycle.ready({});
    expect(since(from)).toEqual(['repos/create-deployment-status 201', 'issues/update-comment 200']);
  });

  it('a comment deleted meanwhile: the PATCH answers 404, the comments are listed, a new one is created', async () => {
    const { repository, lifecycle, warnings, since } = setup();
    await lifecycle.deploying();
    fake.repo(repository).comments.length = 0;
    const from = fake.calls.length;
    await lifecycle.ready({ services: { web: 'running' } });
    const comment = since(from).filter((c) => c.startsWith('issues/'));
    expect(comment).toEqual([
      'issues/update-comment 404',
      'issues/list-comments 200',
      'issues/create-comment 201',
    ]);
    const comments = fake.repo(repository).comments;
    expect(comments).toHaveLength(1);
    expect(parseCommentState(comments[0]?.body ?? '')).toMatchObject({
      status: 'ready',
      sha: 'a'.repeat(40),
    });
    expect(lifecycle.report.comment).toMatchObject({ action: 'created', id: comments[0]?.id });
    expect(warnings).toEqual([]);
    // and that new comment is the one kept
    const next = fake.calls.length;
    await lifecycle.failed('boom');
    expect(since(next).filter((c) => c.startsWith('issues/'))).toEqual(['issues/update-comment 200']);
  });

  it('failed and superseded after deploying: PATCH by id, no list; nothing to write, no request', async () => {
    const { repository, lifecycle, warnings, since } = setup();
    await lifecycle.deploying();
    let from = fake.calls.length;
    await lifecycle.failed('web exited 1');
    expect(since(from).sort()).toEqual(['issues/update-comment 200', 'repos/create-deployment-status 201']);
    expect(parseCommentState(fake.repo(repository).comments[0]?.body ?? '')).toMatchObject({
      status: 'failed',
      reason: 'web exited 1',
    });
    from = fake.calls.length;
    await lifecycle.failed('web exited 1');
    // the same text: no PATCH (the status is posted again, as before)
    expect(since(from)).toEqual(['repos/create-deployment-status 201']);
    from = fake.calls.length;
    await lifecycle.superseded('c'.repeat(40));
    expect(since(from).sort()).toEqual(['issues/update-comment 200', 'repos/create-deployment-status 201']);
    expect(fake.repo(repository).comments[0]?.body).toMatch(/Superseded[\s\S]*cccccccccccc/);
    expect(warnings).toEqual([]);
  });

  it('without a comment of its own (a later step), and for a guarded update, the comments are listed first', async () => {
    const { repository, lifecycle, since } = setup();
    await lifecycle.deploying();
    let from = fake.calls.length;
    await lifecycle.checked('readiness', 'web: 200 in 12 ms');
    expect(since(from)).toEqual(['issues/list-comments 200', 'issues/update-comment 200']);
    // another Lifecycle (a later step of the job) knows no comment: it looks it up
    const later = new Lifecycle(
      createGitHub({
        token: fake.addToken(),
        repository,
        apiUrl: fake.url,
        retryBaseMs: 1,
        writePauseMs: 0,
      }),
      lifecycle.settings,
      lifecycle.environment,
      facts,
      () => {},
      {},
    );
    from = fake.calls.length;
    await later.failed('late');
    expect(
      fake.calls
        .slice(from)
        .filter((c) => c.operationId.startsWith('issues/'))
        .map((c) => c.operationId),
    ).toEqual(['issues/list-comments', 'issues/update-comment']);
    expect(fake.repo(repository).comments).toHaveLength(1);
  });
});
