/** The namespace removal rule: protected names, the control plane, managed-by and environment labels. */
import { describe, expect, it } from 'vitest';
import type { NamespaceObject } from '../../../../actions/shared/src/kube/kubectl.js';
import { namespaceRefusal } from '../../../../actions/shared/src/kube/namespaces.js';

const ENV = 'kwait-pr-7-abc123';
const ns = (name: string, labels?: Record<string, string>, phase = 'Active'): NamespaceObject => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  status: { phase },
});
const OURS = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': ENV };

describe('namespaceRefusal', () => {
  it.each(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-anything'])(
    '%s is always refused, labelled or not',
    (name) => {
      expect(namespaceRefusal(name, ns(name, { ...OURS, 'ephemeral.dev/environment': name }), name)).toMatch(
        /system namespace/,
      );
      expect(namespaceRefusal(name, null, ENV)).toMatch(/system namespace/);
    },
  );

  it('the control plane / runner namespace is refused even when labelled', () => {
    expect(namespaceRefusal(ENV, ns(ENV, OURS), ENV, [ENV])).toMatch(/control plane or this runner/);
  });

  it('unlabelled, wrong managed-by, or another environment', () => {
    expect(namespaceRefusal(ENV, ns(ENV), ENV)).toMatch(/has no ephemeral\.dev\/managed-by=ephemeral label/);
    expect(namespaceRefusal(ENV, ns(ENV, { ...OURS, 'ephemeral.dev/managed-by': 'helm' }), ENV)).toMatch(
      /has no ephemeral\.dev\/managed-by/,
    );
    expect(namespaceRefusal(ENV, ns(ENV, { ...OURS, 'ephemeral.dev/environment': 'other' }), ENV)).toMatch(
      /belongs to environment "other", not "kwait-pr-7-abc123"/,
    );
    expect(namespaceRefusal(ENV, ns(ENV, { 'ephemeral.dev/managed-by': 'ephemeral' }), ENV)).toMatch(
      /belongs to environment ""/,
    );
  });

  it('ours is allowed', () => {
    expect(namespaceRefusal(ENV, ns(ENV, OURS), ENV)).toBeNull();
  });
});
