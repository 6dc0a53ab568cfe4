/**
 * Detection latency of wait-ready's rollout probe (issue 12, target ≤ 50 ms: event-backed through its
 * watch). Part of `npm run bench`'s latency measure (`benchRolloutLatency`, on the test cluster
 * scripts/bench.sh brings up: kwok marks the pods ready), and standalone:
 *
 *   eval "$(EPHEMERAL_K8S_REAL_NODE=0 bash scripts/k8s/setup.sh NAME)"
 *   EPHEMERAL_TEST_NODE=<node 24> npx tsx bench/rollout-latency.ts [runs] [actions root]
 *
 * Each trial: a fresh namespace; wait-ready runs under the runner harness with `rollout: deployment/web`;
 * after its first attempt line the bench applies a two-replica Deployment at a random moment 1–3 s later.
 * The readiness instant comes from a second, independent watch in the bench process, straight to the API
 * server over HTTPS on loopback (the kubeconfig's credentials, no kubectl in between): the arrival of the
 * first event whose object `judgeRollout` calls rolled out, i.e. the moment the API server sent the status
 * change, give or take the loopback and this process's event loop. Latency = the arrival of wait-ready's
 * `✔ deployment/web` line at the harness − that arrival, both `performance.now()` in this process. It
 * includes everything on wait-ready's side: the API server → its kubectl's watch, kubectl's printing,
 * the action's parse and judgement, its log line and the pipe to the harness. The conditions'
 * `lastTransitionTime` is not used: whole seconds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import { judgeRollout, type WorkloadObject } from '../actions/shared/src/kube/readiness.js';
import { runJob } from '../test/harness/job.js';
import type { LatencyBenchOptions, LatencySeries, LatencyTrial } from './latency-bench.js';
import { median } from './stats.js';

/** The target for an event-backed probe's detection latency, ms (issue 12). */
export const ROLLOUT_EVENT_TARGET_MS = 50;

/** When the bench applies the Deployment, after wait-ready's first attempt line (ms). */
export const APPLY_WINDOW_MS = { from: 1000, to: 3000 } as const;

/** One event the independent watch received: when (ms, this process's clock) and the object. */
export interface SeenEvent {
  atMs: number;
  object: WorkloadObject;
}

/**
 * The trial's latency (pure): the ready line's arrival minus the arrival of the first event whose object is
 * rolled out; null when no event is rolled out or there is no ready line. Negative when wait-ready's line
 * arrived before the bench's own watch delivered the same event (both race from the API server).
 */
export function rolloutDetection(events: readonly SeenEvent[], readyLineAtMs: number | null): number | null {
  const ready = events.find((e) => judgeRollout(e.object).ready);
  if (!ready || readyLineAtMs === null) return null;
  return readyLineAtMs - ready.atMs;
}

const DEPLOYMENT = (name: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'nginx:1.27' }] },
      },
    },
  });

/** The current context's API server and credentials, from KUBECONFIG (file paths or `*-data`). */
function apiServer(): { url: URL; tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } } {
  const config = parse(readFileSync(process.env.KUBECONFIG ?? '', 'utf8'));
  const context = config.contexts?.find(
    (c: { name: string }) => c.name === config['current-context'],
  )?.context;
  const cluster = config.clusters?.find((c: { name: string }) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u: { name: string }) => u.name === context?.user)?.user ?? {};
  if (!cluster?.server) throw new Error('rollout latency: no server in KUBECONFIG');
  const read = (obj: Record<string, string>, key: string) =>
    obj[`${key}-data`]
      ? Buffer.from(obj[`${key}-data`]!, 'base64')
      : obj[key]
        ? readFileSync(obj[key]!)
        : undefined;
  return {
    url: new URL(cluster.server),
    tls: {
      ca: read(cluster, 'certificate-authority'),
      cert: read(user, 'client-certificate'),
      key: read(user, 'client-key'),
    },
  };
}

/**
 * The bench's own watch of one Deployment, straight from the API server (HTTPS on loopback, no kubectl in
 * between): every event with its arrival time. Resolves once the watch request is answered.
 */
