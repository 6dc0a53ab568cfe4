/** The namespace manifest and the deploy-side refusal. */
import { describe, expect, it } from 'vitest';
import {
  assertDeployable,
  janitorTtl,
  namespaceManifest,
} from '../../../actions/deploy-namespace/src/namespace.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';

describe('namespace', () => {
  const facts = {
    environment: 'app-pr-7-abc123',
    repository: 'acme/app',
    prNumber: 7,
    headSha: 'a'.repeat(40),
    runId: '99',
    createdAtMs: 1_700_000_000_000,
    deployedAtMs: 1_700_000_600_000,
    ttlMs: 3_600_000,
    runUrl: 'https://github.com/acme/app/actions/runs/99',
    janitor: true,
  };
  it('labels with deployLabels and annotates readable forms', () => {
    const m = namespaceManifest('app-pr-7-abc123', facts) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(m.metadata.labels).toMatchObject({
      'ephemeral.dev/managed-by': 'ephemeral',
      'ephemeral.dev/created-at': '1700000000',
      'ephemeral.dev/last-deployed-at': '1700000600',
      'ephemeral.dev/expires-at': '1700004200',
      'ephemeral.dev/pr': '7',
    });
    expect(m.metadata.annotations).toMatchObject({
      'ephemeral.dev/repository': 'acme/app',
      'ephemeral.dev/pr': '#7',
      'ephemeral.dev/expires-at': '2023-11-14T23:23:20Z',
      'janitor/ttl': '1h',
      'janitor/expires': '2023-11-14T23:23:20Z',
    });
    expect(janitorTtl(90 * 60_000)).toBe('90m');
    const noTtl = namespaceManifest('x', { ...facts, ttlMs: null, janitor: true }) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(noTtl.metadata.labels).not.toHaveProperty('ephemeral.dev/expires-at');
    expect(noTtl.metadata.annotations).not.toHaveProperty('janitor/ttl');
  });
  it('refuses protected namespaces and ones without our label', () => {
    expect(() => assertDeployable('kube-system', null)).toThrow(
      /Input "name": "kube-system" is a protected namespace/,
    );
    expect(() => assertDeployable('default', null)).toThrow(UserInputError);
    expect(() => assertDeployable('theirs', { metadata: { name: 'theirs', labels: {} } })).toThrow(
      /not created by these actions/,
    );
    expect(() =>
      assertDeployable('ours', {
        metadata: { name: 'ours', labels: { 'ephemeral.dev/managed-by': 'ephemeral' } },
      }),
    ).not.toThrow();
  });
});
