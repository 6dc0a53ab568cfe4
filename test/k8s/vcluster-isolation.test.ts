/**
 * deploy-namespace with `isolation: vcluster` on the test cluster's real node, through the runner harness
 * and the bundled dist: the labelled PR namespace on the host holds a vcluster (its control plane a real
 * pod on the real node), the test chart is deployed inside the virtual cluster (its Deployment, Service and
 * ConfigMap exist there, not as plain objects in the host namespace, where only the synced copies are), the
 * report and summary name the isolation and the vcluster; wait-ready and verify-seed's seed command reach
 * the virtual cluster with no kubeconfig wiring (EPHEMERAL_VCLUSTER_KUBECONFIG), and the post step removes everything: the host
 * namespace, the vcluster's cluster-scoped RBAC, and the virtual cluster's kubeconfig file. Two PRs then
 * install conflicting versions of the same CRD side by side (one cluster cannot hold both), and the
 * closed-PR teardown removes each vcluster with its namespace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import {
  dump,
  forceDelete,
  getNamespace,
  HELM3,
  kubectl,
  prEvent,
  REPOSITORY,
  repoRoot,
  sha,
} from './fixtures/helpers.js';
import { realNode, vclusterTools } from './fixtures/real-node.js';

const names: string[] = [];
/** A loopback HTTP server for verify-seed's one check (the test chart serves nothing). */
const probe = createServer((_, res) => res.end('ok'));
let probeUrl = '';
beforeAll(async () => {
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
});
afterAll(() => {
  probe.close();
  forceDelete(names);
  // A failed run may leave the vcluster's cluster-scoped RBAC (named after the host namespace).
  for (const ns of names)
    for (const object of clusterScoped(ns)) kubectl('delete', object, '--ignore-not-found');
});

const PR = 460;
const L = (key: string) => `ephemeral.dev/${key}`;

/** Cluster-scoped objects the vcluster chart created for host namespace `ns` (its RBAC). */
function clusterScoped(ns: string): string[] {
  return kubectl('get', 'clusterroles,clusterrolebindings', '-o', 'name')
    .split('\n')
    .filter((line) => line.includes(ns));
}

interface Seen {
  ns: string;
  labels: Record<string, string>;
  hostObjects: string[];
  hostPods: Array<{ name: string; node: string; ready: boolean }>;
  hostReleases: string[];
  clusterScoped: string[];
  kubeconfig: string;
  kubeconfigMode: number;
  /** The kubeconfig's client-key-data (to prove it is never printed). */
  clientKey: string;
  virtualObjects: string[];
  virtualReady: number;
  virtualReleases: string[];
}

/** What the host and the virtual cluster hold between main and post (main's last line is the report path). */
function snapshot(line: string): Seen {
  const [runnerTemp, rest] = line.replace(/^Report: /, '').split('/ephemeral/');
  const ns = rest?.split('/')[0] ?? '';
  const kubeconfigs = readdirSync(runnerTemp!).filter((d) => d.startsWith('ephemeral-kube-'));
  expect(kubeconfigs, 'one kubeconfig file in RUNNER_TEMP: the virtual cluster’s').toHaveLength(1);
  const kubeconfig = join(runnerTemp!, kubeconfigs[0]!, 'config');
  const virtual = (...args: string[]) => kubectl('--kubeconfig', kubeconfig, ...args);
  const pods = JSON.parse(kubectl('get', 'pods', '-n', ns, '-o', 'json')).items as Array<{
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { conditions?: Array<{ type: string; status: string }> };
  }>;
  const helmList = (args: string[]) =>
    (
      JSON.parse(execFileSync(HELM3, ['list', '--output', 'json', ...args], { encoding: 'utf8' })) as Array<{
        name: string;
        status: string;
      }>
    ).map((r) => `${r.name}:${r.status}`);
  return {
    ns,
    labels: getNamespace(ns)?.metadata.labels ?? {},
    hostObjects: kubectl(
      'get',
      'deployments,services,configmaps,resourcequotas,limitranges',
      '-n',
      ns,
      '-o',
      'name',
    )
      .split('\n')
      .filter(Boolean),
    hostPods: pods.map((p) => ({
      name: p.metadata.name,
      node: p.spec.nodeName ?? '',
      ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    })),
    hostReleases: helmList(['--namespace', ns]),
    clusterScoped: clusterScoped(ns),
    kubeconfig,
    kubeconfigMode: statSync(kubeconfig).mode & 0o777,
    clientKey: /client-key-data: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '',
    virtualObjects: virtual('get', 'deployments,services,configmaps', '-n', ns, '-o', 'name')
      .split('\n')
      .filter(Boolean),
    virtualReady: Number(
      virtual('get', 'deployment', 'preview-web', '-n', ns, '-o', 'jsonpath={.status.readyReplicas}') || 0,
    ),
    virtualReleases: helmList(['--kubeconfig', kubeconfig, '--namespace', ns]),
  };
}

/** The inputs that start a vcluster on the test cluster's real node (its local chart and values). */
function vclusterInputs(): Record<string, string> {
  const vc = vclusterTools();
  return {
    isolation: 'vcluster',
    vcluster: vc.cli,
    'vcluster-chart': vc.chart,
    'vcluster-values': vc.values,
    timeout: '6m',
  };
}

