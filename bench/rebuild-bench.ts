/**
 * Measure 6 (issue 8): what building on every push costs. provision-compose's default `build: auto` builds
 * every service that has a `build:` section on every run (BuildKit's layer cache makes an unchanged build
 * cheap), so a push always runs its own code; `build: missing` reuses an image already on the host (the old
 * behaviour, which served the previous push's code on a self-hosted runner).
 *
 * On examples/compose-app, one pull request's environment is deployed once (kept, images built), then
 * redeployed as further pushes of the same code, interleaved and alternating which goes first:
 * provision-compose main with `build: auto` against `build: missing`, both with `keep: true` (the post step
 * tears nothing down), so the two differ only by the build. Beside them, the raw
 * `docker compose build` of the unchanged stack under a project of its own (the cache hit alone).
 * Everything the measure created (the environment, the raw project, the images built for both) is removed
 * in a `finally` and checked to be gone.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { deriveIdentity } from '../actions/shared/src/environment/identity.js';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';
import { removeOrThrow } from './compose-bench.js';
import { timed } from './docker.js';
import { millis, type SummaryMs, seconds, summarize } from './stats.js';

const REPOSITORY = 'acme/bench-rebuild';
const STACK_DIR = 'examples/compose-app';
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** Options of the measure. */
export interface RebuildBenchOptions {
  /** Redeploys per build mode (after one first deploy that builds the images). */
  runs: number;
  /** Node binary the actions run on (Node 24). */
  node: string;
  /** Root holding the bundle snapshot's `dist/` and action.yml folders. */
  actionsRoot: string;
  log: (line: string) => void;
}

/** The figures: wall times of provision-compose's main step per build mode, and the raw build, in ms. */
export interface RebuildFigures {
  runs: number;
  /** The first deploy (images built, warm layer cache from earlier runs or not). */
  firstDeployMs: number;
  /** `build: auto` (build every push) redeploys. */
  auto: SummaryMs;
  /** `build: missing` (reuse the image on the host) redeploys. */
  missing: SummaryMs;
  /** `docker compose build` of the unchanged stack. */
  rawBuild: SummaryMs;
  /** median(auto) − median(missing): what building on every push adds to a redeploy, ms. */
  addedMs: number;
  /** median(auto) / median(missing). */
  ratio: number;
}

/**
 * Runs the measure. Removes the environment and the raw project (their images included) also when it fails.
 * @throws Error when a deploy fails or anything of the measure is left behind
 */
export async function benchRebuild(
  options: RebuildBenchOptions,
  active: Set<string>,
): Promise<RebuildFigures> {
  const pr = 900_000 + Math.floor(Math.random() * 90_000);
  const project = deriveIdentity({ repository: REPOSITORY, prNumber: pr, ref: '', explicitName: '' }).name;
  const rawProject = `bench-rawbuild-${randomBytes(3).toString('hex')}`;
  active.add(project);
  active.add(rawProject);

  const deploy = async (build: 'auto' | 'missing'): Promise<number> => {
    const head = randomBytes(20).toString('hex');
    const job = await runJob({
      repository: REPOSITORY,
      sha: head,
      workspace: repoRoot,
      node: options.node,
      actionsRoot: options.actionsRoot,
      event: pullRequestEvent(pr, head, { headRef: 'bench' }),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': STACK_DIR, build, keep: 'true' },
        },
      ],
    });
    try {
      const main = job.steps.find((s) => s.id === 'env' && s.phase === 'main');
      if (job.status !== 'success' || !main)
        throw new Error(`provision-compose (build: ${build}) ${job.status}:\n${job.logText().slice(-4000)}`);
      return main.durationMs;
    } finally {
      await job.cleanup();
    }
  };

  const rawBuild = async (): Promise<number> => {
    const start = performance.now();
    const run = await timed(
      ['docker', 'compose', '-p', rawProject, '-f', `${STACK_DIR}/compose.yaml`, 'build'],
      {
        timeoutMs: BUILD_TIMEOUT_MS,
        cwd: repoRoot,
      },
    );
    if (run.exitCode !== 0)
      throw new Error(`docker compose build exited ${run.exitCode}: ${run.stderr.slice(-1500)}`);
    return performance.now() - start;
  };

  try {
    options.log(`rebuild: first deploy of ${project} (build: auto, keep: true)`);
    const firstDeployMs = await deploy('auto');
    await rawBuild(); // warms the raw project's tags; not counted
    const autoMs: number[] = [];
    const missingMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const order: Array<'auto' | 'missing'> = i % 2 === 0 ? ['auto', 'missing'] : ['missing', 'auto'];
      for (const mode of order) (mode === 'auto' ? autoMs : missingMs).push(await deploy(mode));
      rawMs.push(await rawBuild());
      options.log(
        `rebuild ${i + 1}/${options.runs}: auto ${millis(autoMs.at(-1)!)}, missing ${millis(missingMs.at(-1)!)}, raw build ${millis(rawMs.at(-1)!)}`,
      );
    }
    const auto = summarize(autoMs);
    const missing = summarize(missingMs);
    return {
      runs: options.runs,
      firstDeployMs,
      auto,
      missing,
      rawBuild: summarize(rawMs),
      addedMs: auto.medianMs - missing.medianMs,
      ratio: auto.medianMs / missing.medianMs,
    };
  } finally {
    for (const name of [project, rawProject]) removeOrThrow(name, active);
  }
}

/** The Markdown section of the report. */
export function renderRebuildBench(f: RebuildFigures): string {
  return [
    '## Building on every push (issue 8)',
    '',
    `examples/compose-app, one pull request's environment redeployed ${f.runs} times per mode, interleaved`,
    '(provision-compose main step, `keep: true`, same code each push); medians, min–max.',
    '',
    '| what | median | min–max |',
    '|---|---|---|',
    `| \`build: auto\` (default: builds every push from the layer cache) | ${seconds(f.auto.medianMs)} | ${seconds(f.auto.minMs)}–${seconds(f.auto.maxMs)} |`,
    `| \`build: missing\` (reuses the image on the host: the old behaviour) | ${seconds(f.missing.medianMs)} | ${seconds(f.missing.minMs)}–${seconds(f.missing.maxMs)} |`,
    `| raw \`docker compose build\`, unchanged stack | ${seconds(f.rawBuild.medianMs)} | ${seconds(f.rawBuild.minMs)}–${seconds(f.rawBuild.maxMs)} |`,
    '',
    `Building on every push adds **${millis(f.addedMs)}** to a redeploy (ratio ${f.ratio.toFixed(2)}×); the first deploy took ${seconds(f.firstDeployMs)}.`,
    '',
  ].join('\n');
}
