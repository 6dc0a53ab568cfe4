/**
 * Measure `fingerprint` of `npm run bench` (`--only fingerprint`): what the fingerprint costs (issue 11),
 * with the real engine and Helm:
 *
 * - **provision-compose**: provision-compose + post on examples/compose-app under the runner harness
 *   (bench/fingerprint-provision.ts); each run's fingerprint phase and drift check come from its own JSON
 *   report, so each run gives its total with and without them; printed as medians and the ratio
 *   median(with) / median(without). Target: fingerprint + drift ≤ 150 ms (median) added.
 * - **in process**: provision-compose's whole fingerprint phase (`runComposePhase`: one `docker image
 *   inspect` for the pulled images, `docker version`, the build-input hash of the api/seed context with
 *   its host-installed node_modules, the lock file glob, lock off) on examples/compose-app's resolved
 *   model, next to the `docker compose config` provision-compose already runs, measured in alternation;
 *   plus the drift check alone (`docker container ls` + `inspect`) on a running copy of the stack's db
 *   service: where the added time goes (in provision-compose it runs during the wait; its report timing
 *   is only what the run waited for it after the wait).
 * - **chart**: deploy-namespace's fingerprint of test/k8s/fixtures/chart (content, values, set pairs),
 *   and with `lock-rendered` (two `helm template` renders), when a Helm binary is available.
 *
 * Every Compose project it starts has a unique name and is removed in a `finally`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../actions/shared/src/exec/cli.js';
import type { ResolvedModel } from '../actions/shared/src/fingerprint/compose-model.js';
import { checkDrift, runComposePhase } from '../actions/shared/src/fingerprint/compose-phase.js';
import { namespaceFingerprint } from '../actions/shared/src/fingerprint/namespace-fingerprint.js';
import { repoRoot } from '../test/harness/env.js';
import { removeProject } from './docker.js';
import { provisionWithFingerprint } from './fingerprint-provision.js';
import { markdownTable, millis, type SummaryMs, summarize, textTable, verdict } from './stats.js';

/** Target: the fingerprint phase plus the drift check, median, in ms. */
export const FINGERPRINT_TARGET_MS = 150;

