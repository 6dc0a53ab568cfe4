/**
 * `npm run bench`: measures, on this machine,
 *
 * 1. provision-compose + its post step (under the runner harness) against the raw `docker compose up -d
 *    --wait` + `down -v`, interleaved, on examples/compose-app and on a small PostgreSQL + Redis stack
 *    with healthchecks (bench/stacks.ts), with the ratio of the medians against the target ≤ 1.00;
 * 2. wait-ready's detection latency against a local HTTP server that flips from 503 to 200, with a fixed
 *    interval (target: interval + 50 ms) and, separately, with the default backoff; a TCP port; Compose
 *    health (event-backed, ≤ 50 ms); a Deployment's rollout on the kwok test cluster (watch-backed, ≤ 50 ms,
 *    bench/rollout-latency.ts);
 * 3. deploy-namespace + its post step (under the runner harness) against raw `kubectl create namespace` +
 *    `helm upgrade --install --wait` + `kubectl delete namespace --wait` on test/k8s/fixtures/chart, on the
 *    kwok test cluster that scripts/bench.sh brings up (KUBECONFIG, EPHEMERAL_HELM3), interleaved, with
 *    the ratio of the medians against the target ≤ 1.2, plus the cluster's warm set-up time (measured by
 *    scripts/bench.sh) and its cold build time (recorded in the tools cache, not measured);
 * 4. the fingerprint's cost (issue 11; bench/fingerprint-bench.ts): provision-compose + post on
 *    examples/compose-app with and without its fingerprint phase and drift check (from each run's report),
 *    the ratio of the medians, target ≤ 150 ms added; the phase in process; the test chart's fingerprint;
 * 5. each action's start-up under Node 24 (process start → first line of work) and bundle size.
 * 6. the cost of building on every push: provision-compose redeploys with `build: auto` against
 *    `build: missing` on examples/compose-app, interleaved, and the raw `docker compose build` (bench/rebuild-bench.ts).
 * 7. the example app on the real node (`k8s-app`, bench/k8s-app-bench.ts): deploy-namespace, wait-ready +
 *    verify-seed, teardown against the same steps by hand with kubectl/helm, interleaved; vcluster create-to-ready.
 *
 * Prints a table and overwrites docs/benchmarks.md. Exits 0 whatever the verdicts (a benchmark, not a
 * test); 1 when something failed (a stack, a job, the clean-up).
 *
 * Usage: tsx bench/run.ts [--runs N] [--latency-runs M] [--interval 1s] [--warmup 1] [--startup-runs N] [--startup-baseline DIR]
 *                         [--raw-ports ephemeral|fixed] [--only WHAT[,WHAT…]] [--out docs/benchmarks.md]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseDuration } from '../actions/shared/src/runtime/duration.js';
import { repoRoot } from '../test/harness/env.js';
import { snapshotActions } from './actions-snapshot.js';
import { benchCompose, type RawPorts } from './compose-bench.js';
import { benchComposeLatency } from './compose-latency.js';
import { foreignRunningContainers, removeProject } from './docker.js';
import {
  benchFingerprint,
  type FingerprintFigures,
  renderFingerprintMarkdown,
  renderFingerprintText,
} from './fingerprint-bench.js';
import { benchK8sApp, type K8sAppFigures, renderK8sAppBench, renderK8sAppText } from './k8s-app-bench.js';
import { benchK8s, k8sSetup } from './k8s-bench.js';
import { type K8sFigures, k8sFigures } from './k8s-report.js';
import { benchLatency } from './latency-bench.js';
import { machineInfo } from './machine.js';
import { benchRebuild, type RebuildFigures, renderRebuildBench } from './rebuild-bench.js';
import { type BenchReport, composeFigures, latencyFigures, renderMarkdown, renderText } from './report.js';
import { benchRolloutLatency } from './rollout-latency.js';
import { STACKS } from './stacks.js';
import { benchStartup } from './startup-bench.js';
import { benchSweep, renderSweepBench, type SweepBenchFigures } from './sweep-bench.js';
import { benchTcpLatency } from './tcp-latency.js';

/** What `--only` selects: each stack of measure 1 (or `compose` for both), and the other measures. */
const MEASURES = [
  'compose-app',
  'pg-redis',
  'latency',
  'startup',
  'k8s',
  'sweep',
  'rebuild',
  'fingerprint',
  'k8s-app',
] as const;
type Measure = (typeof MEASURES)[number];

