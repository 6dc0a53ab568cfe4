/** Batch namespace removal (the sweep's): chunks, kubectl's answers, and the flow over a scripted cluster. */
import { describe, expect, it } from 'vitest';
import { chunkNames } from '../../../../actions/shared/src/exec/chunks.js';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { Helm } from '../../../../actions/shared/src/kube/helm.js';
import { Kubectl, type NamespaceObject } from '../../../../actions/shared/src/kube/kubectl.js';
import { parseDeleteOutput, removeNamespaces } from '../../../../actions/shared/src/kube/namespace-batch.js';

const MANAGED = { 'ephemeral.dev/managed-by': 'ephemeral' };
const ns = (name: string, env = name, phase = 'Active'): NamespaceObject => ({
  metadata: { name, labels: { ...MANAGED, 'ephemeral.dev/environment': env } },
  status: { phase },
});

describe('chunkNames', () => {
  it('keeps every chunk under the limit, in order, nothing lost', () => {
    const names = Array.from({ length: 50 }, (_, i) => `ns-${i}`);
    const chunks = chunkNames(names, 40);
    expect(chunks.flat()).toEqual(names);
    for (const c of chunks) expect(c.join(' ').length).toBeLessThanOrEqual(40);
    expect(chunkNames([], 40)).toEqual([]);
    // A name longer than the limit is still sent, alone.
    expect(chunkNames(['x'.repeat(50), 'y'], 40)).toEqual([['x'.repeat(50)], ['y']]);
    expect(chunkNames(['a', 'b', 'c', 'd', 'e'], 40, 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('parseDeleteOutput', () => {
  it('deleted from --output name, already gone only from NotFound', () => {
    const said = parseDeleteOutput(
      'namespace/a\nnamespace/b\n',
      'Error from server (NotFound): namespaces "c" not found\nError from server (Forbidden): namespaces "d" is forbidden\n',
    );
    expect([...said.deleted]).toEqual(['a', 'b']);
    expect([...said.gone]).toEqual(['c']);
  });
});

/** A scripted cluster: namespaces by name, helm releases by namespace; records every call. */
function cluster(options: {
  namespaces: NamespaceObject[];
  releases?: string[];
  helm?: 'ok' | 'missing' | 'forbidden';
  /** Names that stay listed after delete (stuck). */
  stuck?: string[];
}) {
  const live = new Map(options.namespaces.map((n) => [n.metadata.name, n]));
  const calls: string[][] = [];
  const result = (r: Partial<RunResult>): RunResult => ({
    argv: [],
    exitCode: 0,
    stdout: '',
    stderr: '',
    durationMs: 1,
    timedOut: false,
    truncated: false,
    ...r,
  });
  const runner = async (argv: readonly string[], _o?: RunOptions): Promise<RunResult> => {
    const a = [...argv];
    calls.push(a);
    if (a[0] === 'helm') {
      if (options.helm === 'missing') return result({ exitCode: 127, spawnError: 'ENOENT' });
      if (a[1] === 'version') return result({ stdout: 'v3.19.0\n' });
      if (options.helm === 'forbidden') return result({ exitCode: 1, stderr: 'forbidden' });
      if (a[1] === 'list')
        return result({
          stdout: JSON.stringify((options.releases ?? []).map((n) => ({ name: 'r', namespace: n }))),
        });
      if (a[1] === 'uninstall') return result({});
    }
    if (a[1] === 'get' && a[2] === 'secrets')
      return options.helm === 'forbidden' ? result({ exitCode: 1, stderr: 'forbidden' }) : result({});
    if (a[1] === 'get' && a[2] === 'namespaces')
      return result({ stdout: JSON.stringify({ items: [...live.values()] }) });
    if (a[1] === 'get' && a[2] === 'namespace') {
      const n = live.get(a[3]!);
      return n
        ? result({ stdout: JSON.stringify(n) })
        : result({ exitCode: 1, stderr: `Error from server (NotFound): namespaces "${a[3]}" not found` });
    }
    if (a[1] === 'delete' && a[2] === 'namespace') {
      const names = a.slice(3).filter((x) => !x.startsWith('--') && x !== 'name');
      const out: string[] = [];
      const err: string[] = [];
      for (const n of names) {
        if (!live.has(n)) err.push(`Error from server (NotFound): namespaces "${n}" not found`);
        else {
          out.push(`namespace/${n}`);
          if (options.stuck?.includes(n)) live.set(n, { ...live.get(n)!, status: { phase: 'Terminating' } });
          else live.delete(n);
        }
      }
      return result({ exitCode: err.length ? 1 : 0, stdout: out.join('\n'), stderr: err.join('\n') });
    }
    if (a[1] === 'api-resources') return result({ stdout: 'configmaps\n' });
    if (a[1] === 'get') return result({ stdout: '{"items":[]}' });
    return result({});
  };
  return { calls, live, kubectl: new Kubectl({}, runner), helm: new Helm({}, runner) };
}

let t = 0;
const clock = {
  now: () => t,
  sleep: async (ms: number) => {
    t += ms;
  },
};
const options = {
  timeoutMs: 5000,
  pollMs: 100,
  selector: 'ephemeral.dev/managed-by=ephemeral,ephemeral.dev/repository=acme.app',
  controlPlane: [] as string[],
  concurrency: 4,
  clock,
};
const target = (n: string) => ({ namespace: n, environment: n });

describe('removeNamespaces', () => {
  it('1,000 namespaces: a bounded number of processes, every one removed', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `pr-${i}-ns`);
    const c = cluster({ namespaces: names.map((n) => ns(n)) });
    const results = await removeNamespaces(c.kubectl, c.helm, names.map(target), options);
    expect([...results.values()].every((r) => r.status === 'removed')).toBe(true);
    expect(c.live.size).toBe(0);
    // 8 deletes of 125 names: kubectl sends ≤ 5 requests/s, so one process would delete ≈ 5 namespaces/s
    const deletes = c.calls.filter((a) => a[1] === 'delete');
    expect(deletes.length).toBe(8);
    for (const d of deletes) expect(d.join(' ').length).toBeLessThan(20_000);
    expect(new Set(deletes.flatMap((d) => d.slice(3, -3))).size).toBe(1000);
    // re-read + helm version + helm list + deletes + one poll
    expect(c.calls.length).toBeLessThanOrEqual(13);
  });

  it('refusals: kube-* never looked up, a namespace of another environment never deleted', async () => {
    const c = cluster({ namespaces: [ns('kube-x'), ns('theirs', 'other-env'), ns('ours')] });
    const results = await removeNamespaces(
      c.kubectl,
      c.helm,
      [target('kube-x'), target('theirs'), target('ours')],
      options,
    );
    expect(results.get('kube-x')?.status).toBe('refused');
    expect(results.get('theirs')).toMatchObject({ status: 'refused' });
    expect(results.get('theirs')?.reason).toMatch(/belongs to environment "other-env"/);
    expect(results.get('ours')?.status).toBe('removed');
    const deleted = c.calls.filter((a) => a[1] === 'delete').flat();
    expect(deleted).not.toContain('kube-x');
    expect(deleted).not.toContain('theirs');
    expect(c.live.has('theirs')).toBe(true);
  });

  it('a namespace with a Helm release goes one by one: uninstalled before it is deleted', async () => {
    const c = cluster({ namespaces: [ns('plain'), ns('charted')], releases: ['charted'] });
    const results = await removeNamespaces(c.kubectl, c.helm, [target('plain'), target('charted')], options);
    expect(results.get('charted')).toMatchObject({ status: 'removed', releases: ['r'] });
    expect(results.get('plain')?.status).toBe('removed');
    const verbs = c.calls.map((a) => `${a[0]} ${a[1]} ${a.includes('charted') ? 'charted' : ''}`.trim());
    expect(verbs.indexOf('helm uninstall charted')).toBeGreaterThanOrEqual(0);
    expect(verbs.indexOf('helm uninstall charted')).toBeLessThan(verbs.indexOf('kubectl delete charted'));
  });

  it('releases unknown (helm and Secrets refused): every namespace one by one, none in a batch', async () => {
    const c = cluster({ namespaces: [ns('a'), ns('b')], helm: 'forbidden' });
    const results = await removeNamespaces(c.kubectl, c.helm, [target('a'), target('b')], options);
    expect(c.calls.filter((a) => a[1] === 'delete').every((a) => a.length === 6)).toBe(true);
    expect(results.get('a')?.status).not.toBe('refused');
  });

  it('control plane unknown (RBAC): one by one, each checks for itself', async () => {
    const c = cluster({ namespaces: [ns('a')] });
    await removeNamespaces(c.kubectl, c.helm, [target('a')], { ...options, controlPlane: null });
    expect(c.calls.some((a) => a.includes('leases.coordination.k8s.io'))).toBe(true);
  });

  it('already gone only when proven: missing from the re-read → looked up by name (NotFound)', async () => {
    const c = cluster({ namespaces: [] });
    const results = await removeNamespaces(c.kubectl, c.helm, [target('gone')], options);
    expect(results.get('gone')?.status).toBe('already-gone');
    expect(c.calls.some((a) => a[1] === 'get' && a[2] === 'namespace' && a[3] === 'gone')).toBe(true);
  });

  it('stuck past the deadline: partial, with what holds it', async () => {
    const c = cluster({ namespaces: [ns('held'), ns('fine')], stuck: ['held'] });
    const results = await removeNamespaces(c.kubectl, c.helm, [target('held'), target('fine')], options);
    expect(results.get('fine')?.status).toBe('removed');
    expect(results.get('held')?.status).toBe('partial');
    expect(results.get('held')?.failures[0]).toMatch(/still Terminating after 5 s/);
  });
});