/** One push of PR 460: deploy-namespace with `isolation: vcluster`, the clusters seen between main and post. */
async function push(head: string, cleanup: 'never' | 'always') {
  let seen: Seen | null = null;
  const job = await runJob({
    repository: REPOSITORY,
    workspace: repoRoot,
    event: prEvent(PR, head),
    steps: [
      {
        id: 'deploy',
        uses: 'deploy-namespace',
        with: {
          ...vclusterInputs(),
          chart: 'test/k8s/fixtures/chart',
          helm: HELM3,
          values: 'test/k8s/fixtures/values-vcluster.yaml',
          'set-public': 'replicas=2',
          cleanup,
        },
      },
      // No kubeconfig wiring: both reach the virtual cluster through EPHEMERAL_VCLUSTER_KUBECONFIG. On the
      // host neither the Deployment nor the ConfigMap exists (only synced, renamed copies), so both would fail.
      { id: 'ready', uses: 'wait-ready', with: { rollout: 'deployment/preview-web', timeout: '3m' } },
      {
        id: 'verify',
        uses: 'verify-seed',
        with: (ctx) => ({
          'seed-command': `kubectl get configmap preview-config --namespace ${ctx.steps.deploy?.outputs.namespace} --output name`,
          checks: `connections: { probe: { kind: http, url: "${probeUrl}" } }
checks: [{ name: the runner answers, kind: http, connection: probe, path: /, expect: { status: 200 } }]`,
        }),
      },
    ],
    onLine: (_step, phase, line) => {
      if (phase === 'main' && /^Report: /.test(line) && !seen) seen = snapshot(line);
    },
  });
  const out = job.outputs('deploy');
  if (out.namespace) names.push(out.namespace);
  expect(job.status, dump(job.logText())).toBe('success');
  expect(seen, 'the clusters seen between main and post').toBeTruthy();
  const live = seen as unknown as Seen;
  expect(live.ns).toBe(out.namespace);
  const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
  const post = job.steps.find((s) => s.phase === 'post')!;
  expect(post.outcome, dump(job.logText())).toBe('success');
  // wait-ready read the rollout and verify-seed's seed command read the ConfigMap inside the virtual cluster.
  expect(job.outputs('ready').ready).toBe('true');
  expect(job.logText()).toContain('seed │ configmap/preview-config');
  expect(job.outputs('verify').passed).toBe('1');
  // Whatever the cleanup policy, post removes the virtual cluster's kubeconfig file.
  expect(out['kubeconfig-path']).toBe(live.kubeconfig);
  expect(existsSync(live.kubeconfig)).toBe(false);
  return { job, out, live, report, post, ns: out.namespace! };
}

