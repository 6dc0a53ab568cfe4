/**
 * deploy-namespace's and wait-ready's diagnostics bundles on the real node: a Deployment whose container crash-loops (a
 * stand-in image running a failing command that prints a long log, its run number and a secret; a
 * readiness probe that never passes) never rolls out; the bundle holds the pod's `describe` (the last termination, exit code 3), its current log and
 * the previous run's log (`--previous`), and the namespace's BackOff events; every pod file is within the
 * per-pod bound, all of them within the total, long logs keep their last lines; the secret is masked.
 * wait-ready's `rollout` probe on the same kind of Deployment fails, and its bundle holds the same parts for
 * the probe's namespace (under `kubernetes/<namespace>/`), plus `describe` of the probe's Deployment.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KUBE_DIAGNOSTICS_LIMITS } from '../../actions/shared/src/kube/diagnostics-bundle.js';
import { runJob } from '../harness/job.js';
import {
  dump,
  forceDelete,
  inlineKubeconfig,
  kubectl,
  prEvent,
  REPOSITORY,
  sha,
} from './fixtures/helpers.js';
import { onRealNode } from './fixtures/real-node.js';

const names: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'pod-diagnostics-'));
afterAll(() => {
  forceDelete(names);
  rmSync(work, { recursive: true, force: true });
});

/** A Deployment on the real node (file in the workspace, JSON is YAML) whose container prints `lines` lines of 1 KB, its run number and `token`, then exits 3. */
function crashLoop(token: string, lines: number, namespace?: string): string {
  const filler = 'f'.repeat(1000);
  const script = [
    'n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/n',
    `i=0; while [ $i -lt ${lines} ]; do echo "filler $i ${filler}"; i=$((i+1)); done`,
    'echo "crash run $n: token $TOKEN"',
    'exit 3',
  ].join('\n');
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'crasher', ...(namespace ? { namespace } : {}) },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'crasher' } },
      template: {
        metadata: { labels: { app: 'crasher' } },
        spec: {
          ...onRealNode(),
          containers: [
            {
              name: 'app',
              image: 'busybox:1.35',
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', script],
              env: [{ name: 'TOKEN', value: token }],
              // Never Ready: without a probe a container counts as available between its crashes.
              readinessProbe: { exec: { command: ['false'] }, periodSeconds: 2 },
              resources: { limits: { cpu: '100m', memory: '32Mi' } },
              volumeMounts: [{ name: 'state', mountPath: '/state' }],
            },
          ],
          volumes: [{ name: 'state', emptyDir: {} }],
        },
      },
    },
  };
  writeFileSync(join(work, 'crasher.yaml'), JSON.stringify(deployment));
  return 'crasher.yaml';
}

