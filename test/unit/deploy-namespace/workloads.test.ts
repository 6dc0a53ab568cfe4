/** Workload readiness from `kubectl get -o json`. */
import { describe, expect, it } from 'vitest';
import { parseWorkloads } from '../../../actions/deploy-namespace/src/workloads.js';

describe('workloads', () => {
  it('parses ready/desired per kind', () => {
    const list = {
      items: [
        {
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: { replicas: 3 },
          status: { readyReplicas: 2 },
        },
        {
          kind: 'DaemonSet',
          metadata: { name: 'agent' },
          status: { numberReady: 1, desiredNumberScheduled: 1 },
        },
        { kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1 }, status: {} },
      ],
    };
    expect(parseWorkloads(JSON.stringify(list))).toEqual({
      'DaemonSet/agent': { ready: 1, desired: 1 },
      'Deployment/web': { ready: 2, desired: 3 },
      'StatefulSet/db': { ready: 0, desired: 1 },
    });
  });
});
