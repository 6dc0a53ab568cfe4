/**
 * The fake GitHub, driven through the actions' own client (`createGitHub`: @actions/github's Octokit with
 * retry and throttling): pagination, rate-limit headers, permissions, faults, state flips, the call log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub, type GitHub, loadOctokit } from '../../../../actions/shared/src/github/client.js';
import { classifyApiError, describeFailure } from '../../../../actions/shared/src/github/errors.js';
import { getPull, listOpenPulls } from '../../../../actions/shared/src/github/pull-request.js';
import {
  FAULTS,
  type FakeGitHub,
  READ_PERMISSIONS,
  startFakeGitHub,
} from '../../../harness/github/fake-github.js';

let fake: FakeGitHub;
let repoCount = 0;

beforeAll(async () => {
  await loadOctokit();
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.assertValid();
});

/** A fresh repository per test, and a client for it. */
function setup(permissions?: Record<string, 'read' | 'write'>): { repo: string; gh: GitHub; token: string } {
  repoCount += 1;
  const repo = `acme/fake-${repoCount}`;
  fake.repo(repo);
  const token = fake.addToken(undefined, permissions ? { permissions } : {});
  return { repo, token, gh: createGitHub({ token, repository: repo, apiUrl: fake.url, retryBaseMs: 1 }) };
}

