/**
 * Measure `k8s-app` (issue 13): the example app (examples/compose-app: API + PostgreSQL + Redis, the chart
 * examples/k8s-app/chart) on the test cluster's real node, through the actions against the
 * same steps done by hand, interleaved (by hand, actions, by hand, …); and the vcluster create-to-ready time.
 *
 * - actions: three jobs under the runner harness, as a workflow runs them: deploy-namespace (chart, values,
 *   `set: commit={{sha}}`, `cleanup: never`), then wait-ready (`url` /health with `expect-commit` through the
 *   API Service's ClusterIP, `rollout` of the three Deployments) + verify-seed (the six checks of
 *   test/k8s/example-app.test.ts: two SQL counts, the fixture version in PostgreSQL and Redis, a Redis set,
 *   the API's order count), then teardown (`mode: namespace`). Wall time of the three jobs plus the
 *   ClusterIP look-up between them.
 * - by hand: `kubectl create namespace`, `helm upgrade --install`, `kubectl rollout status` of the
 *   three, one GET of /health (the commit in the body), the same checks by `kubectl exec` (psql, redis-cli)
 *   and one GET of /api/orders/count, `kubectl delete namespace --wait`.
 * - vcluster: `vcluster create` to the virtual API answering /readyz (test/k8s/fixtures/real-node.ts
 *   createVcluster), then `vcluster delete` + the host namespace deleted (timed apart).
 *
 * Needs the cluster with a real node (scripts/bench.sh brings it up for this measure). Every namespace has
 * a unique name and is deleted in a `finally` when something failed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';
import { exampleCheckSteps, prepareExampleChart } from '../test/k8s/fixtures/example-app.js';
import { createVcluster, deleteVcluster } from '../test/k8s/fixtures/real-node.js';
import { timed } from './docker.js';
import type { K8sBenchOptions } from './k8s-bench.js';
import { markdownTable, median, seconds, textTable } from './stats.js';

const REPOSITORY = 'acme/benchkapp';
const DEPLOYMENTS = ['api', 'db', 'cache'];

/** Options of the measure: those of the kwok measure (runs, warm-up, node, actions, Helm 3, log). */
export type K8sAppBenchOptions = K8sBenchOptions;

/** Medians (ms) of the two sides, their ratio, the vcluster times, and the runs behind them. */
export interface K8sAppFigures {
  runs: number;
  byHandMs: number[];
  actionsMs: number[];
  vclusterReadyMs: number[];
  vclusterDeleteMs: number[];
}

async function must(argv: string[], timeoutMs = 600_000) {
  const r = await timed(argv, { timeoutMs, cwd: repoRoot });
  if (r.exitCode !== 0)
    throw new Error(`${argv.slice(0, 4).join(' ')} … exited ${r.exitCode}: ${r.stderr.trim().slice(-1500)}`);
  return r.stdout;
}

const clusterIp = async (ns: string, svc: string) =>
  (await must(['kubectl', 'get', 'service', svc, '-n', ns, '-o', 'jsonpath={.spec.clusterIP}'])).trim();

