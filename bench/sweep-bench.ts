/**
 * The orphan sweep at scale: teardown `mode: sweep` (bundled dist, under the runner harness) over 1,000
 * labelled namespaces on the kwok test cluster plus 100 Compose environments on the Docker engine, with 50
 * open pull requests on the fake GitHub. Namespaces: PR 1–50 open (kept), 51–1000 closed (removed); Compose:
 * PR 1–50 open (kept), 51–100 closed (removed). Measures a dry-run (discover + decide only) and the real
 * sweep: wall time per phase (from the report's timings) and GitHub API calls against the target
 * pages-of-open-PRs + one per deletion candidate.
 *
 * Usage (needs the cluster `npm run bench` / scripts/k8s/setup.sh brings up: KUBECONFIG):
 *   tsx bench/sweep-bench.ts [--namespaces 1000] [--compose 100] [--open 50]
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { LABELS, labelValue, MANAGED_BY } from '../actions/shared/src/environment/labels.js';
import { repoRoot } from '../test/harness/env.js';
import { startFakeGitHub } from '../test/harness/github/fake-github.js';
import { runJob } from '../test/harness/job.js';

export interface SweepBenchFigures {
  namespaces: number;
  compose: number;
  open: number;
  candidates: number;
  targetCalls: number;
  runs: Array<{
    label: string;
    wallMs: number;
    timings: Record<string, number>;
    decisionRequests: number;
    requests: number;
    removed: number;
    status: string;
  }>;
  /**
   * The floor side by side: the same closed PRs' namespaces re-created, then raw `kubectl delete namespace
   * … --wait=false` (250 names a call) and a label-selected poll until the control plane has removed them.
   */
  raw?: { namespaces: number; deleteMs: number; goneMs: number };
  /** The same with the 250-name calls all at once (kubectl sends ≤ 5 requests/s per process). */
  rawParallel?: { namespaces: number; deleteMs: number; goneMs: number };
}

const execFileAsync = promisify(execFile);

function sh(argv: string[], input?: string): string {
  return execFileSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(input ? { input } : {}),
  });
}

