/** Guardrail manifests. */
import { describe, expect, it } from 'vitest';
import {
  limitRangeManifest,
  networkPolicyManifest,
  quotaManifest,
} from '../../../actions/deploy-namespace/src/guardrails.js';

describe('guardrails', () => {
  it('guardrail manifests', () => {
    expect(quotaManifest('ns', { pods: '1' }, {})).toMatchObject({
      kind: 'ResourceQuota',
      spec: { hard: { pods: '1' } },
    });
    expect(limitRangeManifest('ns', { default: { cpu: '1' } }, {})).toMatchObject({
      spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] },
    });
    expect(networkPolicyManifest('ns', 'deny-ingress', {})).toMatchObject({
      spec: { policyTypes: ['Ingress'] },
    });
    expect(
      (networkPolicyManifest('ns', 'deny-all', {}) as { spec: { egress: unknown[] } }).spec.egress,
    ).toHaveLength(2);
  });
});
