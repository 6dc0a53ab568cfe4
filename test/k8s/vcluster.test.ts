/**
 * vcluster 0.36.1 on the real node, through the helpers part of the test kit (fixtures/real-node.ts):
 * create in a host namespace, connect through the Service's ClusterIP, run a Deployment inside it (a
 * real pod on the real node, reachable from the host), logs and exec through the virtual API, a CRD
 * that exists only inside the vcluster, and delete (the host namespace goes too).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createVcluster, deleteVcluster, realNode, type Vcluster } from './fixtures/real-node.js';

const NAMESPACE = `vc-test-${process.pid}`;
let vc: Vcluster | undefined;

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}
const virtual = (args: string[], input?: string) => kubectl(['--kubeconfig', vc!.kubeconfig, ...args], input);

afterAll(async () => {
  if (vc) await deleteVcluster(vc).catch(() => undefined);
  else kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

describe('vcluster on the real node', () => {
  it('creates a vcluster in a host namespace and connects through its ClusterIP', async () => {
    vc = await createVcluster('vc', NAMESPACE);
    expect(vc.server).toMatch(/^https:\/\/10\.0\.0\.\d+:443$/);
    const version = JSON.parse(virtual(['version', '-o', 'json'])).serverVersion.gitVersion;
    expect(version).toBe('v1.36.3');
    // The control plane runs as a Deployment (no persistence), so its pod is found by the chart's labels.
    const pods = JSON.parse(
      kubectl(['get', 'pods', '-n', NAMESPACE, '-l', 'app=vcluster,release=vc', '-o', 'json']),
    ).items;
    expect(pods).toHaveLength(1);
    expect(pods[0].spec.nodeName).toBe(realNode().name);
  });

  it('runs a Deployment through the vcluster as a real pod; logs, exec and HTTP reach it', async () => {
    virtual(['create', 'namespace', 'web']);
    virtual(
      ['apply', '-n', 'web', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'httpd' },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: 'httpd' } },
              template: {
                metadata: { labels: { app: 'httpd' } },
                spec: {
                  terminationGracePeriodSeconds: 1,
                  containers: [
                    {
                      name: 'httpd',
                      image: 'busybox:1.35',
                      imagePullPolicy: 'Never',
                      command: [
                        'sh',
                        '-c',
                        'echo in-vcluster > /tmp/index.html && echo serving && exec httpd -f -p 8080 -h /tmp',
                      ],
                      readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: 1 },
                    },
                  ],
                },
              },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'httpd' },
            spec: { selector: { app: 'httpd' }, ports: [{ port: 80, targetPort: 8080 }] },
          },
        ],
      }),
    );
    virtual(['rollout', 'status', 'deployment/httpd', '-n', 'web', '--timeout=180s']);
    // The pod inside the vcluster is a real pod in the host namespace, on the real node.
    const hostPods = JSON.parse(
      kubectl(['get', 'pods', '-n', NAMESPACE, '-l', 'app=httpd', '-o', 'json']),
    ).items;
    expect(hostPods).toHaveLength(1);
    expect(hostPods[0].spec.nodeName).toBe(realNode().name);
    const pod = virtual([
      'get',
      'pods',
      '-n',
      'web',
      '-l',
      'app=httpd',
      '-o',
      'jsonpath={.items[0].metadata.name}',
    ]);
    expect(virtual(['logs', '-n', 'web', pod])).toContain('serving');
    expect(
      virtual(['exec', '-n', 'web', pod, '--', 'wget', '-qO-', 'http://127.0.0.1:8080/index.html']).trim(),
    ).toBe('in-vcluster');
    // The virtual Service's ClusterIP is the synced host Service's: the host reaches it through kube-proxy.
    const ip = virtual(['get', 'service', 'httpd', '-n', 'web', '-o', 'jsonpath={.spec.clusterIP}']).trim();
    let body = '';
    for (let end = Date.now() + 60_000; body !== 'in-vcluster' && Date.now() < end; ) {
      body = await fetch(`http://${ip}/index.html`, { signal: AbortSignal.timeout(3000) })
        .then((r) => r.text())
        .then((t) => t.trim())
        .catch(() => '');
      if (body !== 'in-vcluster') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(body).toBe('in-vcluster');
  });

  it('a CRD installed inside the vcluster does not exist on the host', () => {
    const group = `pr${process.pid}.ephemeral.test`;
    virtual(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          ],
        },
      }),
    );
    expect(virtual(['get', 'crd', `widgets.${group}`, '-o', 'name']).trim()).toBe(
      `customresourcedefinition.apiextensions.k8s.io/widgets.${group}`,
    );
    expect(kubectl(['get', 'crd', '-o', 'name'])).not.toContain(`widgets.${group}`);
  });

  it('delete removes the vcluster and its host namespace', async () => {
    await deleteVcluster(vc!);
    vc = undefined;
    expect(kubectl(['get', 'namespace', NAMESPACE, '--ignore-not-found', '-o', 'name']).trim()).toBe('');
  });
});
