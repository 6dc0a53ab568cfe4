import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GitHubContract, SUBSET_FILE } from '../../../harness/github/openapi.js';

// @ts-expect-error: a plain .mjs script without types
const subset = (await import('../../../../scripts/github-openapi-subset.mjs')) as {
  renderSubset: () => string;
  OPERATIONS: Record<string, string>;
  VERSION: string;
};

describe('GitHub OpenAPI subset', () => {
  it('is exactly what the script generates from the pinned @octokit/openapi', () => {
    // The tarball is fetched into .cache/npm by `npm test`'s set-up (scripts/lib/prepare.sh); when it is
    // missing, renderSubset throws and says how to fetch it.
    expect(subset.renderSubset()).toBe(readFileSync(SUBSET_FILE, 'utf8'));
  }, 60_000);

  it('holds every operation the actions call, and names its source', () => {
    const contract = new GitHubContract();
    expect(Object.keys(contract.operations()).sort()).toEqual(Object.keys(subset.OPERATIONS).sort());
    const doc = JSON.parse(readFileSync(SUBSET_FILE, 'utf8'));
    expect(doc['x-ephemeral-subset'].source).toBe(
      `@octokit/openapi@${subset.VERSION} generated/api.github.com.json`,
    );
  });
});

describe('GitHubContract', () => {
  const contract = new GitHubContract();

  it('routes requests to operations and rejects unknown ones', () => {
    expect(contract.match('GET', '/repos/acme/webapp/pulls/7')).toMatchObject({
      operationId: 'pulls/get',
      params: { owner: 'acme', repo: 'webapp', pull_number: '7' },
    });
    expect(contract.match('DELETE', '/repos/acme/webapp/pulls/7')).toBeNull();
    expect(contract.match('GET', '/repos/acme/webapp/issues/7')).toBeNull();
  });

  it('validates path, query and body against the description', () => {
    const pulls = contract.match('GET', '/repos/acme/webapp/pulls')!;
    expect(
      contract.validateRequest(pulls, new URLSearchParams('state=open&per_page=100'), undefined, false),
    ).toMatchObject({
      problems: [],
      query: { state: 'open', per_page: 100 },
    });
    expect(
      contract.validateRequest(pulls, new URLSearchParams('state=merged'), undefined, false).problems[0],
    ).toMatch(/state/);
    expect(contract.validateRequest(pulls, new URLSearchParams('foo=1'), undefined, false).problems).toEqual([
      'query parameter "foo" is not declared',
    ]);
    const get = contract.match('GET', '/repos/acme/webapp/pulls/x')!;
    expect(contract.validateRequest(get, new URLSearchParams(), undefined, false).problems[0]).toMatch(
      /pull_number/,
    );
    const status = contract.match('POST', '/repos/acme/webapp/deployments/5/statuses')!;
    expect(
      contract.validateRequest(status, new URLSearchParams(), { state: 'destroyed' }, true).problems[0],
    ).toMatch(
      /one of the allowed values \(error, failure, inactive, in_progress, queued, pending, success\)/,
    );
    const create = contract.match('POST', '/repos/acme/webapp/deployments')!;
    expect(
      contract.validateRequest(create, new URLSearchParams(), { environment: 'x' }, true).problems[0],
    ).toMatch(/ref/);
  });

  it('validates response bodies, and catches GitHub examples that break their own schema', () => {
    const get = contract.match('GET', '/repos/acme/webapp/pulls/7')!;
    // GitHub's own pulls/get example lacks requested_teams[].type (the fake patches it).
    expect(contract.validateResponse(get, 200, contract.example('pull-request'))).toEqual([
      "response body (200)/requested_teams/0 must have required property 'type'",
    ]);
    const status = contract.match('POST', '/repos/acme/webapp/deployments/5/statuses')!;
    expect(contract.validateResponse(status, 201, contract.example('deployment-status'))).toEqual([]);
    const broken = { ...contract.example('deployment-status'), state: 'destroyed' };
    expect(contract.validateResponse(status, 201, broken)[0]).toMatch(/state/);
    expect(contract.validateResponse(status, 200, {})[0]).toMatch(/not a response/);
  });
});