/** Runs the measure; prints and returns the figures. */
export async function benchSweep(options: {
  namespaces: number;
  compose: number;
  open: number;
}): Promise<SweepBenchFigures> {
  const fake = await startFakeGitHub();
  const repo = `acme/bench-sweep-${process.pid}`;
  const prefix = `bsw${process.pid}`;
  const now = Math.floor(Date.now() / 1000);
  const sha = (n: number) => n.toString(16).padStart(40, 'a');
  const labels = (env: string, pr: number) => ({
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: env,
    [LABELS.repository]: labelValue(repo),
    [LABELS.pr]: String(pr),
    [LABELS.headSha]: sha(pr),
    [LABELS.lastDeployedAt]: String(now - 600),
    [LABELS.expiresAt]: String(now + 86_400),
  });
  const total = Math.max(options.namespaces, options.compose);
  for (let pr = 1; pr <= total; pr += 1) {
    if (pr <= options.open) fake.pull(repo, pr, { headSha: sha(pr) });
    else fake.pull(repo, pr, { state: 'closed', headSha: sha(pr) });
  }
  const t0 = performance.now();
  const items = Array.from({ length: options.namespaces }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `${prefix}-ns-${i + 1}`, labels: labels(`${prefix}-ns-${i + 1}`, i + 1) },
  }));
  sh(
    ['kubectl', 'apply', '--server-side', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  const composeNames: string[] = [];
  for (let i = 1; i <= options.compose; i += 1) {
    const name = `${prefix}-c-${i}`;
    composeNames.push(name);
    // Compose's project label, as on everything Compose creates: teardown and the sweep list an environment
    // by it. No networks: the shared engine's address pools are few.
    const flags = Object.entries({ ...labels(name, i), 'com.docker.compose.project': name }).flatMap(
      ([k, v]) => ['--label', `${k}=${v}`],
    );
    sh(['docker', 'volume', 'create', ...flags, `${name}_data`]);
    sh(['docker', 'container', 'create', '--name', `${name}-web-1`, ...flags, 'busybox:1.35', 'true']);
  }
  console.log(
    `[bench] sweep: set up ${options.namespaces} namespaces + ${options.compose} Compose environments in ${Math.round(performance.now() - t0)} ms`,
  );
  const candidates = new Set<number>();
  for (let pr = options.open + 1; pr <= options.namespaces; pr += 1) candidates.add(pr);
  for (let pr = options.open + 1; pr <= options.compose; pr += 1) candidates.add(pr);
  const figures: SweepBenchFigures = {
    ...options,
    candidates: candidates.size,
    targetCalls: Math.ceil(options.open / 100) + candidates.size,
    runs: [],
  };
  try {
    for (const [label, extra] of [
      ['dry-run', { 'dry-run': 'true' }],
      ['sweep', { 'max-deletions': String(options.namespaces + options.compose), 'sweep-concurrency': '8' }],
    ] as const) {
      const started = performance.now();
      const job = await runJob({
        repository: repo,
        github: fake,
        workspace: repoRoot,
        event: { name: 'schedule', payload: { schedule: '17 3 * * *' } },
        stepTimeoutMs: 60 * 60 * 1000,
        steps: [
          {
            id: 'sweep',
            uses: 'teardown',
            with: {
              mode: 'sweep',
              'sweep-targets': 'all',
              comment: 'never',
              'github-deployment': 'never',
              'down-timeout': '10m',
              ...extra,
            },
          },
        ],
      });
      const wallMs = Math.round(performance.now() - started);
      const report = JSON.parse(readFileSync(job.outputs('sweep')['report-path']!, 'utf8'));
      const run = {
        label,
        wallMs,
        timings: report.timings as Record<string, number>,
        decisionRequests: report.sweep.api.decisionRequests as number,
        requests: report.sweep.api.requests as number,
        removed: (report.sweep.environments as Array<{ result: string }>).filter(
          (e) => e.result === 'removed',
        ).length,
        status: report.sweep.status as string,
      };
      figures.runs.push(run);
      console.log(`[bench] sweep ${label}: ${JSON.stringify(run)}`);
      await job.cleanup();
    }
    const selector = `${LABELS.repository}=${labelValue(repo)}`;
    const closed = items.slice(options.open);
    if (closed.length > 0) {
      figures.raw = await rawNamespaceDelete(closed, selector, false);
      console.log(`[bench] sweep raw kubectl: ${JSON.stringify(figures.raw)}`);
      figures.rawParallel = await rawNamespaceDelete(closed, selector, true);
      console.log(`[bench] sweep raw kubectl, calls at once: ${JSON.stringify(figures.rawParallel)}`);
    }
  } finally {
    for (const name of composeNames) {
      execFileSync('docker', ['rm', '-f', `${name}-web-1`], { stdio: 'ignore' });
      try {
        execFileSync('docker', ['volume', 'rm', `${name}_data`], { stdio: 'ignore' });
      } catch {
        // swept
      }
    }
    execFileSync(
      'kubectl',
      ['delete', 'namespaces', '--selector', `${LABELS.repository}=${labelValue(repo)}`, '--wait=false'],
      { stdio: 'ignore' },
    );
    fake.assertValid();
    await fake.close();
  }
  return figures;
}

/**
 * Re-creates `items` and deletes them with raw kubectl, 250 names a call, one call after another or all at
 * once (`parallel`); ms until every delete returned and until all gone.
 */
async function rawNamespaceDelete(
  items: Array<{ metadata: { name: string } }>,
  selector: string,
  parallel: boolean,
): Promise<NonNullable<SweepBenchFigures['raw']>> {
  sh(
    ['kubectl', 'apply', '--server-side', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  const names = items.map((i) => i.metadata.name);
  const calls: string[][] = [];
  for (let i = 0; i < names.length; i += 250)
    calls.push(['delete', 'namespace', ...names.slice(i, i + 250), '--wait=false', '--output', 'name']);
  const t0 = performance.now();
  if (parallel)
    await Promise.all(calls.map((argv) => execFileAsync('kubectl', argv, { maxBuffer: 1 << 26 })));
  else for (const argv of calls) sh(['kubectl', ...argv]);
  const deleteMs = Math.round(performance.now() - t0);
  const wanted = new Set(names);
  for (;;) {
    const listed = sh(['kubectl', 'get', 'namespaces', '--selector', selector, '--output', 'name']);
    if (!listed.split('\n').some((l) => wanted.has(l.replace(/^namespace\//, '')))) break;
    execFileSync('sleep', ['1']);
  }
  return { namespaces: names.length, deleteMs, goneMs: Math.round(performance.now() - t0) };
}

/** The sweep's namespace removal time over the raw floor's, e.g. `1.05×`. */
function ratio(f: SweepBenchFigures, floor = f.raw): string {
  const ms = f.runs.find((r) => r.label === 'sweep')?.timings['remove-namespaces'];
  return ms === undefined || !floor ? '—' : `${(ms / floor.goneMs).toFixed(2)}×`;
}

/** The Markdown section for docs/benchmarks.md. */
export function renderSweepBench(f: SweepBenchFigures): string {
  const lines = [
    '## Orphan sweep at scale',
    '',
    `teardown \`mode: sweep\` over ${f.namespaces} labelled namespaces (kwok test cluster) and ${f.compose} Compose environments (Docker engine), ${f.open} open pull requests on the fake GitHub; ${f.candidates} deletion candidates. Target: ≤ 30 s for the namespaces; API calls ≤ pages of open PRs + one per candidate = ${f.targetCalls}.`,
    '',
    '| Run | Status | Wall (s) | discover (s) | decide (s) | remove (s) | of it namespaces (s) | of it Compose (s) | API calls to decide | API calls in all | Removed |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const s = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(1));
  for (const r of f.runs)
    lines.push(
      `| ${r.label} | ${r.status} | ${s(r.wallMs)} | ${s(r.timings.discover)} | ${s(r.timings.decide)} | ${s(r.timings.remove)} | ${s(r.timings['remove-namespaces'])} | ${s(r.timings['remove-compose'])} | ${r.decisionRequests} (target ≤ ${f.targetCalls}) | ${r.requests} | ${r.removed} |`,
    );
  if (f.raw)
    lines.push(
      '',
      `Side by side, the floor this cluster sets: the same ${f.raw.namespaces} namespaces re-created and deleted with raw \`kubectl delete namespace … --wait=false\` (250 a call): every delete returned after ${s(f.raw.deleteMs)} s, all gone after ${s(f.raw.goneMs)} s. The sweep's namespace removal against it: ${ratio(f)}.`,
    );
  if (f.rawParallel)
    lines.push(
      '',
      `With the 250-name calls all at once (kubectl sends at most 5 requests/s per process): every delete returned after ${s(f.rawParallel.deleteMs)} s, all gone after ${s(f.rawParallel.goneMs)} s. The sweep's namespace removal against it: ${ratio(f, f.rawParallel)}.`,
    );
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const { values } = parseArgs({
    options: {
      namespaces: { type: 'string', default: '1000' },
      compose: { type: 'string', default: '100' },
      open: { type: 'string', default: '50' },
    },
  });
  const figures = await benchSweep({
    namespaces: Number(values.namespaces),
    compose: Number(values.compose),
    open: Number(values.open),
  });
  console.log(renderSweepBench(figures));
}