describe('deploy-namespace isolation: vcluster', () => {
  it('first push: a vcluster in the labelled PR namespace, the test chart inside it (cleanup: never keeps both)', async () => {
    const head = sha('vcluster-isolation-1');
    const { job, out, live, report, ns } = await push(head, 'never');

    // The host namespace: labelled as in namespace mode, guarded, holding the vcluster and nothing of the chart.
    expect(live.labels).toMatchObject({
      [L('managed-by')]: 'ephemeral',
      [L('pr')]: String(PR),
      [L('head-sha')]: head,
    });
    expect(Number(live.labels[L('expires-at')]) - Number(live.labels[L('last-deployed-at')])).toBe(72 * 3600);
    expect(live.hostObjects).toEqual(
      expect.arrayContaining([
        'deployment.apps/vcluster',
        'service/vcluster',
        'resourcequota/ephemeral-quota',
        'limitrange/ephemeral-limits',
      ]),
    );
    for (const plain of ['deployment.apps/preview-web', 'service/preview-web', 'configmap/preview-config'])
      expect(live.hostObjects, `${plain} is not a plain host object`).not.toContain(plain);
    expect(live.hostReleases).toEqual(['vcluster:deployed']);
    // The chart's pods are the synced copies (name-x-namespace-x-vcluster), real pods on the real node.
    const synced = live.hostPods.filter((p) => p.name.startsWith('preview-web-'));
    expect(synced).toHaveLength(2);
    for (const pod of synced) {
      expect(pod.name).toMatch(new RegExp(`-x-${ns}-x-vcluster$`));
      expect(pod.node).toBe(realNode().name);
      expect(pod.ready).toBe(true);
    }
    const controlPlane = live.hostPods.filter((p) => /^vcluster-/.test(p.name));
    expect(controlPlane.map((p) => p.node)).toEqual([realNode().name]);
    expect(live.clusterScoped.length, 'the vcluster chart creates cluster-scoped RBAC').toBeGreaterThan(0);

    // The virtual cluster: the release, the Deployment (2/2 ready), its Service and ConfigMap.
    expect(live.virtualReleases).toEqual(['preview:deployed']);
    expect(live.virtualObjects).toEqual(
      expect.arrayContaining([
        'deployment.apps/preview-web',
        'service/preview-web',
        'configmap/preview-config',
      ]),
    );
    expect(live.virtualReady).toBe(2);
    expect(live.kubeconfigMode).toBe(0o600);

    // Outputs, report and summary.
    expect(JSON.parse(out.workloads!)).toEqual({ 'Deployment/preview-web': { ready: 2, desired: 2 } });
    expect(report).toMatchObject({
      action: 'deploy-namespace',
      result: 'success',
      namespace: ns,
      mode: 'helm',
      isolationMode: 'vcluster',
      vcluster: { name: 'vcluster', server: expect.stringMatching(/^https:\/\/10\.0\.0\.\d+:443$/) },
      release: { name: 'preview', revision: 1, status: 'deployed' },
    });
    expect(job.summary).toContain(`vcluster \`vcluster\` in host namespace \`${ns}\``);
    // The virtual cluster's client key never reaches the log, the summary or the report.
    expect(live.clientKey.length).toBeGreaterThan(100);
    for (const text of [job.logText(), job.summary, JSON.stringify(report)])
      expect(text.includes(live.clientKey)).toBe(false);

    // cleanup: never leaves the environment for the closed-PR teardown (or the next push).
    expect(getNamespace(ns)).not.toBeNull();
    await job.cleanup();
  });

  it('second push: the vcluster is upgraded in place, the release gets revision 2; post removes everything', async () => {
    const head = sha('vcluster-isolation-2');
    const { job, live, report, post, ns } = await push(head, 'always');
    expect(live.hostReleases).toEqual(['vcluster:deployed']);
    expect(live.virtualReleases).toEqual(['preview:deployed']);
    expect(live.virtualReady).toBe(2);
    expect(live.labels[L('head-sha')]).toBe(head);
    expect(report).toMatchObject({
      isolationMode: 'vcluster',
      release: { name: 'preview', revision: 2, status: 'deployed' },
    });
    expect(live.clusterScoped.length, 'the vcluster chart creates cluster-scoped RBAC').toBeGreaterThan(0);

    // Post: the vcluster release uninstalled, the host namespace gone, its cluster-scoped RBAC gone.
    expect(post.stdout).toMatch(/helm uninstall vcluster /);
    expect(post.stdout).toMatch(new RegExp(`Namespace ${ns} deleted`));
    expect(getNamespace(ns)).toBeNull();
    expect(clusterScoped(ns)).toEqual([]);
    await job.cleanup();
  });

  it('two PRs install conflicting versions of the same CRD side by side; the closed-PR teardown removes each vcluster', async () => {
    const vc = vclusterTools();
    const CRD = 'widgets.conflict.ephemeral.test';
    const deployCrd = async (pr: number, version: string) => {
      const job = await runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event: prEvent(pr, sha(`vcluster-crd-${pr}`)),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: { ...vclusterInputs(), manifests: `test/k8s/fixtures/crd-${version}`, cleanup: 'never' },
          },
        ],
      });
      const ns = job.outputs('deploy').namespace!;
      names.push(ns);
      expect(job.status, dump(job.logText())).toBe('success');
      expect(job.logText()).toContain(`applied customresourcedefinition.apiextensions.k8s.io/${CRD}`);
      await job.cleanup();
      return ns;
    };
    const first = await deployCrd(471, 'v1');
    const second = await deployCrd(472, 'v2');
    // Each virtual cluster holds its own version; the host holds neither.
    const dir = mkdtempSync(join(tmpdir(), 'vc-crd-'));
    try {
      for (const [ns, version] of [
        [first, 'v1'],
        [second, 'v2'],
      ] as const) {
        const ip = kubectl('get', 'service', 'vcluster', '-n', ns, '-o', 'jsonpath={.spec.clusterIP}').trim();
        const config = execFileSync(
          vc.cli,
          [
            'connect',
            'vcluster',
            '--namespace',
            ns,
            '--print',
            '--server',
            `https://${ip}:443`,
            '--config',
            vc.config,
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const file = join(dir, ns);
        writeFileSync(file, config, { mode: 0o600 });
        const versions = kubectl(
          '--kubeconfig',
          file,
          'get',
          'crd',
          CRD,
          '-o',
          'jsonpath={.spec.versions[*].name}',
        );
        expect(versions.trim(), `the CRD in ${ns}'s virtual cluster`).toBe(version);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(kubectl('get', 'crd', '-o', 'name')).not.toContain(CRD);

    // The closed-PR teardown (host kubeconfig, labels only) removes each vcluster and its namespace.
    for (const [pr, ns] of [
      [471, first],
      [472, second],
    ] as const) {
      const down = await runJob({
        repository: REPOSITORY,
        event: prEvent(pr, sha(`vcluster-crd-${pr}`), 'closed', 'closed'),
        steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', 'down-timeout': '3m' } }],
      });
      expect(down.status, dump(down.logText())).toBe('success');
      expect(down.outputs('down')).toMatchObject({ status: 'removed', namespace: ns });
      expect(down.logText()).toMatch(/helm uninstall vcluster /);
      expect(getNamespace(ns)).toBeNull();
      expect(clusterScoped(ns)).toEqual([]);
      await down.cleanup();
    }
  });
});
