/**
 * deploy-namespace with `isolation: vcluster` creates every Service by a POST, so that vcluster 0.36's
 * proxy gives it the host's ClusterIP at once (loft-sh/vcluster pkg/server/filters/service.go,
 * WithServiceCreateRedirect, verb `create` only). A Service created by a server-side apply (Helm 4's
 * default, `kubectl apply --server-side`) gets a virtual IP, and the syncer deletes and recreates it
 * ("recreating virtual service <ns>/<name>"); that recreation fails, losing the Service in both clusters,
 * when another virtual Service holds the host's IP. The recreation happens for every such Service, the clash
 * only sometimes: the tests assert the first, deterministically. Five Services at once, with Helm 4 (a
 * chart) and with manifests (twice: the second push is idempotent and creates nothing).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceDelete, HELM4, kubectl, prEvent, repoRoot, sha } from './fixtures/helpers.js';
import { vclusterTools } from './fixtures/real-node.js';

const REPOSITORY = 'acme/vcluster-services';
const SERVICES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
const names: string[] = [];
afterAll(() => {
  forceDelete(names);
  for (const ns of names)
    for (const object of kubectl('get', 'clusterroles,clusterrolebindings', '-o', 'name').split('\n'))
      if (object.includes(ns)) kubectl('delete', object, '--ignore-not-found');
});

/** Service name → ClusterIP, from `kubectl get services -o json` (host: keyed by the virtual name). */
function clusterIPs(json: string, byVirtualName: boolean): Record<string, string> {
  const items = JSON.parse(json).items as Array<{
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { clusterIP: string };
  }>;
  const key = (s: (typeof items)[number]) =>
    byVirtualName ? (s.metadata.annotations?.['vcluster.loft.sh/object-name'] ?? '') : s.metadata.name;
  return Object.fromEntries(items.map((s) => [key(s), s.spec.clusterIP]));
}

/** One push of `pr`; returns the virtual and host ClusterIPs seen between main and post, and the log. */
async function push(pr: number, head: string, workload: Record<string, string>) {
  let virtual: Record<string, string> = {};
  let host: Record<string, string> = {};
  const vc = vclusterTools();
  const job = await runJob({
    repository: REPOSITORY,
    workspace: repoRoot,
    event: prEvent(pr, head),
    steps: [
      {
        id: 'deploy',
        uses: 'deploy-namespace',
        with: {
          isolation: 'vcluster',
          vcluster: vc.cli,
          'vcluster-chart': vc.chart,
          'vcluster-values': vc.values,
          timeout: '6m',
          cleanup: 'never',
          ...workload,
        },
      },
    ],
    onLine: (_step, phase, line) => {
      if (phase !== 'main' || !/^Report: /.test(line)) return;
      const [runnerTemp, rest] = line.replace(/^Report: /, '').split('/ephemeral/');
      const ns = rest?.split('/')[0] ?? '';
      const dir = readdirSync(runnerTemp!).find((d) => d.startsWith('ephemeral-kube-'));
      const config = join(runnerTemp!, dir ?? 'none', 'config');
      virtual = clusterIPs(kubectl('--kubeconfig', config, 'get', 'services', '-n', ns, '-o', 'json'), false);
      host = clusterIPs(kubectl('get', 'services', '-n', ns, '-o', 'json'), true);
    },
  });
  const ns = job.outputs('deploy').namespace ?? '';
  if (ns && !names.includes(ns)) names.push(ns);
  expect(job.status, dump(job.logText())).toBe('success');
  const syncer = kubectl('logs', '-n', ns, '-l', 'app=vcluster', '--all-containers', '--tail=-1');
  return { job, ns, virtual, host, syncer };
}

/** Every app Service exists in the virtual cluster with the host's ClusterIP; none was recreated. */
function expectCreatedWithHostIPs(r: Awaited<ReturnType<typeof push>>) {
  for (const name of SERVICES) {
    expect(r.syncer, `the syncer recreated ${r.ns}/${name}:\n${r.syncer.slice(-4000)}`).not.toMatch(
      new RegExp(`recreating virtual service:? ${r.ns}/${name}\\b`),
    );
    expect(r.virtual[name], `virtual Service ${name} (virtual: ${JSON.stringify(r.virtual)})`).toMatch(/^\d/);
    expect(r.virtual[name], `host IP of ${name} (host: ${JSON.stringify(r.host)})`).toBe(r.host[name]);
  }
}

describe('deploy-namespace isolation: vcluster creates Services by a POST', () => {
  it('Helm 4: five Services, each with the host ClusterIP, none recreated by the syncer', async () => {
    const r = await push(470, sha('vcluster-services-helm4'), {
      chart: 'test/k8s/fixtures/services-chart',
      helm: HELM4,
    });
    expectCreatedWithHostIPs(r);
    expect(r.job.logText()).toMatch(/Helm 4\./);
    expect(r.job.logText()).toContain('--server-side=false');
  });

  it('manifests, pushed twice: the first creates the five Services by a POST, the second none', async () => {
    const manifests = { manifests: 'test/k8s/fixtures/services-manifests' };
    const first = await push(471, sha('vcluster-services-1'), manifests);
    expectCreatedWithHostIPs(first);
    for (const name of SERVICES) expect(first.job.logText()).toContain(`created service/${name}`);
    const second = await push(471, sha('vcluster-services-2'), manifests);
    expect(second.job.logText()).not.toContain('created service/');
    expect(second.job.logText()).toContain('applied service/alpha');
    expectCreatedWithHostIPs(second);
    expect(second.virtual).toEqual(first.virtual);
  });
});