const USAGE = `Usage: npm run bench -- [options]

  --runs N                 runs per side for provision-compose vs raw Compose, per stack (default 7)
  --warmup N               warm-up pairs before them, not counted (default 1)
  --raw-ports MODE         ephemeral (default): the raw side makes the example's fixed host ports
                           ephemeral, as provision-compose does; fixed: the example file alone
  --no-trace               skip the extra, untimed provision-compose run that logs every docker call
  --latency-runs M         trials per wait-ready latency series (default 10)
  --interval D             wait-ready interval, e.g. 1s, 500ms (default 1s)
  --startup-runs N         runs per entry point for the start-up measure (default 15)
  --startup-baseline DIR   another build's dist/ folder, run beside each entry point (e.g. from
                           git archive REF dist | tar -x -C /tmp/base, then /tmp/base/dist)
  --only WHAT[,WHAT…]      run only these measures: compose-app, pg-redis (or compose for both stacks),
                           latency, startup, k8s, sweep, rebuild, fingerprint, k8s-app (default: all;
                           k8s, sweep and k8s-app need the cluster scripts/bench.sh brings up (k8s-app
                           with its real node): KUBECONFIG, EPHEMERAL_HELM3; latency's rollout row
                           needs KUBECONFIG;
                           fingerprint runs Helm 3 from EPHEMERAL_HELM3 for its lock-rendered row)
  --out FILE               the Markdown report (default docs/benchmarks.md)
  -h, --help               this text`;

/** Parsed command line. */
interface Options {
  runs: number;
  warmupRuns: number;
  rawPorts: RawPorts;
  latencyRuns: number;
  startupRuns: number;
  /** Another build's dist/ folder measured beside this one in the start-up measure, or null. */
  startupBaseline: string | null;
  intervalMs: number;
  /** The measures to run (all when `--only` is absent). */
  only: Set<Measure>;
  trace: boolean;
  out: string;
}

function positiveInt(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > 1000)
    throw new Error(`--${name}: expected an integer ${min}…1000, got "${raw}"`);
  return n;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '1' },
      'raw-ports': { type: 'string', default: 'ephemeral' },
      'latency-runs': { type: 'string', default: '10' },
      'startup-runs': { type: 'string', default: '15' },
      'startup-baseline': { type: 'string' },
      interval: { type: 'string', default: '1s' },
      only: { type: 'string' },
      out: { type: 'string', default: 'docs/benchmarks.md' },
      'no-trace': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const rawPorts = values['raw-ports'];
  if (rawPorts !== 'ephemeral' && rawPorts !== 'fixed')
    throw new Error(`--raw-ports: ephemeral or fixed, got "${rawPorts}"`);
  const only = new Set<Measure>();
  for (const name of (values.only ?? MEASURES.join(',')).split(',').map((n) => n.trim())) {
    if (name === 'compose') for (const stack of STACKS) only.add(stack.id);
    else if ((MEASURES as readonly string[]).includes(name)) only.add(name as Measure);
    else throw new Error(`--only: ${MEASURES.join(', ')} or compose (comma-separated), got "${name}"`);
  }
  const intervalMs = parseDuration('--interval', values.interval);
  if (intervalMs < 50 || intervalMs > 10_000)
    throw new Error(`--interval: 50ms…10s, got "${values.interval}"`);
  return {
    runs: positiveInt('runs', values.runs, 1),
    warmupRuns: positiveInt('warmup', values.warmup, 0),
    rawPorts,
    latencyRuns: positiveInt('latency-runs', values['latency-runs'], 1),
    startupRuns: positiveInt('startup-runs', values['startup-runs'], 1),
    startupBaseline: values['startup-baseline'] ? resolve(values['startup-baseline']) : null,
    intervalMs,
    only,
    trace: !values['no-trace'],
    out: isAbsolute(values.out) ? values.out : join(repoRoot, values.out),
  };
}

