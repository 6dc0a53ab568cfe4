/** The environment identity: one name valid for Compose and Kubernetes, deterministic and bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deriveIdentity,
  isValidName,
  MAX_NAME_LENGTH,
} from '../../../../actions/shared/src/environment/identity.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const COMPOSE_PROJECT = /^[a-z0-9][a-z0-9_-]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function valid(name: string): void {
  expect(name.length).toBeGreaterThan(0);
  expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  expect(name).toMatch(COMPOSE_PROJECT);
  expect(name).toMatch(DNS_LABEL);
}

describe('deriveIdentity', () => {
  it.each([
    ['acme/webapp', 42, 'refs/pull/42/merge', /^webapp-pr-42-[0-9a-f]{6}$/],
    ['Acme/My.Web_App', 7, '', /^my-web-app-pr-7-[0-9a-f]{6}$/],
    ['acme/webapp', null, 'refs/heads/feature/Login-Form', /^webapp-feature-login-form-[0-9a-f]{6}$/],
    ['acme/webapp', null, 'refs/tags/v1.2.3', /^webapp-tag-v1-2-3-[0-9a-f]{6}$/],
    ['acme/___', 3, '', /^repo-pr-3-[0-9a-f]{6}$/],
  ])('%s PR %s ref %s → %s', (repository, prNumber, ref, pattern) => {
    const identity = deriveIdentity({ repository, prNumber, ref, explicitName: '' });
    expect(identity.name).toMatch(pattern);
    valid(identity.name);
  });

  it('shortens a long repository name to 63 characters and keeps the PR number and hash', () => {
    const identity = deriveIdentity({
      repository: `acme/${'very-long-repository-name-'.repeat(5)}`,
      prNumber: 123456,
      ref: '',
      explicitName: '',
    });
    valid(identity.name);
    expect(identity.name).toMatch(/-pr-123456-[0-9a-f]{6}$/);
  });

  it('shortens a long branch name and keeps a hash', () => {
    const identity = deriveIdentity({
      repository: 'acme/app',
      prNumber: null,
      ref: `refs/heads/${'x'.repeat(200)}`,
      explicitName: '',
    });
    valid(identity.name);
    expect(identity.name).toMatch(/-[0-9a-f]{6}$/);
  });

  it('separates repositories whose names sanitize alike', () => {
    const a = deriveIdentity({ repository: 'acme/web.app', prNumber: 1, ref: '', explicitName: '' });
    const b = deriveIdentity({ repository: 'acme/web-app', prNumber: 1, ref: '', explicitName: '' });
    const c = deriveIdentity({ repository: 'other/web-app', prNumber: 1, ref: '', explicitName: '' });
    expect(new Set([a.name, b.name, c.name]).size).toBe(3);
  });

  it('gives the concurrency key per repository and PR', () => {
    expect(
      deriveIdentity({ repository: 'Acme/Web', prNumber: 9, ref: '', explicitName: '' }).concurrencyKey,
    ).toBe('ephemeral-acme/web-pr-9');
  });

  it('takes a valid explicit name as is', () => {
    expect(
      deriveIdentity({ repository: 'acme/web', prNumber: 9, ref: '', explicitName: 'review-9' }).name,
    ).toBe('review-9');
  });

  it.each(['Review_9', '-x', 'x-', 'a'.repeat(64), 'a b', 'ü'])(
    'rejects the explicit name %j, naming the input and a fix',
    (name) => {
      const error = (() => {
        try {
          deriveIdentity({ repository: 'acme/web', prNumber: 9, ref: '', explicitName: name });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UserInputError);
      expect((error as UserInputError).input).toBe('name');
      expect((error as Error).message).toMatch(/Fix: use a name such as "[a-z0-9-]+"/);
    },
  );

  it('fails clearly with neither PR, ref nor name', () => {
    expect(() =>
      deriveIdentity({ repository: 'acme/web', prNumber: null, ref: '', explicitName: '' }),
    ).toThrow(/no pull request.*Fix:/);
  });

  it('property: any repository, PR and ref give a valid, bounded, deterministic name', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.string({ maxLength: 120 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 31 })),
        fc.string({ maxLength: 200 }),
        (owner, repo, pr, ref) => {
          const source = {
            repository: `${owner}/${repo}`,
            prNumber: pr,
            ref: `refs/heads/${ref}x`,
            explicitName: '',
          };
          const a = deriveIdentity(source);
          valid(a.name);
          expect(isValidName(a.name)).toBe(true);
          expect(deriveIdentity(source).name).toBe(a.name);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: 10,000 distinct PRs across repositories give 10,000 distinct names', () => {
    const names = new Set<string>();
    for (let repo = 0; repo < 100; repo++) {
      for (let pr = 1; pr <= 100; pr++) {
        names.add(
          deriveIdentity({
            repository: `org-${repo % 7}/service.${repo}`,
            prNumber: pr,
            ref: '',
            explicitName: '',
          }).name,
        );
      }
    }
    expect(names.size).toBe(10_000);
  });
});