async function watchDeployment(
  namespace: string,
  name: string,
): Promise<{ events: SeenEvent[]; stop: () => void }> {
  const { url, tls } = apiServer();
  const events: SeenEvent[] = [];
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments?watch=1&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
  const req = request({ host: url.hostname, port: url.port, path, ...tls });
  const answered = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`rollout latency: watch answered ${res.statusCode}`));
      // stop() destroys the request: the errors that follow are the end, not a failure
      res.on('error', () => {});
      const lines = createInterface({ input: res });
      lines.on('error', () => {});
      lines.on('line', (line) => {
        const atMs = performance.now();
        try {
          const event = JSON.parse(line) as { type?: string; object?: WorkloadObject };
          if (event.object && event.type !== 'DELETED') events.push({ atMs, object: event.object });
        } catch {
          // not an event: ignored (the trial then finds no ready event and fails)
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  req.end();
  await answered;
  return { events, stop: () => req.destroy() };
}

function kubectl(args: string[], input?: string): void {
  execFileSync('kubectl', args, { stdio: ['pipe', 'ignore', 'pipe'], timeout: 60_000, input });
}

/** One trial in namespace `ns`. */
async function trial(options: LatencyBenchOptions, ns: string, series: LatencySeries): Promise<LatencyTrial> {
  const name = 'web';
  kubectl(['create', 'namespace', ns]);
  const watcher = await watchDeployment(ns, name);
  let firstAttemptAt: number | null = null;
  let applyAt: number | null = null;
  let readyLineAt: number | null = null;
  let applyTimer: NodeJS.Timeout | undefined;
  try {
    const job = await runJob({
      node: options.node,
      actionsRoot: options.actionsRoot,
      steps: [{ id: 'ready', uses: 'wait-ready', with: { ...series.inputs, namespace: ns } }],
      onLine: (_step, _phase, line) => {
        if (readyLineAt === null && line.startsWith(`✔ deployment/${name}:`)) readyLineAt = performance.now();
        if (firstAttemptAt !== null || !line.startsWith(`… deployment/${name} attempt 1`)) return;
        firstAttemptAt = performance.now();
        const delay = APPLY_WINDOW_MS.from + Math.random() * (APPLY_WINDOW_MS.to - APPLY_WINDOW_MS.from);
        applyTimer = setTimeout(() => {
          applyAt = performance.now();
          const apply = spawn('kubectl', ['apply', '--namespace', ns, '-f', '-'], { stdio: 'pipe' });
          apply.stdin.end(DEPLOYMENT(name));
        }, delay);
      },
    });
    try {
      const latency = rolloutDetection(watcher.events, readyLineAt);
      if (job.status !== 'success' || latency === null || applyAt === null || firstAttemptAt === null)
        throw new Error(`wait-ready (rollout) failed or saw nothing:\n${job.logText().slice(-3000)}`);
      const probes = JSON.parse(job.outputs('ready').probes ?? '{}');
      return {
        latencyMs: latency,
        flipAfterMs: (applyAt as number) - (firstAttemptAt as number),
        requests: Number(probes[`deployment/${name}`]?.attempts ?? Number.NaN),
        straddleGapMs: Number.NaN,
        timeToReadyMs: Number(job.outputs('ready')['time-to-ready-ms']),
      };
    } finally {
      await job.cleanup();
    }
  } finally {
    clearTimeout(applyTimer);
    watcher.stop();
    kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
  }
}

/**
 * The rollout series for `npm run bench` (needs the test cluster: KUBECONFIG, kubectl on PATH).
 * `requests` = wait-ready's attempts; `flipAfterMs` = the apply, after the first attempt.
 * @throws Error when a wait-ready run fails or no event showed the rollout done
 */
export async function benchRolloutLatency(options: LatencyBenchOptions): Promise<LatencySeries> {
  const series: LatencySeries = {
    label: `Kubernetes rollout, wait-ready's rollout probe (watch-backed; interval 1s, kwok)`,
    timing: { intervalMs: 1000, backoff: 1, maxIntervalMs: 1000 },
    eventTargetMs: ROLLOUT_EVENT_TARGET_MS,
    inputs: { rollout: `deployment/web`, timeout: '60s', interval: '1s', backoff: '1' },
    trials: [],
  };
  const base = `bench-rollout-${process.pid}`;
  for (let i = 1; i <= options.runs; i++) {
    const t = await trial(options, `${base}-${i}`, series);
    series.trials.push(t);
    options.log(
      `latency ${i}/${options.runs}  rollout  ${Math.round(t.latencyMs)} ms after the rolled-out event (applied +${Math.round(t.flipAfterMs)} ms, ${t.requests} attempts)`,
    );
  }
  return series;
}

async function main(): Promise<void> {
  const [runsArg = '5', root = process.cwd()] = process.argv.slice(2);
  const node = process.env.EPHEMERAL_TEST_NODE;
  if (!node || !process.env.KUBECONFIG)
    throw new Error(
      'usage: EPHEMERAL_TEST_NODE=<node 24> KUBECONFIG=… tsx bench/rollout-latency.ts [runs] [root]',
    );
  console.log(`start ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(1)}`);
  const options = { runs: Number(runsArg), intervalMs: 1000, node, actionsRoot: root, log: console.log };
  const latencies = (await benchRolloutLatency(options)).trials.map((t) => t.latencyMs);
  console.log(
    `rollout detection latency median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (n=${latencies.length}), target ≤ ${ROLLOUT_EVENT_TARGET_MS} ms; load ${loadavg()[0]!.toFixed(1)} at the end`,
  );
}

if (process.argv[1]?.endsWith('rollout-latency.ts')) await main();
