/** The one namespace removal: holders of a Terminating namespace, argv, and the flow over a scripted kubectl/helm. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { Helm, listArgs as helmListArgs, uninstallArgs } from '../../../../actions/shared/src/kube/helm.js';
import { Kubectl, type NamespaceObject } from '../../../../actions/shared/src/kube/kubectl.js';
import {
  deleteNamespaceArgs,
  namespaceHolders,
  teardownNamespace,
} from '../../../../actions/shared/src/kube/namespace-teardown.js';

const ENV = 'kwait-pr-7-abc123';
const ns = (name: string, labels?: Record<string, string>, phase = 'Active'): NamespaceObject => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  status: { phase },
});
const OURS = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': ENV };

describe('namespaceHolders', () => {
  it('names the object with finalizers and the recorded Terminating conditions', () => {
    const terminating = JSON.parse(
      readFileSync(new URL('../../fixtures/kube/namespace-terminating.json', import.meta.url), 'utf8'),
    );
    const holders = namespaceHolders(terminating, [
      { kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } },
      { kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' } },
    ]);
    expect(holders).toEqual([
      'ConfigMap/held (finalizers: example.com/hold)',
      'NamespaceContentRemaining: Some resources are remaining: configmaps. has 1 resource instances',
      'NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    ]);
  });

  it('a custom finalizer on the namespace spec, and plain remaining objects', () => {
    const n = {
      ...ns('x', OURS, 'Terminating'),
      spec: { finalizers: ['kubernetes', 'example.com/ns-hold'] },
    };
    expect(namespaceHolders(n, [])).toEqual(['Namespace/x spec.finalizers: example.com/ns-hold']);
    expect(namespaceHolders(ns('x'), [{ kind: 'Pod', metadata: { name: 'p' } }])).toEqual([
      'remaining: Pod/p',
    ]);
  });
});

describe('argv builders', () => {
  it('helm and kubectl', () => {
    expect(helmListArgs('ns', 3)).toEqual([
      'list',
      '--namespace',
      'ns',
      '--all',
      '--output',
      'json',
      '--max',
      '0',
    ]);
    expect(uninstallArgs('shop', 'ns', 41.6, { wait: false })).toEqual([
      'uninstall',
      'shop',
      '--namespace',
      'ns',
      '--timeout',
      '42s',
    ]);
    expect(deleteNamespaceArgs('ns')).toEqual([
      'delete',
      'namespace',
      'ns',
      '--wait=false',
      '--ignore-not-found',
    ]);
    expect(new Helm({ kubeconfig: '/k', context: 'c' }).argv(helmListArgs('ns', 3)).slice(0, 5)).toEqual([
      'helm',
      '--kubeconfig',
      '/k',
      '--kube-context',
      'c',
    ]);
  });

  it('a release name with shell characters stays one argument', () => {
    const argv = uninstallArgs('a; rm -rf /', 'ns', 5, { wait: false });
    expect(argv[1]).toBe('a; rm -rf /');
  });
});

/** A scripted cluster: answers by the first words of the argv, records every call. */
function scripted(answer: (argv: string[]) => Partial<RunResult>) {
  const calls: string[][] = [];
  const runner = async (argv: readonly string[], _o?: RunOptions): Promise<RunResult> => {
    calls.push([...argv]);
    return {
      argv: [...argv],
      exitCode: 0,
      stdout: '',
      stderr: '',
      durationMs: 1,
      timedOut: false,
      truncated: false,
      ...answer([...argv]),
    };
  };
  return { calls, kubectl: new Kubectl({}, runner), helm: new Helm({}, runner) };
}

const fast = { timeoutMs: 5000, pollMs: 10, controlPlane: [] as string[] };

