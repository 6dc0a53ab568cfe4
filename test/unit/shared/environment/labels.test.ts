/** The label vocabulary: one prefix, values valid for Docker and Kubernetes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  belongsTo,
  deployLabels,
  isManaged,
  LABEL_PREFIX,
  LABELS,
  labelValue,
  stableLabels,
} from '../../../../actions/shared/src/environment/labels.js';

const K8S_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const facts = {
  environment: 'webapp-pr-42-abcdef',
  repository: 'Acme/Web.App',
  prNumber: 42,
  headSha: 'a'.repeat(40),
  runId: '123456789',
  createdAtMs: 1_700_000_000_000,
  deployedAtMs: 1_700_000_100_000,
  ttlMs: 3_600_000,
};

describe('labels', () => {
  it('every key has the one prefix and every value is a valid Kubernetes label value', () => {
    const labels = deployLabels(facts);
    for (const [key, value] of Object.entries(labels)) {
      expect(key.startsWith(LABEL_PREFIX)).toBe(true);
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(K8S_VALUE);
    }
    expect(labels[LABELS.repository]).toBe('acme_web.app');
    expect(labels[LABELS.expiresAt]).toBe(String(1_700_000_100 + 3600));
    expect(labels[LABELS.lastDeployedAt]).toBe('1700000100');
    expect(labels[LABELS.createdAt]).toBe('1700000000');
  });

  it('omits expires-at without a TTL and per-deploy keys from stable labels', () => {
    expect(deployLabels({ ...facts, ttlMs: null })[LABELS.expiresAt]).toBeUndefined();
    const stable = stableLabels(facts);
    expect(stable[LABELS.headSha]).toBeUndefined();
    expect(stable[LABELS.lastDeployedAt]).toBeUndefined();
    expect(stable[LABELS.managedBy]).toBe('ephemeral');
  });

  it('property: labelValue always yields a valid label value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        const value = labelValue(raw);
        expect(value.length).toBeLessThanOrEqual(63);
        expect(value).toMatch(K8S_VALUE);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ownership', () => {
  const ours = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': 'app-pr-7-abc123' };
  it('belongsTo needs both labels, for this environment', () => {
    expect(belongsTo(ours, 'app-pr-7-abc123')).toBe(true);
    expect(belongsTo(ours, 'app-pr-8-def456')).toBe(false);
    expect(belongsTo({ 'ephemeral.dev/managed-by': 'ephemeral' }, 'app-pr-7-abc123')).toBe(false);
    expect(belongsTo({ 'ephemeral.dev/environment': 'app-pr-7-abc123' }, 'app-pr-7-abc123')).toBe(false);
    expect(belongsTo(undefined, 'app-pr-7-abc123')).toBe(false);
  });

  it('isManaged needs the managed-by label only', () => {
    expect(isManaged(ours)).toBe(true);
    expect(isManaged({ 'ephemeral.dev/managed-by': 'helm' })).toBe(false);
    expect(isManaged({})).toBe(false);
  });
});
