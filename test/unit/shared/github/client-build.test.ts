/**
 * How the GitHub client is built (issue 12): from `@octokit/core` with Node's fetch when no proxy is
 * configured, through `@actions/github` (its proxy dispatcher) when one is; the same client either way,
 * checked against the fake GitHub (validated against GitHub's OpenAPI description).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  orchestrationUserAgent,
  proxyConfigured,
} from '../../../../actions/shared/src/github/octokit-build.js';
import { type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('proxyConfigured', () => {
  it('is true for any of the four variables @actions/http-client reads, and only when set to something', () => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'])
      expect(proxyConfigured({ [name]: 'http://proxy.internal:3128' })).toBe(true);
    expect(proxyConfigured({})).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: '  ', NO_PROXY: '*' })).toBe(false);
  });
});

describe('orchestrationUserAgent', () => {
  it('tags the runner orchestration ID, with characters outside [a-z0-9_.-] replaced', () => {
    expect(orchestrationUserAgent({ ACTIONS_ORCHESTRATION_ID: ' run 7/ab.c-d_e ' })).toBe(
      'actions_orchestration_id/run_7_ab.c-d_e',
    );
    expect(orchestrationUserAgent({})).toBeUndefined();
    expect(orchestrationUserAgent({ ACTIONS_ORCHESTRATION_ID: ' ' })).toBeUndefined();
  });
});

/** A fresh copy of client.ts (its Octokit is loaded once per module instance). */
async function freshClient() {
  vi.resetModules();
  return import('../../../../actions/shared/src/github/client.js');
}

describe.each([
  ['direct', {}],
  ['proxy', { HTTPS_PROXY: 'http://127.0.0.1:9' }],
] as const)('the client built %s', (via, proxyEnv) => {
  it('authenticates, pages, and tags the user agent with the orchestration ID', async () => {
    // @actions/github reads the orchestration ID and the API URL (for its proxy dispatcher) from process.env
    // itself, as a runner sets them: both builds get them from there.
    const runner = { ...proxyEnv, ACTIONS_ORCHESTRATION_ID: `build-${via}`, GITHUB_API_URL: fake.url };
    for (const [name, value] of Object.entries(runner)) vi.stubEnv(name, value);
    const client = await freshClient();
    const env = process.env;
    await client.loadOctokit(env);
    expect(client.octokitVia()).toBe(via);
    const repository = `acme/build-${via}`;
    fake.repo(repository);
    fake.pull(repository, 5);
    const token = fake.addToken();
    // @actions/http-client sends loopback addresses around the proxy (lib/proxy.js checkBypass): the fake
    // answers both builds (a proxy at 127.0.0.1:9 would refuse).
    const gh = client.createGitHub({ token, repository, apiUrl: fake.url, retries: 0, writePauseMs: 0 }, env);
    for (let n = 1; n <= 3; n++)
      await gh.octokit.rest.issues.createComment({
        owner: 'acme',
        repo: `build-${via}`,
        issue_number: 5,
        body: `c${n}`,
      });
    const comments = await gh.octokit.paginate(gh.octokit.rest.issues.listComments, {
      owner: 'acme',
      repo: `build-${via}`,
      issue_number: 5,
      per_page: 2,
    });
    expect(comments.map((c) => c.body)).toEqual(['c1', 'c2', 'c3']);
    const sent = fake.calls.filter((c) => c.url.includes(`build-${via}`));
    expect(sent.map((c) => c.status)).toEqual([201, 201, 201, 200, 200]);
    expect(new Set(sent.map((c) => c.token))).toEqual(new Set([token]));
    expect(fake.userAgents.at(-1)).toContain(`actions_orchestration_id/build-${via}`);
    expect(gh.budget().requests).toBe(5);
    fake.assertValid();
  });
});