describe('teardownNamespace flow', () => {
  it('already gone: one look, nothing else', async () => {
    const c = scripted(() => ({
      exitCode: 1,
      stderr: 'Error from server (NotFound): namespaces "x" not found',
    }));
    const result = await teardownNamespace(c.kubectl, c.helm, ENV, ENV, fast);
    expect(result).toMatchObject({ status: 'already-gone', namespace: ENV, releases: [] });
    expect(c.calls).toHaveLength(1);
  });

  it('refused: kube-system is never even looked up; an unlabelled one is looked up, never deleted', async () => {
    const c = scripted(() => ({ stdout: JSON.stringify(ns(ENV)) }));
    expect((await teardownNamespace(c.kubectl, c.helm, 'kube-system', ENV, fast)).status).toBe('refused');
    expect(c.calls).toHaveLength(0);
    const result = await teardownNamespace(c.kubectl, c.helm, ENV, ENV, fast);
    expect(result.status).toBe('refused');
    expect(c.calls.some((a) => a.includes('delete') || a.includes('uninstall'))).toBe(false);
  });

  it('removes: uninstall every release, delete, wait until gone', async () => {
    let looks = 0;
    const c = scripted((argv) => {
      if (argv[0] === 'helm' && argv[1] === 'list')
        return {
          stdout: JSON.stringify([
            { name: 'shop', status: 'deployed' },
            { name: 'db', status: 'pending-install' },
          ]),
        };
      if (argv[1] === 'get' && argv[2] === 'namespace')
        return ++looks <= 2
          ? { stdout: JSON.stringify(ns(ENV, OURS, looks === 1 ? 'Active' : 'Terminating')) }
          : { exitCode: 1, stderr: 'Error from server (NotFound): namespaces "kwait-pr-7-abc123" not found' };
      return {};
    });
    const result = await teardownNamespace(c.kubectl, c.helm, ENV, ENV, fast);
    expect(result).toMatchObject({ status: 'removed', releases: ['shop', 'db'], failures: [], holders: [] });
    const verbs = c.calls.map((a) => `${a[0]} ${a[1]}`);
    expect(verbs.indexOf('helm uninstall')).toBeLessThan(verbs.indexOf('kubectl delete'));
  });

  it('whileRemoving: once, after the ownership check and before any uninstall or delete; never when refused or gone', async () => {
    let looks = 0;
    const c = scripted((argv) => {
      if (argv[0] === 'helm' && argv[1] === 'list') return { stdout: JSON.stringify([{ name: 'shop' }]) };
      if (argv[1] === 'get' && argv[2] === 'namespace')
        return ++looks <= 1
          ? { stdout: JSON.stringify(ns(ENV, OURS)) }
          : { exitCode: 1, stderr: 'Error from server (NotFound): namespaces "kwait-pr-7-abc123" not found' };
      return {};
    });
    const seen: number[] = [];
    const whileRemoving = () => seen.push(c.calls.length);
    expect((await teardownNamespace(c.kubectl, c.helm, ENV, ENV, { ...fast, whileRemoving })).status).toBe(
      'removed',
    );
    expect(seen).toHaveLength(1);
    const before = c.calls.slice(0, seen[0]).map((a) => `${a[0]} ${a[1]}`);
    expect(before).toContain('kubectl get');
    expect(before.some((v) => v === 'helm uninstall' || v === 'kubectl delete')).toBe(false);

    const never = () => {
      throw new Error('whileRemoving called');
    };
    const unlabelled = scripted(() => ({ stdout: JSON.stringify(ns(ENV)) }));
    const refused = await teardownNamespace(unlabelled.kubectl, unlabelled.helm, ENV, ENV, {
      ...fast,
      whileRemoving: never,
    });
    expect(refused.status).toBe('refused');
    const gone = scripted(() => ({
      exitCode: 1,
      stderr: 'Error from server (NotFound): namespaces "x" not found',
    }));
    const absent = await teardownNamespace(gone.kubectl, gone.helm, ENV, ENV, {
      ...fast,
      whileRemoving: never,
    });
    expect(absent.status).toBe('already-gone');
  });

  it.each([
    ['v3.22.0+g1234', ['--all']],
    ['v4.3.1+g5678', []],
  ])('lists releases with the flags of the helm on PATH (%s)', async (version, extra) => {
    let looks = 0;
    const c = scripted((argv) => {
      if (argv[0] === 'helm' && argv[1] === 'version') return { stdout: `${version}\n` };
      if (argv[0] === 'helm' && argv[1] === 'list') return { stdout: '[]' };
      if (argv[1] === 'get' && argv[2] === 'namespace')
        return ++looks <= 1
          ? { stdout: JSON.stringify(ns(ENV, OURS)) }
          : { exitCode: 1, stderr: 'Error from server (NotFound): namespaces "kwait-pr-7-abc123" not found' };
      return {};
    });
    expect((await teardownNamespace(c.kubectl, c.helm, ENV, ENV, fast)).status).toBe('removed');
    expect(c.calls.find((a) => a[1] === 'list')).toEqual([
      'helm',
      ...helmListArgs(ENV, extra.length ? 3 : 4),
    ]);
    expect(c.calls.find((a) => a[1] === 'list')?.includes('--all')).toBe(extra.length > 0);
  });

  it('held past the deadline: partial, naming the holder', async () => {
    let t = 0;
    const c = scripted((argv) => {
      if (argv[0] === 'helm') return { stdout: '[]' };
      if (argv[1] === 'get' && argv[2] === 'namespace')
        return { stdout: JSON.stringify(ns(ENV, OURS, 'Terminating')) };
      if (argv[1] === 'api-resources') return { stdout: 'configmaps\nevents\n' };
      if (argv[1] === 'get')
        return {
          stdout: JSON.stringify({
            items: [{ kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }],
          }),
        };
      return {};
    });
    const result = await teardownNamespace(c.kubectl, c.helm, ENV, ENV, {
      ...fast,
      clock: {
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
      },
    });
    expect(result.status).toBe('partial');
    expect(result.holders).toEqual(['ConfigMap/held (finalizers: example.com/hold)']);
    expect(result.failures[0]).toMatch(/still Terminating after 5 s; held by: ConfigMap\/held/);
    // already Terminating: no second delete
    expect(c.calls.some((a) => a[1] === 'delete')).toBe(false);
    expect(c.calls.find((a) => a[1] === 'get' && a[2] === 'configmaps')).toBeDefined();
  });
});
