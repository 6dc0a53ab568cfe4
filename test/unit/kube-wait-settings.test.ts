/** wait-ready's Kubernetes probes: YAML parsing, argv builders (no shell), settings errors naming inputs, poll stop on final. */
import { describe, expect, it } from 'vitest';
import type { UserInputError } from '../../actions/shared/src/errors.js';
import { Inputs } from '../../actions/shared/src/inputs.js';
import { Kubectl } from '../../actions/shared/src/kube/kubectl.js';
import { getSettings as teardownSettings } from '../../actions/teardown/src/settings.js';
import { pollAll } from '../../actions/wait-ready/src/poll.js';
import { kubeProbe, kubeProbeArgs } from '../../actions/wait-ready/src/probes/kube.js';
import { getSettings } from '../../actions/wait-ready/src/settings.js';
import { parseProbesYaml } from '../../actions/wait-ready/src/spec.js';
import { type KubeSpec, parseRolloutInput } from '../../actions/wait-ready/src/spec-kube.js';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name] ?? '');
function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    return error as UserInputError;
  }
  throw new Error('did not throw');
}

const INJECTION = ['; rm -rf /', '$(id)', '`whoami`', 'a && b', "'quoted'", '|cat'];

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

describe('kubectl argv builders', () => {
  const spec = (kind: KubeSpec['kind'], target: string, workload: KubeSpec['workload'] = ''): KubeSpec => ({
    kind,
    name: 'x',
    namespace: '',
    workload,
    target,
    min: 1,
  });
  it.each([
    [
      spec('rollout', 'api', 'deployment'),
      ['get', 'deployment.apps/api', '--namespace', 'ns', '--output', 'json'],
    ],
    [
      spec('rollout', 'db', 'statefulset'),
      ['get', 'statefulset.apps/db', '--namespace', 'ns', '--output', 'json'],
    ],
    [spec('pods', 'app=api'), ['get', 'pods', '--namespace', 'ns', '--selector=app=api', '--output', 'json']],
    [
      spec('endpoints', 'api'),
      [
        'get',
        'endpointslices.discovery.k8s.io',
        '--namespace',
        'ns',
        '--selector=kubernetes.io/service-name=api',
        '--output',
        'json',
      ],
    ],
    [spec('job', 'migrate'), ['get', 'jobs.batch/migrate', '--namespace', 'ns', '--output', 'json']],
  ])('%j', (s, expected) => {
    expect(kubeProbeArgs(s, 'ns')).toEqual(expected);
  });

  it.each(INJECTION)('a selector %j stays one literal argument', (evil) => {
    const argv = new Kubectl({ kubeconfig: '/k' }).argv(kubeProbeArgs(spec('pods', `app=${evil}`), 'ns'));
    expect(argv).toContain(`--selector=app=${evil}`);
    expect(argv.filter((a) => a.includes(evil))).toHaveLength(1);
  });

  it('one attempt = one kubectl get through the funnel; NotFound is "not found yet"', async () => {
    const calls: string[][] = [];
    const kubectl = new Kubectl({}, async (argv) => {
      calls.push([...argv]);
      return {
        argv: [...argv],
        exitCode: 1,
        stdout: '',
        stderr: 'Error from server (NotFound): jobs.batch "migrate" not found',
        durationMs: 1,
        timedOut: false,
        truncated: false,
      };
    });
    const probe = kubeProbe(spec('job', 'migrate'), kubectl, 'ns', 1000);
    expect(probe.target).toBe('ns: job/migrate');
    const result = await probe.attempt(new AbortController().signal);
    expect(result).toEqual({
      ok: false,
      detail: 'not found yet: Error from server (NotFound): jobs.batch "migrate" not found',
    });
    expect(calls).toEqual([
      ['kubectl', 'get', 'jobs.batch/migrate', '--namespace', 'ns', '--output', 'json'],
    ]);
  });
});

describe('settings', () => {
  it('namespace: input, else EPHEMERAL_NAMESPACE, else EPHEMERAL_ENVIRONMENT', () => {
    const values = { rollout: 'deployment/api' };
    expect(
      getSettings(inputs({ ...values, namespace: 'mine' }), { EPHEMERAL_NAMESPACE: 'handed' }).namespace,
    ).toBe('mine');
    expect(
      getSettings(inputs(values), { EPHEMERAL_NAMESPACE: 'handed', EPHEMERAL_ENVIRONMENT: 'env' }).namespace,
    ).toBe('handed');
    expect(getSettings(inputs(values), { EPHEMERAL_ENVIRONMENT: 'env' }).namespace).toBe('env');
  });

  it.each([
    [{ rollout: 'deployment/api' }, {}, 'namespace', /need a namespace, and none is known/],
    [{ rollout: 'deployment/api', namespace: 'Bad Name' }, {}, 'namespace', /is not a namespace name/],
    [{ rollout: 'api' }, {}, 'rollout', /is not a workload/],
    [
      { probes: '- pods: "a=b\\nc=d"' },
      { EPHEMERAL_NAMESPACE: 'ns' },
      'probes:1:9 (probes[0].pods)',
      /is not a label selector/,
    ],
  ])('%j → %s', (values, env, input, problem) => {
    const error = failure(() => getSettings(inputs(values), env));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(problem);
  });

  it('a probe with its own namespace needs no default', () => {
    expect(getSettings(inputs({ probes: '- job: j\n  namespace: tools' }), {}).probes[0]).toMatchObject({
      namespace: 'tools',
    });
  });

  it('teardown: mode, namespace and auto', () => {
    expect(teardownSettings(inputs({}), {}).mode).toBe('compose');
    expect(teardownSettings(inputs({ mode: 'auto' }), {}).mode).toBe('compose');
    expect(teardownSettings(inputs({ mode: 'auto' }), { EPHEMERAL_NAMESPACE: 'ns1' })).toMatchObject({
      mode: 'namespace',
      namespace: 'ns1',
    });
    expect(teardownSettings(inputs({ mode: 'auto', namespace: 'ns2' }), {})).toMatchObject({
      mode: 'namespace',
      namespace: 'ns2',
    });
    expect(teardownSettings(inputs({ mode: 'namespace' }), {})).toMatchObject({
      mode: 'namespace',
      namespace: '',
    });
    expect(failure(() => teardownSettings(inputs({ mode: 'k8s' }), {})).input).toBe('mode');
    expect(failure(() => teardownSettings(inputs({ mode: 'namespace', namespace: 'x_y' }), {})).input).toBe(
      'namespace',
    );
  });
});

describe('poll: a final failure stops the wait', () => {
  it('stops the failed probe at once and the others after their current attempt', async () => {
    let t = 0;
    const clock = {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
    };
    const timing = {
      deadlineMs: 60_000,
      attemptTimeoutMs: 1000,
      intervalMs: 100,
      maxIntervalMs: 100,
      backoff: 1,
      consecutive: 1,
    };
    let attemptsB = 0;
    const outcomes = await pollAll(
      [
        {
          name: 'a',
          kind: 'job',
          target: 'a',
          attempt: async () => ({ ok: false, detail: 'failed: BackoffLimitExceeded', final: true }),
        },
        {
          name: 'b',
          kind: 'pods',
          target: 'b',
          attempt: async () => ({ ok: false, detail: `pending ${++attemptsB}` }),
        },
      ],
      timing,
      clock,
    );
    expect(outcomes[0]).toMatchObject({ ready: false, attempts: 1, last: 'failed: BackoffLimitExceeded' });
    expect(outcomes[1]!.attempts).toBeLessThanOrEqual(2);
    expect(t).toBeLessThan(1000);
  });
});