async function get(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/** The chart with the example's migrations and fixtures, the values (image, real node), VERSION. */
async function prepare(): Promise<{ work: string; chart: string; values: string }> {
  const work = mkdtempSync(join(tmpdir(), 'bench-kapp-'));
  return { work, ...(await prepareExampleChart(work)) };
}

/** The by-hand side of one run; returns its wall time (ms). */
async function byHand(
  ns: string,
  head: string,
  p: { chart: string; values: string; work: string },
  helm: string,
) {
  const start = performance.now();
  await must(['kubectl', 'create', 'namespace', ns]);
  await must([
    helm,
    'upgrade',
    '--install',
    'app',
    p.chart,
    '-n',
    ns,
    '-f',
    p.values,
    '--set',
    `commit=${head}`,
  ]);
  for (const d of DEPLOYMENTS)
    await must(['kubectl', 'rollout', 'status', `deployment/${d}`, '-n', ns, '--timeout=5m']);
  const api = await clusterIp(ns, 'api');
  if (!(await get(`http://${api}:8080/health`)).includes(head)) throw new Error('/health: not the commit');
  const version = readFileSync(join(p.work, 'VERSION'), 'utf8').trim();
  const psql = (q: string) =>
    must(['kubectl', 'exec', '-n', ns, 'deployment/db', '--', 'psql', '-U', 'app', '-d', 'app', '-tAc', q]);
  const redis = (...a: string[]) =>
    must(['kubectl', 'exec', '-n', ns, 'deployment/cache', '--', 'redis-cli', ...a]);
  const found = [
    (await psql('SELECT count(*) FROM users')).trim() === '3',
    (await psql('SELECT count(*) FROM orders')).trim() === '5',
    (await psql("SELECT value FROM fixture_meta WHERE key = 'fixture_version'")).trim() === version,
    (await redis('SMEMBERS', 'catalog:skus')).trim().split('\n').sort().join(',') ===
      'BOOK-001,BOOK-002,MUG-001,PEN-010',
    (await redis('GET', 'fixture:version')).trim() === version,
    JSON.parse(await get(`http://${api}:8080/api/orders/count`)).count === 5,
  ];
  if (found.includes(false)) throw new Error(`by hand: checks ${JSON.stringify(found)}`);
  await must(['kubectl', 'delete', 'namespace', ns, '--wait=true', '--timeout=3m']);
  return performance.now() - start;
}

/** The actions' side of one run; returns its wall time (ms). Deletes the namespace when a job failed. */
async function withActions(
  pr: number,
  head: string,
  p: { chart: string; values: string; work: string },
  o: K8sAppBenchOptions,
) {
  const common = {
    repository: REPOSITORY,
    sha: head,
    workspace: p.work,
    node: o.node,
    actionsRoot: o.actionsRoot,
  };
  const jobs = [];
  let ns = '';
  let ok = false;
  const start = performance.now();
  try {
    const deploy = await runJob({
      ...common,
      event: pullRequestEvent(pr, head, { headRef: 'bench', repository: REPOSITORY }),
      steps: [
        {
          id: 'deploy',
          uses: 'deploy-namespace',
          with: {
            chart: p.chart,
            helm: o.helm,
            values: p.values,
            set: 'commit={{sha}}',
            timeout: '10m',
            cleanup: 'never',
          },
        },
      ],
    });
    jobs.push(deploy);
    ns = deploy.outputs('deploy').namespace ?? '';
    if (deploy.status !== 'success') throw new Error(`deploy-namespace: ${deploy.logText().slice(-3000)}`);
    const [api, db, cache] = await Promise.all(['api', 'db', 'cache'].map((s) => clusterIp(ns, s)));
    const checks = await runJob({
      ...common,
      env: { EPHEMERAL_NAMESPACE: ns },
      event: pullRequestEvent(pr, head, { headRef: 'bench', repository: REPOSITORY }),
      steps: exampleCheckSteps(head, { api: api!, db: db!, cache: cache! }),
    });
    jobs.push(checks);
    if (checks.status !== 'success')
      throw new Error(`wait-ready + verify-seed: ${checks.logText().slice(-3000)}`);
    const down = await runJob({
      ...common,
      event: pullRequestEvent(pr, head, {
        headRef: 'bench',
        repository: REPOSITORY,
        action: 'closed',
        state: 'closed',
      }),
      steps: [
        { id: 'down', uses: 'teardown', with: { mode: 'namespace', namespace: ns, 'down-timeout': '3m' } },
      ],
    });
    jobs.push(down);
    if (down.outputs('down').status !== 'removed')
      throw new Error(`teardown: ${down.logText().slice(-3000)}`);
    ok = true;
    return performance.now() - start;
  } finally {
    for (const job of jobs) await job.cleanup();
    if (!ok && ns)
      await timed(['kubectl', 'delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], {
        timeoutMs: 60_000,
      });
  }
}

/** Runs the measure. Removes every namespace it created, also when it fails. */
export async function benchK8sApp(o: K8sAppBenchOptions, active: Set<string>): Promise<K8sAppFigures> {
  const id = randomBytes(3).toString('hex');
  const prBase = 200_000 + Math.floor(Math.random() * 700_000) * 10;
  const p = await prepare();
  const figures: K8sAppFigures = {
    runs: o.runs,
    byHandMs: [],
    actionsMs: [],
    vclusterReadyMs: [],
    vclusterDeleteMs: [],
  };
  const gone = (ns: string) =>
    timed(['kubectl', 'delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], {
      timeoutMs: 60_000,
    });
  for (let i = 1 - o.warmupRuns; i <= o.runs; i++) {
    const head = randomBytes(20).toString('hex');
    const ns = `bench-kapp-${id}-${i + o.warmupRuns}`;
    active.add(ns);
    const hand = await byHand(ns, head, p, o.helm).finally(() => gone(ns));
    active.delete(ns);
    const action = await withActions(prBase + i + o.warmupRuns, head, p, o);
    o.log(
      `k8s-app ${i < 1 ? 'warm-up' : `run ${i}/${o.runs}`}: by hand ${seconds(hand)}, actions ${seconds(action)}`,
    );
    if (i < 1) continue;
    figures.byHandMs.push(hand);
    figures.actionsMs.push(action);
  }
  for (let i = 1; i <= o.runs; i++) {
    const ns = `bench-vc-${id}-${i}`;
    active.add(ns);
    const start = performance.now();
    const vc = await createVcluster(`vc${i}`, ns);
    const ready = performance.now() - start;
    const t = performance.now();
    await deleteVcluster(vc);
    const deleted = performance.now() - t;
    active.delete(ns);
    o.log(`vcluster run ${i}/${o.runs}: create to ready ${seconds(ready)}, delete ${seconds(deleted)}`);
    figures.vclusterReadyMs.push(ready);
    figures.vclusterDeleteMs.push(deleted);
  }
  return figures;
}

function rows(f: K8sAppFigures): string[][] {
  const hand = median(f.byHandMs);
  const actions = median(f.actionsMs);
  return [
    ['what', 'median', 'runs', 'min … max'],
    [
      'by hand (kubectl + helm + exec)',
      seconds(hand),
      String(f.byHandMs.length),
      `${seconds(Math.min(...f.byHandMs))} … ${seconds(Math.max(...f.byHandMs))}`,
    ],
    [
      'actions (deploy-namespace, wait-ready + verify-seed, teardown)',
      seconds(actions),
      String(f.actionsMs.length),
      `${seconds(Math.min(...f.actionsMs))} … ${seconds(Math.max(...f.actionsMs))}`,
    ],
    ['ratio actions / by hand', (actions / hand).toFixed(3), '', ''],
    [
      'vcluster create → /readyz',
      seconds(median(f.vclusterReadyMs)),
      String(f.vclusterReadyMs.length),
      `${seconds(Math.min(...f.vclusterReadyMs))} … ${seconds(Math.max(...f.vclusterReadyMs))}`,
    ],
    [
      'vcluster delete + host namespace',
      seconds(median(f.vclusterDeleteMs)),
      String(f.vclusterDeleteMs.length),
      '',
    ],
  ];
}

/** The plain-text table. */
export function renderK8sAppText(f: K8sAppFigures): string {
  return `The example app on the real node, interleaved:\n${textTable(rows(f))}`;
}

/** The Markdown section. */
export function renderK8sAppBench(f: K8sAppFigures): string {
  return `## The example app on the real node (issue 13)\n\nThe example API + PostgreSQL + Redis chart on the test cluster's real node: the actions (deploy-namespace; wait-ready + verify-seed; teardown: three jobs) against the same steps by hand (kubectl, helm, kubectl exec of psql and redis-cli), interleaved; then vcluster create-to-ready (bench/k8s-app-bench.ts).\n\n${markdownTable(rows(f))}\n`;
}
