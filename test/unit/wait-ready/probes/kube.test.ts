/** Kubernetes probes: a kubectl get per attempt without news, argv literal (the watch: kube-watch.test.ts). */
import { describe, expect, it } from 'vitest';
import { Kubectl } from '../../../../actions/shared/src/kube/kubectl.js';
import { kubeProbe, kubeProbeArgs } from '../../../../actions/wait-ready/src/probes/kube.js';
import type { KubeSpec } from '../../../../actions/wait-ready/src/spec-kube.js';

const INJECTION = ['; rm -rf /', '$(id)', '`whoami`', 'a && b', "'quoted'", '|cat'];

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
    const probe = kubeProbe(spec('job', 'migrate'), kubectl, 'ns', 1000, 60_000);
    expect(probe.target).toBe('ns: job/migrate');
    const result = await probe.attempt(new AbortController().signal);
    expect(result).toEqual({
      ok: false,
      detail: 'not found yet: Error from server (NotFound): jobs.batch "migrate" not found',
    });
    expect(calls.filter((argv) => !argv.includes('--watch'))).toEqual([
      ['kubectl', 'get', 'jobs.batch/migrate', '--namespace', 'ns', '--output', 'json'],
    ]);
    await probe.close?.();
  });
});
