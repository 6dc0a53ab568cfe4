/**
 * wait-ready's and verify-seed's line in the sticky PR comment (Lifecycle.checked, github/check-line.ts),
 * against the fake GitHub (every request and response checked against GitHub's OpenAPI description).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { boundedList } from '../../../../actions/shared/src/github/check-line.js';
import { createGitHub, loadOctokit } from '../../../../actions/shared/src/github/client.js';
import { parseCommentState, upsertComment } from '../../../../actions/shared/src/github/comment.js';
import { Lifecycle } from '../../../../actions/shared/src/github/lifecycle.js';
import type { EventFacts } from '../../../../actions/shared/src/github/policy.js';
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

const BOT = 'github-actions[bot]';
const FACTS: EventFacts = { eventName: 'pull_request', fork: false, actor: 'octocat' };
const SHA = 'a'.repeat(40);
const settings: GitHubSettings = {
  token: '',
  comment: 'always',
  commentAuthor: BOT,
  deployment: 'never',
  deploymentEnvironment: '',
};

function setup() {
  count += 1;
  const repo = `acme/check-${count}`;
  fake.repo(repo);
  fake.pull(repo, 7);
  const token = fake.addToken();
  const github = createGitHub({ token, repository: repo, apiUrl: fake.url, retryBaseMs: 1 });
  const env = testEnvironment(`web-pr-7-${count}`, repo, 7);
  const warnings: string[] = [];
  const lifecycle = new Lifecycle(github, settings, env, FACTS, (m) => warnings.push(m));
  const state = () => parseCommentState(fake.repo(repo).comments[0]?.body ?? '');
  return { repo, github, env, lifecycle, warnings, state };
}

describe('Lifecycle.checked', () => {
  it('adds the readiness and seed lines to the deploy’s comment: one comment, no edit when unchanged', async () => {
    const t = setup();
    await upsertComment(t.github, 7, BOT, { environment: t.env.name, status: 'ready', sha: SHA });
    const before = fake.writes().length;
    await t.lifecycle.checked('readiness', 'ready in 1.2 s: web 1.2 s');
    await t.lifecycle.checked('seed', '3 of 3 checks passed');
    expect(fake.writes().length - before).toBe(2);
    await t.lifecycle.checked('seed', '3 of 3 checks passed');
    expect(fake.writes().length - before).toBe(2);
    expect(fake.repo(t.repo).comments).toHaveLength(1);
    expect(t.state()).toMatchObject({
      status: 'ready',
      readiness: 'ready in 1.2 s: web 1.2 s',
      seed: '3 of 3 checks passed',
    });
    const body = fake.repo(t.repo).comments[0]?.body ?? '';
    expect(body).toContain('**Readiness:** ready in 1.2 s');
    expect(body).toContain('**Seed checks:** 3 of 3 checks passed');
    // The next push's deploy starts afresh: the old commit's lines are gone.
    const next = new Lifecycle(
      t.github,
      settings,
      testEnvironment(t.env.name, t.repo, 7, { headSha: 'c'.repeat(40) }),
      FACTS,
      () => {},
    );
    await next.deploying();
    expect(t.state()?.readiness || undefined).toBeUndefined();
    expect(t.state()?.seed || undefined).toBeUndefined();
  });

  it('never creates a comment, and leaves another commit’s or a torn-down environment’s alone', async () => {
    const t = setup();
    await t.lifecycle.checked('readiness', 'ready in 1 s');
    expect(fake.repo(t.repo).comments).toHaveLength(0);
    await upsertComment(t.github, 7, BOT, { environment: t.env.name, status: 'ready', sha: 'd'.repeat(40) });
    await t.lifecycle.checked('readiness', 'ready in 1 s');
    expect(t.state()?.readiness).toBeUndefined();
    await upsertComment(t.github, 7, BOT, { environment: t.env.name, status: 'torn-down', sha: SHA });
    const before = fake.writes().length;
    await t.lifecycle.checked('readiness', 'ready in 1 s');
    expect(fake.writes().length).toBe(before);
  });

  it('a read-only token (a fork’s) is a warning, never a throw', async () => {
    const t = setup();
    await upsertComment(t.github, 7, BOT, { environment: t.env.name, status: 'ready', sha: SHA });
    fake.fault(FAULTS.forkToken('issues/update-comment'));
    await t.lifecycle.checked('seed', '1 of 3 checks failed: users (row-count = 2)');
    expect(t.warnings.join('\n')).toMatch(/GitHub comment: .*Resource not accessible by integration/);
    expect(t.lifecycle.report.comment).toMatchObject({ action: 'failed' });
  });
});

describe('the client is made on first use (Octokit is loaded only for a run that calls GitHub)', () => {
  it('comment off: no client is made, and the report says no request was spent', async () => {
    const t = setup();
    let made = 0;
    const connect = async () => {
      made += 1;
      return t.github;
    };
    const off = new Lifecycle(connect, { ...settings, comment: 'never' }, t.env, FACTS, () => {});
    await off.checked('seed', '3 of 3 checks passed');
    await off.tornDown('teardown');
    expect(made).toBe(0);
    expect(off.finishReport().api).toEqual({ requests: 0, counted: null, rateLimit: null });

    await upsertComment(t.github, 7, BOT, { environment: t.env.name, status: 'ready', sha: SHA });
    const on = new Lifecycle(connect, settings, t.env, FACTS, () => {});
    await on.checked('readiness', 'ready in 1 s');
    await on.checked('seed', '3 of 3 checks passed');
    expect(made).toBe(1);
    expect(t.state()).toMatchObject({ readiness: 'ready in 1 s', seed: '3 of 3 checks passed' });
    expect(on.finishReport().api?.requests).toBeGreaterThan(0);
  });
});

describe('boundedList', () => {
  it('joins and cuts at the limit', () => {
    expect(boundedList(['a', 'b'])).toBe('a, b');
    const long = boundedList(
      Array.from({ length: 200 }, (_, i) => `probe-${i}`),
      50,
    );
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});