/** `HEAD a1b2c3d, dist/ as committed` (or `… dist/ modified`) for the report. */
function gitState(): string {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return null;
    }
  };
  const head = git(['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'dist']);
  return `HEAD ${head}, dist/ ${dirty === null ? 'unknown' : dirty === '' ? 'as committed' : 'modified'}`;
}

/** Prefixes of every Compose project this bench creates (to tell other users' containers apart). */
const OWN_PREFIXES = ['bench-raw-', 'bench-pr-', 'bench-prebuild-', 'bench-fp-'];

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let options: Options | null;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const node = process.env.EPHEMERAL_TEST_NODE || process.execPath;
  const started = performance.now();
  const log = (line: string) => console.log(`[bench] ${line}`);

  // Every temp dir of this run (the harness's jobs included, through TMPDIR) lives in one scratch dir,
  // removed on exit — also on Ctrl-C, when no finally runs.
  const scratch = mkdtempSync(join(tmpdir(), 'ephemeral-bench-'));
  process.env.TMPDIR = scratch;
  process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));

  // Projects and namespaces being created right now: removed on Ctrl-C / SIGTERM too.
  const active = new Set<string>();
  const activeNamespaces = new Set<string>();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(
        `\n[bench] ${signal}: removing ${[...active, ...activeNamespaces].join(', ') || 'nothing'}`,
      );
      for (const project of active) removeProject(project);
      for (const ns of activeNamespaces) {
        try {
          execFileSync('kubectl', ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], {
            stdio: 'ignore',
            timeout: 30_000,
          });
        } catch {
          // best effort (scripts/bench.sh deletes the whole cluster at exit anyway)
        }
      }
      process.exit(130);
    });
  }

  // The k8s measure needs the cluster scripts/bench.sh brings up; without it, it is skipped (or, with
  // --only k8s, an error).
  const wants = (m: Measure) => options.only.has(m);
  const all = options.only.size === MEASURES.length;
  const helm3 = process.env.EPHEMERAL_HELM3 ?? '';
  const haveCluster = Boolean(process.env.KUBECONFIG && helm3);
  if (!all && (wants('k8s') || wants('sweep') || wants('k8s-app')) && !haveCluster) {
    console.error(
      '[bench] --only k8s/sweep: no test cluster (KUBECONFIG and EPHEMERAL_HELM3 unset); run it through npm run bench, which brings one up',
    );
    return 1;
  }
  const runK8s = wants('k8s') && haveCluster;
  if (all && !haveCluster)
    log(
      'note: no test cluster (KUBECONFIG, EPHEMERAL_HELM3 unset): the k8s and sweep measures are skipped; npm run bench brings one up',
    );

  const machine = machineInfo(node);
  const otherAtStart = foreignRunningContainers(OWN_PREFIXES).length;
  const loadAtStart = loadavg()[0] ?? 0;
  log(
    `machine: ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, docker ${machine.dockerEngine}, compose ${machine.compose}, actions on Node ${machine.actionsNode}`,
  );
  if (otherAtStart > 0)
    log(`note: ${otherAtStart} running container(s) of other projects share this engine (noise)`);

  // The bundles are copied once, so a concurrent `npm run bundle` cannot change them mid-run.
  const snapshot = await snapshotActions([
    'provision-compose',
    'wait-ready',
    'deploy-namespace',
    'verify-seed',
    'teardown',
  ]);
  log(`actions: snapshot ${snapshot.digest} of dist/ (${gitState()})`);
  const compose: BenchReport['compose'] = [];
  let startup: BenchReport['startup'] = null;
  let latency: BenchReport['latency'] = null;
  let k8s: K8sFigures | null = null;
  let sweep: SweepBenchFigures | null = null;
  let rebuild: RebuildFigures | null = null;
  let fingerprint: FingerprintFigures | null = null;
  let k8sApp: K8sAppFigures | null = null;
  // The Kubernetes measures' options (kwok and the real node).
  const k8sOptions = {
    runs: options.runs,
    warmupRuns: options.warmupRuns,
    node,
    actionsRoot: snapshot.root,
    helm: helm3,
    log,
  };
  try {
    if (wants('startup')) {
      log(`start-up: every entry point, ${options.startupRuns} runs each after a warm-up`);
      startup = await benchStartup({
        runs: options.startupRuns,
        node,
        distRoot: join(snapshot.root, 'dist'),
        baselineRoot: options.startupBaseline,
        log,
      });
    }
    for (const stack of STACKS.filter((s) => wants(s.id))) {
      const result = await benchCompose(
        {
          stack,
          runs: options.runs,
          warmupRuns: options.warmupRuns,
          rawPorts: options.rawPorts,
          trace: options.trace,
          node,
          actionsRoot: snapshot.root,
          log,
        },
        active,
      );
      if (result.leftBehind !== 'nothing') throw new Error(`left behind: ${result.leftBehind}`);
      compose.push(composeFigures(result, options));
    }
    if (wants('latency')) {
      const latencyOptions = {
        runs: options.latencyRuns,
        intervalMs: options.intervalMs,
        node,
        actionsRoot: snapshot.root,
        log,
      };
      latency = latencyFigures([
        ...(await benchLatency(latencyOptions)),
        await benchTcpLatency(latencyOptions),
        await benchComposeLatency(latencyOptions, STACKS.find((s) => s.id === 'pg-redis')!),
        // the rollout row needs the test cluster (scripts/bench.sh brings one up for the latency measure)
        ...(process.env.KUBECONFIG ? [await benchRolloutLatency(latencyOptions)] : []),
      ]);
      if (!process.env.KUBECONFIG) log('note: no test cluster (KUBECONFIG unset): no rollout latency row');
    }
    if (runK8s) {
      const cluster = process.env.EPHEMERAL_K8S_CLUSTER ?? 'unknown';
      log(`k8s: deploy-namespace vs raw kubectl + helm on cluster ${cluster} with ${helm3}`);
      const result = await benchK8s(k8sOptions, activeNamespaces);
      if (result.leftBehind !== 'nothing') throw new Error(`left behind: ${result.leftBehind}`);
      k8s = k8sFigures(result, {
        runs: options.runs,
        warmupRuns: options.warmupRuns,
        helm: helm3,
        cluster,
        setup: k8sSetup(),
      });
    }
    if (wants('rebuild')) {
      log(
        `rebuild: build on every push (build: auto) vs reuse (build: missing), ${options.runs} redeploys each`,
      );
      rebuild = await benchRebuild({ runs: options.runs, node, actionsRoot: snapshot.root, log }, active);
    }
    if (wants('sweep') && haveCluster) {
      log('sweep: teardown mode sweep over 1000 namespaces + 100 Compose environments, 50 open PRs');
      sweep = await benchSweep({ namespaces: 1000, compose: 100, open: 50 });
    }
    if (wants('fingerprint')) {
      fingerprint = await benchFingerprint(
        {
          runs: options.runs,
          warmupRuns: options.warmupRuns,
          helm: helm3,
          node,
          actionsRoot: snapshot.root,
          log,
        },
        active,
      );
    }
    if (wants('k8s-app') && haveCluster) {
      log('k8s-app: the example app on the real node, actions vs by hand; vcluster create-to-ready');
      k8sApp = await benchK8sApp(k8sOptions, activeNamespaces);
    }
  } finally {
    snapshot.remove();
  }

  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine,
    actions: `bundle snapshot ${snapshot.digest} (${gitState()})`,
    otherContainers: { start: otherAtStart, end: foreignRunningContainers(OWN_PREFIXES).length },
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    compose,
    startup,
    latency,
    k8s,
    intervalMs: options.intervalMs,
    latencyRuns: options.latencyRuns,
    durationMs: performance.now() - started,
  };
  console.log(`\n${renderText(report)}`);
  const sweepSection = sweep ? `\n${renderSweepBench(sweep)}` : '';
  if (sweep) console.log(sweepSection);
  const rebuildSection = rebuild ? `\n${renderRebuildBench(rebuild)}` : '';
  if (rebuild) console.log(rebuildSection);
  if (fingerprint) console.log(renderFingerprintText(fingerprint).join('\n'));
  if (k8sApp) console.log(renderK8sAppText(k8sApp));
  const k8sAppSection = k8sApp ? `\n${renderK8sAppBench(k8sApp)}` : '';
  const fingerprintSection = fingerprint ? `\n${renderFingerprintMarkdown(fingerprint).join('\n')}\n` : '';
  writeFileSync(
    options.out,
    renderMarkdown(report) + sweepSection + rebuildSection + fingerprintSection + k8sAppSection,
  );
  console.log(`\nwritten to ${options.out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
