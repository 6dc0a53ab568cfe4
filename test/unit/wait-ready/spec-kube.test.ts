/** Kubernetes probe specifications (rollout, pods, endpoints, job). */
import { describe, expect, it } from 'vitest';
import type { UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { parseRolloutInput } from '../../../actions/wait-ready/src/spec-kube.js';
import { parseProbesYaml } from '../../../actions/wait-ready/src/spec-yaml.js';

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    return error as UserInputError;
  }
  throw new Error('did not throw');
}

describe('probes YAML: Kubernetes kinds', () => {
  it('parses rollout, pods, endpoints and job with namespace and min', () => {
    const specs = parseProbesYaml(
      [
        '- rollout: deploy/api',
        '- pods: app=api,tier in (web)',
        '  min: 2',
        '- name: svc',
        '  endpoints: api',
        '  namespace: other',
        '- job: migrate',
      ].join('\n'),
      {},
    );
    expect(specs).toEqual([
      { kind: 'rollout', name: 'rollout#1', namespace: '', workload: 'deployment', target: 'api', min: 1 },
      { kind: 'pods', name: 'pods#2', namespace: '', workload: '', target: 'app=api,tier in (web)', min: 2 },
      { kind: 'endpoints', name: 'svc', namespace: 'other', workload: '', target: 'api', min: 1 },
      { kind: 'job', name: 'job#4', namespace: '', workload: '', target: 'migrate', min: 1 },
    ]);
  });

  it.each([
    ['- rollout: pod/api', 'probes:1:12 (probes[0].rollout)', /is not a workload/],
    ['- rollout: deployment/API', 'probes:1:12 (probes[0].rollout)', /is not a workload/],
    ['- rollout: deployment/a/b', 'probes:1:12 (probes[0].rollout)', /is not a workload/],
    ['- rollout: ""', 'probes:1:12 (probes[0].rollout)', /non-empty string/],
    ['- pods: app=api\n  min: 0', 'probes:2:8 (probes[0].min)', /is not a count/],
    ['- job: migrate\n  min: 2', 'probes:2:8 (probes[0].min)', /does not apply to job/],
    ['- endpoints: My_Service', 'probes:1:14 (probes[0].endpoints)', /is not a Service name/],
    [
      '- job: migrate\n  namespace: Kube System',
      'probes:2:14 (probes[0].namespace)',
      /is not a namespace name/,
    ],
    ['- job: migrate\n  rollout: deployment/api', 'probes:1:3 (probes[0])', /several kinds/],
  ])('%j → %s', (yaml, input, problem) => {
    const error = failure(() => parseProbesYaml(yaml, {}));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain('Fix: ');
  });

  it('the rollout input: one probe per workload, named after it', () => {
    expect(parseRolloutInput(['deployment/api', 'sts/db', 'ds/agent']).map((s) => s.name)).toEqual([
      'deployment/api',
      'statefulset/db',
      'daemonset/agent',
    ]);
    expect(failure(() => parseRolloutInput(['api'])).input).toBe('rollout');
  });
});
