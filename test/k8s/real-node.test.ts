/**
 * The test cluster's real node (scripts/k8s/node.sh): pods really run there, next to the kwok node.
 * A Deployment with an HTTP readiness probe becomes Ready only when the probe passes; its ClusterIP
 * Service answers HTTP from the host (kube-proxy); logs, exec and port-forward reach the container
 * (kubelet); CoreDNS resolves the Service name inside a pod; pods without the toleration stay on the
 * kwok node; and the host-state check that `down` runs sees everything the node changed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onRealNode, type RealNode, realNode } from './fixtures/real-node.js';

const NS = `real-node-${process.pid}`;
let node: RealNode;

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Polls `check` every 250 ms until it returns a value, up to `ms`; then fails with `what`. */
async function eventually<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined) {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`${what} within ${ms / 1000} s${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** An httpd Deployment answering its pod name on :8080 (GET /), and a Service `name` on port 80. */
function web(name: string, readinessPath = '/index.html') {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...onRealNode(node),
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'httpd',
              image: 'busybox:1.35',
              imagePullPolicy: 'Never',
              command: [
                'sh',
                '-c',
                'mkdir -p /www && hostname > /www/index.html && echo "web started as $(hostname)" && exec httpd -f -v -p 8080 -h /www',
              ],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: readinessPath, port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  kubectl(
    ['apply', '-n', NS, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment, service] }),
  );
}

function podOf(app: string): { name: string; node: string; ip: string; ready: string } {
  const pod = JSON.parse(kubectl(['get', 'pods', '-n', NS, '-l', `app=${app}`, '-o', 'json'])).items[0];
  return {
    name: pod?.metadata.name ?? '',
    node: pod?.spec.nodeName ?? '',
    ip: pod?.status.podIP ?? '',
    ready: pod?.status.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status ?? '',
  };
}

async function httpGet(url: string): Promise<string | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return response.ok ? (await response.text()).trim() : undefined;
}

beforeAll(() => {
  node = realNode();
  kubectl(['create', 'namespace', NS]);
  web('web');
});
afterAll(() => {
  kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
});

describe('real node', () => {
  it('a Deployment with an HTTP readiness probe becomes Ready on the real node', () => {
    kubectl(['rollout', 'status', 'deployment/web', '-n', NS, '--timeout=180s']);
    const pod = podOf('web');
    expect(pod.node).toBe(node.name);
    expect(pod.ready).toBe('True');
    expect(pod.ip).toMatch(/^10\.244\.0\.\d+$/);
  });

  it('a failing readiness probe keeps the pod unready (the kubelet really probes)', async () => {
    web('unready', '/missing');
    const reason = await eventually('no failed readiness probe was reported', 120_000, () => {
      const events = kubectl([
        'get',
        'events',
        '-n',
        NS,
        '--field-selector',
        'reason=Unhealthy',
        '-o',
        'json',
      ]);
      const probe = JSON.parse(events).items.find(
        (e: { message: string; involvedObject: { name: string } }) =>
          e.involvedObject.name.startsWith('unready-'),
      );
      return probe?.message as string | undefined;
    });
    expect(reason).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 404/);
    const pod = podOf('unready');
    expect(pod.node).toBe(node.name);
    expect(pod.ready).toBe('False');
  });

  it('the ClusterIP Service answers HTTP from the host (kube-proxy)', async () => {
    const ip = kubectl(['get', 'service', 'web', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
    const body = await eventually(`http://${ip}/ did not answer`, 60_000, () => httpGet(`http://${ip}/`));
    expect(body).toBe(podOf('web').name);
  });

  it('logs, exec and port-forward reach the container', async () => {
    const pod = podOf('web').name;
    expect(kubectl(['logs', '-n', NS, pod])).toContain(`web started as ${pod}`);
    expect(kubectl(['exec', '-n', NS, pod, '--', 'cat', '/www/index.html']).trim()).toBe(pod);
    let forward: ChildProcess | undefined;
    try {
      forward = spawn('kubectl', ['port-forward', '-n', NS, 'service/web', ':80'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      forward.stdout?.on('data', (chunk) => {
        out += chunk;
      });
      const port = await eventually('kubectl port-forward printed no local port', 30_000, () =>
        out.match(/Forwarding from 127\.0\.0\.1:(\d+)/)?.at(1),
      );
      expect(await httpGet(`http://127.0.0.1:${port}/`)).toBe(pod);
    } finally {
      forward?.kill();
    }
  });

  it('CoreDNS resolves the Service name inside a pod, and the name answers HTTP', async () => {
    const pod = podOf('web').name;
    const ip = kubectl(['get', 'service', 'web', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
    const lookup = kubectl(['exec', '-n', NS, pod, '--', 'nslookup', `web.${NS}.svc.cluster.local`]);
    expect(lookup).toContain(ip);
    // Through the pod's own search path (web -> web.<ns>.svc.cluster.local) and its own Service (hairpin).
    const body = await eventually('http://web/ did not answer from inside the pod', 60_000, () =>
      kubectl(['exec', '-n', NS, pod, '--', 'timeout', '5', 'wget', '-qO-', 'http://web/']).trim(),
    );
    expect(body).toBe(pod);
  });

  it('pods without the toleration stay on the kwok node', () => {
    kubectl(
      ['apply', '-n', NS, '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'fake' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'fake' } },
          template: {
            metadata: { labels: { app: 'fake' } },
            spec: { containers: [{ name: 'app', image: 'registry.example.test/never-pulled:1' }] },
          },
        },
      }),
    );
    kubectl(['rollout', 'status', 'deployment/fake', '-n', NS, '--timeout=60s']);
    const nodes = kubectl([
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      'app=fake',
      '-o',
      'jsonpath={.items[*].spec.nodeName}',
    ]);
    const kwokNodes = kubectl([
      'get',
      'nodes',
      '-l',
      'type=kwok',
      '-o',
      'jsonpath={.items[*].metadata.name}',
    ]).split(' ');
    for (const name of nodes.split(' ')) expect(kwokNodes).toContain(name);
  });

  it('the host-state check sees what the running node changed (down compares against it)', () => {
    const script = process.env.EPHEMERAL_K8S_HOST_STATE ?? '';
    const baseline = process.env.EPHEMERAL_K8S_REAL_NODE_BASELINE ?? '';
    expect(script, 'EPHEMERAL_K8S_HOST_STATE').not.toBe('');
    let diff = '';
    try {
      execFileSync('bash', [script, 'diff', baseline], { encoding: 'utf8' });
    } catch (error) {
      diff = String((error as { stdout?: string }).stdout);
    }
    expect(diff).toMatch(/now only: +link ephk8s0 bridge/);
    expect(diff).toMatch(/now only: +iptables nat chain KUBE-SERVICES/);
    expect(diff).toMatch(/now only: +iptables raw chain EPHK8S-EGRESS/);
    // The kubelet's kernel settings (setupKernelTunables), where the host had other values.
    const before = readFileSync(baseline, 'utf8');
    for (const setting of ['kernel.panic=10', 'kernel.panic_on_oops=1', 'vm.overcommit_memory=1']) {
      if (!before.includes(`sysctl ${setting}\n`)) expect(diff).toContain(`now only:    sysctl ${setting}`);
    }
    expect(diff).toMatch(/now only: +process kubelet/);
  });
});