describe('deploy-namespace diagnostics on the real node', () => {
  it('a crash-looping pod: describe, current and previous logs, events; bounded; the secret masked', async () => {
    const secret = inlineKubeconfig();
    const token = secret.keyData;
    const job = await runJob({
      repository: REPOSITORY,
      workspace: work,
      event: prEvent(470, sha('crash-loop')),
      steps: [
        {
          id: 'deploy',
          uses: 'deploy-namespace',
          with: { manifests: crashLoop(token, 300), kubeconfig: secret.content, timeout: '2m' },
        },
      ],
    });
    const out = job.outputs('deploy');
    if (out.namespace) names.push(out.namespace);
    expect(job.status, dump(job.logText())).toBe('failure');
    const dir = out['diagnostics-path']!;
    const logs = readdirSync(join(dir, 'logs'));
    const current = logs.find((f) => /^crasher-.*\.log$/.test(f) && !f.includes('.previous.'));
    const previous = logs.find((f) => f.endsWith('.app.previous.log'));
    expect(current, `logs/: ${logs.join(', ')}`).toBeTruthy();
    expect(previous, `logs/: ${logs.join(', ')} (the container restarted at least once)`).toBeTruthy();
    const pod = current!.replace(/\.log$/, '');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');

    // Both logs are longer than their share: each keeps its last lines, the crash line included.
    const previousLog = read(`logs/${previous}`);
    expect(previousLog).toMatch(/^\[… \d+ earlier bytes cut: the diagnostics bound; the last \d+ follow\]\n/);
    expect(previousLog).toMatch(/filler \d+ f{1000}\n/);
    expect(previousLog).toMatch(/crash run \d+: token \*\*\*\n?$/);
    const currentLog = read(`logs/${current}`);
    // The current log is the running container's; while it waits in back-off, the kubelet gives the last
    // run's for both (so the same run number); never an older run than the previous log's.
    expect(currentLog).toMatch(/\[pod\/crasher-[^/]+\/app\] filler \d+/);
    const runs = (text: string) => Number(/crash run (\d+)/.exec(text)?.[1] ?? 0);
    expect(runs(previousLog)).toBeGreaterThanOrEqual(1);
    if (runs(currentLog) > 0) expect(runs(currentLog)).toBeGreaterThanOrEqual(runs(previousLog));

    // describe: the last termination and the kubelet's back-off; the namespace's events hold it too.
    const describe = read(`describe/Pod_${pod}.txt`);
    expect(describe).toMatch(/Last State:\s+Terminated/);
    expect(describe).toMatch(/Exit Code:\s+3/);
    expect(describe).toMatch(/Restart Count:\s+[1-9]/);
    expect(read('events.txt')).toMatch(/BackOff/);

    // Bounded per pod and in total.
    const size = (f: string) => (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0);
    const podBytes = [`describe/Pod_${pod}.txt`, `logs/${current}`, `logs/${previous}`].map(size);
    expect(podBytes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(KUBE_DIAGNOSTICS_LIMITS.maxPodBytes);
    const allPods = [
      ...readdirSync(join(dir, 'logs')).map((f) => `logs/${f}`),
      ...readdirSync(join(dir, 'describe'))
        .filter((f) => f.startsWith('Pod_'))
        .map((f) => `describe/${f}`),
    ].map(size);
    expect(allPods.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(KUBE_DIAGNOSTICS_LIMITS.maxPodsTotalBytes);

    // The secret (in the pod's env and its log) is in no file of the bundle, no log and no summary.
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'utf8');
      expect(text.includes(token), `${file.name} holds the secret`).toBe(false);
    }
    for (const text of [job.logText(), job.summary]) expect(text.includes(token)).toBe(false);
    await job.cleanup();
  });

  it("wait-ready: a rollout that never turns ready: its namespace's events, describe and both logs; masked", async () => {
    const secret = inlineKubeconfig();
    const token = secret.keyData;
    const namespace = `wait-diag-${process.pid}`;
    names.push(namespace);
    kubectl('create', 'namespace', namespace);
    kubectl('apply', '--namespace', namespace, '-f', join(work, crashLoop(token, 300, namespace)));
    // The container has crashed at least once (so there is a previous log) before wait-ready starts.
    for (let i = 0; i < 180; i++) {
      const restarts = kubectl(
        'get',
        'pods',
        '--namespace',
        namespace,
        '--selector',
        'app=crasher',
        '--output',
        'jsonpath={.items[*].status.containerStatuses[*].restartCount}',
      );
      if (Number(restarts.trim().split(' ')[0] || 0) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const job = await runJob({
      repository: REPOSITORY,
      workspace: work,
      event: prEvent(471, sha('wait-crash')),
      steps: [
        {
          id: 'wait',
          uses: 'wait-ready',
          with: {
            rollout: 'deployment/crasher',
            namespace,
            kubeconfig: secret.content,
            timeout: '15s',
          },
        },
      ],
    });
    expect(job.status, dump(job.logText())).toBe('failure');
    const root = job.outputs('wait')['diagnostics-path'];
    expect(root, 'wait-ready collected diagnostics').toBeTruthy();
    const dir = join(root!, 'kubernetes', namespace);
    const logs = readdirSync(join(dir, 'logs'));
    const current = logs.find((f) => /^crasher-.*\.log$/.test(f) && !f.includes('.previous.'));
    const previous = logs.find((f) => f.endsWith('.app.previous.log'));
    expect(current, `logs/: ${logs.join(', ')}`).toBeTruthy();
    expect(previous, `logs/: ${logs.join(', ')}`).toBeTruthy();
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    // `kubectl logs --previous` gives the run before the current one, unless the current run has crashed too:
    // the kubelet's container GC keeps one dead container per container, so the one before is gone, and
    // kubectl says so. Either way the bundle asked for it, and the last crash line (masked) is in a log.
    expect(read(`logs/${previous}`)).toMatch(
      /crash run \d+: token \*\*\*\n?$|unable to retrieve container logs/,
    );
    expect(read(`logs/${current}`)).toMatch(/\[pod\/crasher-[^/]+\/app\] filler \d+/);
    expect(`${read(`logs/${previous}`)}\n${read(`logs/${current}`)}`).toMatch(
      /crash run \d+: token \*\*\*\n/,
    );
    const pod = current!.replace(/\.log$/, '');
    expect(read(`describe/Pod_${pod}.txt`)).toMatch(/Last State:\s+Terminated/);
    expect(read(`describe/Pod_${pod}.txt`)).toMatch(/Exit Code:\s+3/);
    expect(read('describe/deployment_crasher.txt')).toMatch(/Name:\s+crasher/);
    expect(read('events.txt')).toMatch(/BackOff/);
    expect(read('get-all.txt')).toMatch(/deployment.apps\/crasher/);

    const files = readdirSync(root!, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const file of files) {
      const text = readFileSync(join(file.parentPath, file.name), 'utf8');
      expect(text.includes(token), `${file.name} holds the secret`).toBe(false);
    }
    for (const text of [job.logText(), job.summary]) expect(text.includes(token)).toBe(false);
    await job.cleanup();
  });
});