/** The figures. */
export interface FingerprintFigures {
  runs: number;
  /** provision-compose + post on examples/compose-app: totals, totals without the fingerprint, the difference. */
  provision: { with: SummaryMs; without: SummaryMs; added: SummaryMs; ratio: number; runs: number };
  composePhase: SummaryMs;
  composeConfig: SummaryMs;
  drift: SummaryMs;
  /** Files and bytes the build-input hash read per run. */
  buildFiles: number;
  buildBytes: number;
  entries: number;
  pass: boolean;
  chart: SummaryMs;
  /** null when no Helm binary was found. */
  chartRendered: SummaryMs | null;
  helm: string;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Runs measure `fingerprint`.
 * @param options.helm a Helm binary for the lock-rendered row ('' to leave it out)
 * @param active Compose projects being created (bench/run.ts removes them on Ctrl-C)
 */
export async function benchFingerprint(
  options: {
    runs: number;
    warmupRuns: number;
    helm: string;
    node: string;
    actionsRoot: string;
    log: (line: string) => void;
  },
  active: Set<string>,
): Promise<FingerprintFigures> {
  options.log(`fingerprint: provision-compose + post on examples/compose-app, ${options.runs} runs`);
  const jobs = await provisionWithFingerprint(options, active);
  const withMs = summarize(jobs.map((j) => j.totalMs));
  const withoutMs = summarize(jobs.map((j) => j.totalMs - j.fingerprintMs));
  const provision = {
    with: withMs,
    without: withoutMs,
    added: summarize(jobs.map((j) => j.fingerprintMs)),
    ratio: withMs.medianMs / withoutMs.medianMs,
    runs: jobs.length,
  };

  const dir = join(repoRoot, 'examples/compose-app');
  const project = `bench-fp-${process.pid}`;
  const configArgv = [
    'docker',
    'compose',
    '-p',
    project,
    '-f',
    join(dir, 'compose.yaml'),
    'config',
    '--format',
    'json',
  ];
  const model = JSON.parse(
    execFileSync(configArgv[0]!, configArgv.slice(1), { encoding: 'utf8' }),
  ) as ResolvedModel;
  const phase = () =>
    runComposePhase({
      model,
      projectName: project,
      projectDirectory: dir,
      workspace: repoRoot,
      volatile: {},
      lockFiles: ['examples/compose-app/api/package-lock.json'],
      includeTools: false,
      requireDigests: false,
      lock: { mode: 'off', file: '' },
      pull: 'never',
      composeVersion: 'bench',
      runner: run,
      pullImages: async () => {},
      reportDir: '',
      previous: null,
    });
  options.log(
    `fingerprint: ${options.runs} runs of the Compose phase and of docker compose config, alternating`,
  );
  await phase(); // warm-up: file system cache, module initialisation
  const phaseMs: number[] = [];
  const configMs: number[] = [];
  let last: Awaited<ReturnType<typeof phase>> | null = null;
  for (let i = 0; i < options.runs; i++) {
    const p = await time(phase);
    phaseMs.push(p.ms);
    last = p.value;
    const c = await time(() => run(configArgv, { timeoutMs: 60_000 }));
    configMs.push(c.ms);
  }
  const driftMs: number[] = [];
  try {
    execFileSync(
      'docker',
      ['compose', '-p', project, '-f', join(dir, 'compose.yaml'), 'up', '-d', '--no-build', 'db'],
      {
        stdio: 'ignore',
        timeout: 300_000,
      },
    );
    for (let i = 0; i < options.runs; i++)
      driftMs.push((await time(() => checkDrift(project, last!.fingerprint, run))).ms);
  } finally {
    removeProject(project);
  }
  const composePhase = summarize(phaseMs);
  const drift = summarize(driftMs);

  const ws = repoRoot;
  const chartInput = (render: (() => Promise<string>) | undefined) => ({
    mode: 'helm' as const,
    workspace: ws,
    chart: {
      source: 'test/k8s/fixtures/chart',
      path: join(ws, 'test/k8s/fixtures/chart'),
      version: '',
      digest: '',
    },
    values: [join(ws, 'test/k8s/fixtures/values-preview.yaml')],
    set: [{ key: 'replicas', value: '2', secret: false }],
    ...(render ? { render } : {}),
    ctx: { projectName: 'bench', projectDirectory: ws, volatile: {} },
    lockFiles: [],
    tools: {},
    includeTools: false,
  });
  options.log(
    `fingerprint: ${options.runs} runs of the chart fingerprint${options.helm ? ` (and with lock-rendered, ${options.helm})` : ''}`,
  );
  const chartMs: number[] = [];
  const renderedMs: number[] = [];
  const template = async () =>
    (
      await run(
        [options.helm, 'template', 'bench', join(ws, 'test/k8s/fixtures/chart'), '--set', 'replicas=2'],
        {
          timeoutMs: 60_000,
        },
      )
    ).stdout;
  for (let i = 0; i < options.runs; i++) {
    chartMs.push((await time(() => namespaceFingerprint(chartInput(undefined), { rendered: false }))).ms);
    if (options.helm)
      renderedMs.push((await time(() => namespaceFingerprint(chartInput(template), { rendered: true }))).ms);
  }
  return {
    runs: options.runs,
    provision,
    composePhase,
    composeConfig: summarize(configMs),
    drift,
    buildFiles: last?.fingerprint.build.files ?? 0,
    buildBytes: last?.fingerprint.build.bytes ?? 0,
    entries: Object.keys(last?.fingerprint.document.entries ?? {}).length,
    pass: provision.added.medianMs <= FINGERPRINT_TARGET_MS,
    chart: summarize(chartMs),
    chartRendered: options.helm ? summarize(renderedMs) : null,
    helm: options.helm,
  };
}

function rows(f: FingerprintFigures): string[][] {
  const row = (what: string, s: SummaryMs) => [what, millis(s.medianMs), millis(s.minMs), millis(s.maxMs)];
  const out = [
    ['Measure', 'Median', 'Min', 'Max'],
    row('provision-compose + post (examples/compose-app)', f.provision.with),
    row('  the same runs without fingerprint + drift', f.provision.without),
    row('  fingerprint + drift (from the reports)', f.provision.added),
    row('In process: Compose fingerprint phase', f.composePhase),
    row('  for comparison: docker compose config', f.composeConfig),
    row('In process: drift check after up', f.drift),
    row('Chart fingerprint (test chart, values, set)', f.chart),
  ];
  if (f.chartRendered)
    out.push(row('Chart fingerprint with lock-rendered (2 × helm template)', f.chartRendered));
  return out;
}

function verdictLine(f: FingerprintFigures): string {
  return `fingerprint + drift added to provision-compose: median ${millis(f.provision.added.medianMs)} (target ≤ ${FINGERPRINT_TARGET_MS} ms) ${verdict(f.pass)}; ratio of medians with / without ${f.provision.ratio.toFixed(3)}; the phase hashed ${f.buildFiles} build-context files (${Math.round(f.buildBytes / 1024)} KiB) into ${f.entries} entries; the test chart's fingerprint ${millis(f.chart.medianMs)}`;
}

/** Plain-text section. */
export function renderFingerprintText(f: FingerprintFigures): string[] {
  return ['', `Fingerprint cost (${f.runs} runs each)`, textTable(rows(f)), verdictLine(f)];
}

/** Markdown section. */
export function renderFingerprintMarkdown(f: FingerprintFigures): string[] {
  return [
    '',
    '## Fingerprint cost (issue 11)',
    '',
    `provision-compose + post on examples/compose-app under the runner harness, ${f.provision.runs} runs after a warm-up: each run's \`fingerprint\` and \`drift\` timings come from its own JSON report, so "without" is the same run minus those phases. Then in process, ${f.runs} runs each, the Compose phase and \`docker compose config\` alternating (bench/fingerprint-bench.ts). The Compose phase is everything provision-compose adds before \`up\` with \`lock: off\` and images present: one \`docker image inspect\`, \`docker version\`, the model entries, the build-input hash of the api/seed context, the lock-files glob. The drift check row is the check alone; in provision-compose it runs during the wait, and its \`drift\` timing is what the run waited for it after the wait.`,
    '',
    markdownTable(rows(f)),
    '',
    `**${verdictLine(f)}**`,
  ];
}