describe('fake GitHub', () => {
  it('pages the open pull requests with Link headers, 100 a page', async () => {
    const { repo, gh, token } = setup();
    for (let n = 1; n <= 250; n += 1) fake.pull(repo, n, n % 5 === 0 ? { state: 'closed' } : {});
    const open = await listOpenPulls(gh);
    expect(open.size).toBe(200);
    expect(open.get(1)?.state).toBe('open');
    const calls = fake.calls.filter((c) => c.token === token);
    expect(calls.map((c) => c.url)).toEqual([
      `/repos/${repo}/pulls?state=open&per_page=100`,
      `/repos/${repo}/pulls?state=open&per_page=100&page=2`,
    ]);
    expect(gh.budget()).toMatchObject({
      requests: 2,
      counted: 2,
      rateLimit: { limit: 1000, remaining: 998, used: 2 },
    });
  });

  it('answers 404 for a pull request that does not exist, and 401 for an unknown token', async () => {
    const { repo, gh } = setup();
    const answer = await getPull(gh, 99);
    expect(answer).toMatchObject({ ok: false, failure: { kind: 'not-found', status: 404 } });
    const stranger = createGitHub({
      token: 'ghs_unknown',
      repository: repo,
      apiUrl: fake.url,
      retryBaseMs: 1,
    });
    expect(await getPull(stranger, 1)).toMatchObject({
      ok: false,
      failure: { kind: 'unauthorized', status: 401 },
    });
  });

  it('refuses writes to a read-only (fork) token with GitHub’s 403 and X-Accepted-GitHub-Permissions', async () => {
    const { repo, gh } = setup({ ...READ_PERMISSIONS });
    fake.pull(repo, 3);
    const error = await gh.octokit.rest.issues
      .createComment({ owner: gh.owner, repo: gh.repo, issue_number: 3, body: 'hi' })
      .catch((e: unknown) => e);
    const failure = classifyApiError(error);
    expect(failure).toMatchObject({
      kind: 'forbidden',
      status: 403,
      acceptedPermissions: 'issues=write; pull_requests=write',
    });
    expect(describeFailure(failure)).toMatch(
      /Resource not accessible by integration.*token needs one of: issues=write; pull_requests=write/,
    );
    expect(fake.repo(repo).comments).toEqual([]);
  });

  it('retries a 5xx and then succeeds; gives up after the retries', async () => {
    const { repo, gh } = setup();
    fake.pull(repo, 4);
    fake.fault({ ...FAULTS.serverError('pulls/get', 502), times: 1 });
    expect(await getPull(gh, 4)).toMatchObject({ ok: true, pull: { number: 4, state: 'open' } });
    expect(gh.budget().requests).toBe(2);
    fake.fault({ ...FAULTS.serverError('pulls/get', 503), times: 3 });
    expect(await getPull(gh, 4)).toMatchObject({ ok: false, failure: { kind: 'server', status: 503 } });
    expect(gh.budget().requests).toBe(5);
  });

  it('waits out a short secondary rate limit once (retry-after) and reports a spent primary limit', async () => {
    const warnings: string[] = [];
    const { repo, token } = setup();
    const gh = createGitHub({
      token,
      repository: repo,
      apiUrl: fake.url,
      retryBaseMs: 1,
      warn: (w) => warnings.push(w),
    });
    fake.pull(repo, 5);
    fake.fault(FAULTS.secondaryRateLimit('pulls/get', 1));
    expect(await getPull(gh, 5)).toMatchObject({ ok: true });
    expect(warnings[0]).toMatch(/secondary rate limit.*retrying once after 1 s/);
    fake.fault(FAULTS.rateLimit('pulls/get'));
    expect(await getPull(gh, 5)).toMatchObject({ ok: false, failure: { kind: 'rate-limited', status: 403 } });
    expect(warnings[1]).toMatch(/rate limit exhausted/);
  });

  it('answers 409 without required_contexts: [] and 202 with auto_merge on a branch, as GitHub does', async () => {
    const { repo, gh } = setup();
    const pr = fake.pull(repo, 6);
    const base = { owner: gh.owner, repo: gh.repo, environment: 'pr-6' };
    const conflict = await gh.octokit.rest.repos
      .createDeployment({ ...base, ref: pr.headSha })
      .catch((e: unknown) => e);
    expect(classifyApiError(conflict)).toMatchObject({ kind: 'conflict', status: 409 });
    const merged = await gh.octokit.rest.repos.createDeployment({
      ...base,
      ref: pr.headRef,
      required_contexts: [],
    });
    expect(merged.status).toBe(202);
    const created = await gh.octokit.rest.repos.createDeployment({
      ...base,
      ref: pr.headSha,
      required_contexts: [],
      auto_merge: false,
      transient_environment: true,
    });
    expect(created.status).toBe(201);
    expect(fake.deploymentsOf(repo, 'pr-6')).toHaveLength(1);
  });

  it('flips state between two calls and logs every call', async () => {
    const { repo, gh, token } = setup();
    fake.pull(repo, 7);
    const before = fake.callsOf('pulls/get').length;
    fake.after('pulls/get', before + 1, () => fake.closePull(repo, 7));
    expect(await getPull(gh, 7)).toMatchObject({ ok: true, pull: { state: 'open' } });
    expect(await getPull(gh, 7)).toMatchObject({ ok: true, pull: { state: 'closed', merged: false } });
    const mine = fake.calls.filter((c) => c.token === token);
    expect(mine.map((c) => `${c.method} ${c.operationId} ${c.status}`)).toEqual([
      'GET pulls/get 200',
      'GET pulls/get 200',
    ]);
    expect(fake.writes().filter((c) => c.token === token)).toEqual([]);
  });

  it('records a request GitHub would reject as a contract violation', async () => {
    const { gh } = setup();
    await gh.octokit
      .request('GET /repos/{owner}/{repo}/pulls', {
        owner: gh.owner,
        repo: gh.repo,
        state: 'merged' as 'open',
      })
      .catch(() => {});
    await gh.octokit
      .request('GET /repos/{owner}/{repo}/issues', { owner: gh.owner, repo: gh.repo })
      .catch(() => {});
    expect(fake.violations.splice(0)).toEqual([
      expect.stringMatching(/^pulls\/list request: query parameter "state" .*allowed values/),
      expect.stringMatching(/^GET \/repos\/acme\/fake-\d+\/issues is not an operation/),
    ]);
  });
});
