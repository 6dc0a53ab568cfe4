/** The manifests and kustomize modes: apply and rollout-status argv. */
import { describe, expect, it } from 'vitest';
import {
  manifestApplyArgs,
  rolloutArgs,
  rolloutTargets,
} from '../../../actions/deploy-namespace/src/apply.js';

describe('argv builders', () => {
  it('apply and rollout status', () => {
    expect(manifestApplyArgs('ns', { manifests: ['/a.yaml', '/dir'] }, (p) => p === '/dir')).toEqual([
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager',
      'ephemeral',
      '--namespace',
      'ns',
      '--output',
      'name',
      '--filename',
      '/a.yaml',
      '--filename',
      '/dir',
      '--recursive',
    ]);
    expect(manifestApplyArgs('ns', { kustomize: '/k' }).slice(-2)).toEqual(['--kustomize', '/k']);
    expect(rolloutArgs('deployment.apps/web', 'ns', 42)).toEqual([
      'rollout',
      'status',
      'deployment.apps/web',
      '--namespace',
      'ns',
      '--timeout',
      '42s',
      '--watch',
    ]);
    expect(
      rolloutTargets([
        'service/api',
        'deployment.apps/api',
        'statefulset.apps/db',
        'daemonset.apps/agent',
        'job.batch/x',
      ]),
    ).toEqual(['deployment.apps/api', 'statefulset.apps/db', 'daemonset.apps/agent']);
  });
});
