/**
 * Measure 1: provision-compose + its post step (under the runner harness) versus the raw Compose commands
 * a workflow would otherwise run, on one stack of bench/stacks.ts (examples/compose-app, or the small
 * PostgreSQL + Redis stack), interleaved (raw, provision, raw, provision, …) so that drift on the machine
 * hits both sides alike.
 *
 * - provision side: `runJob` with the single step `provision-compose` (working-directory
 *   the stack's folder); wall time from the start of `runJob` to its end, which includes the post step's
 *   teardown. The phase timings come from the action's own JSON reports.
 * - raw side: `docker compose -p <unique> -f compose.yaml [-f <ports override>] up -d --wait`, then
 *   `docker compose -p <unique> down -v`; wall time of both commands.
 *
 * Every project has a unique name, is removed in a `finally` (images Compose built for it included), and
 * is checked to be gone (`docker ps -a --filter label=com.docker.compose.project=<name>`, networks, volumes).
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deriveIdentity } from '../actions/shared/src/environment/identity.js';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';
import { describeLeftovers, isEmpty, leftovers, removeProject, type TimedRun, timed } from './docker.js';
import { portsOverride, type Stack } from './stacks.js';
import {
  type CallGroup,
  groupCalls,
  installDockerTracer,
  measureStartup,
  type StartupCost,
} from './trace.js';

/** Repository the provision side pretends to run for; names become `bench-pr-<n>-<hash6>`. */
const REPOSITORY = 'acme/bench';
/** Hard limit for one `up --wait` (the example is ready in seconds; this only bounds a hang). */
const UP_TIMEOUT_MS = 5 * 60_000;
const DOWN_TIMEOUT_MS = 3 * 60_000;

/** How the raw side publishes the stack's fixed host ports. */
export type RawPorts = 'ephemeral' | 'fixed';

/** One raw run. */
export interface RawRun {
  project: string;
  totalMs: number;
  upMs: number;
  downMs: number;
  /** Exit code of `up -d --wait` (compose#10596: non-zero with one-shot services on some versions). */
  upExitCode: number | null;
  /** Whether the stack was fine after `up` (long-running services up/healthy, one-shots exited 0). */
  stackOk: boolean;
  stackDetail: string;
}

/** One provision-compose + post run. */
export interface ProvisionRun {
  project: string;
  totalMs: number;
  mainMs: number;
  postMs: number;
  /** Phase timings from the action's reports (ms): config, up, wait (main) and teardown (post). */
  phasesMs: Record<string, number>;
}

/** Options for the Compose comparison. */
export interface ComposeBenchOptions {
  stack: Stack;
  runs: number;
  warmupRuns: number;
  rawPorts: RawPorts;
  /** Make one extra, untimed provision run with the docker calls traced. */
  trace: boolean;
  /** Node binary for the actions. */
  node: string;
  /** Folder holding the actions (a snapshot of the bundles). */
  actionsRoot: string;
  /** Progress lines. */
  log: (line: string) => void;
}

/** The comparison's result. */
export interface ComposeBenchResult {
  stack: Stack;
  raw: RawRun[];
  provision: ProvisionRun[];
  /** Raw command lines as run (with a placeholder project name). */
  rawCommands: string[];
  /** Every project name used (warm-up and pre-build included) and what is left of them (nothing). */
  projects: string[];
  leftBehind: string;
  prebuildMs: number;
  /** One extra provision run with every docker call logged (not in the medians), or null. */
  trace: { run: ProvisionRun; calls: number; groups: CallGroup[]; startup: StartupCost | null } | null;
}

interface PsEntry {
  Service?: string;
  State?: string;
  Health?: string;
  ExitCode?: number;
}

/**
 * Checks the raw stack after `up`: long-running services must be running (and healthy when they have a
 * healthcheck), one-shots exited 0. Returns whether it is fine and a one-line description.
 */
async function checkStack(stack: Stack, project: string): Promise<{ ok: boolean; detail: string }> {
  const ps = await timed(['docker', 'compose', '-p', project, 'ps', '--all', '--format', 'json'], {
    timeoutMs: 60_000,
  });
  if (ps.exitCode !== 0) return { ok: false, detail: `ps failed: ${ps.stderr.trim().slice(-200)}` };
  const text = ps.stdout.trim();
  // Compose ≥ 2.21 prints one JSON object per line; older versions a JSON array
  const entries: PsEntry[] = text.startsWith('[')
    ? (JSON.parse(text) as PsEntry[])
    : text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as PsEntry);
  const problems: string[] = [];
  const seen = new Set(entries.map((e) => e.Service ?? ''));
  for (const service of [...stack.services, ...stack.oneShots])
    if (!seen.has(service)) problems.push(`${service} missing`);
  for (const e of entries) {
    const name = e.Service ?? '?';
    if (stack.oneShots.includes(name)) {
      if (e.State !== 'exited' || e.ExitCode !== 0) problems.push(`${name} ${e.State} (exit ${e.ExitCode})`);
    } else if (e.State !== 'running' || (e.Health !== '' && e.Health !== 'healthy')) {
      problems.push(`${name} ${e.State}${e.Health ? `/${e.Health}` : ''}`);
    }
  }
  return problems.length
    ? { ok: false, detail: problems.join(', ') }
    : {
        ok: true,
        detail: `${stack.services.join(', ')} healthy${stack.oneShots.length ? `; ${stack.oneShots.join(', ')} exited 0` : ''}`,
      };
}

/** Throws when the raw side must use the fixed host ports and one of them is taken. */
async function assertFixedPortsFree(ports: number[]): Promise<void> {
  const net = await import('node:net');
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', () =>
        reject(
          new Error(
            `--raw-ports fixed: host port ${port} is in use (another stack on this engine?); use --raw-ports ephemeral`,
          ),
        ),
      );
      server.listen(port, '0.0.0.0', () => server.close(() => resolve()));
    });
  }
}

/**
 * Merges the `timings` of every JSON report the actions wrote for one environment
 * (`$RUNNER_TEMP/ephemeral/<name>/<action>/report.json`): config, up, wait from main, teardown from post.
 */
export function reportTimings(dir: string): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'report.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8')) as { timings?: Record<string, number> };
    Object.assign(timings, report.timings ?? {});
  }
  return timings;
}

function fail(what: string, run: TimedRun): Error {
  return new Error(
    `${what} exited ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}: ${run.stderr.trim().slice(-1500)}`,
  );
}

/** Runs the comparison. Removes every project it created, also when it fails. */
/**
 * One provision-compose + post run under the runner harness on the stack in `dir` (working-directory),
 * as PR `pr` of acme/bench; the project is removed (and checked gone) in a `finally`.
 * @param active project names being created (bench/run.ts removes them on Ctrl-C)
 * @param started called with the project name before anything starts
 * @throws Error when the job or its post fails, or anything of the project is left behind
 */
export async function provisionOnce(
  o: {
    dir: string;
    pr: number;
    node: string;
    actionsRoot: string;
    env?: Record<string, string> | undefined;
    /** Every log line of the steps as it comes (bench/trace-timeline.ts). */
    onLine?: (step: string, phase: string, line: string) => void;
  },
  active: Set<string>,
  started: (project: string) => void = () => {},
): Promise<ProvisionRun> {
  const { pr, env } = o;
  const project = deriveIdentity({ repository: REPOSITORY, prNumber: pr, ref: '', explicitName: '' }).name;
  started(project);
  active.add(project);
  const head = randomBytes(20).toString('hex');
  try {
    const start = performance.now();
    const job = await runJob({
      repository: REPOSITORY,
      sha: head,
      workspace: repoRoot,
      node: o.node,
      actionsRoot: o.actionsRoot,
      event: pullRequestEvent(pr, head, { headRef: 'bench' }),
      steps: [{ id: 'env', uses: 'provision-compose', with: { 'working-directory': o.dir } }],
      ...(env ? { env } : {}),
      ...(o.onLine ? { onLine: o.onLine } : {}),
    });
    const totalMs = performance.now() - start;
    try {
      const main = job.steps.find((s) => s.id === 'env' && s.phase === 'main');
      const post = job.steps.find((s) => s.id === 'env' && s.phase === 'post');
      const name = job.outputs('env')['environment-name'];
      if (job.status !== 'success' || post?.outcome !== 'success' || name !== project) {
        throw new Error(
          `provision-compose job ${job.status} (post ${post?.outcome}, name ${name} vs ${project}):\n${job.logText().slice(-4000)}`,
        );
      }
      const phasesMs = reportTimings(join(job.runnerTemp, 'ephemeral', project));
      // the post step must have left nothing but the images Compose built
      const left = leftovers(project);
      if (left.containers.length + left.networks.length + left.volumes.length > 0)
        throw new Error(`provision-compose post left ${describeLeftovers(left)}`);
      return { project, totalMs, mainMs: main!.durationMs, postMs: post.durationMs, phasesMs };
    } finally {
      await job.cleanup();
    }
  } finally {
    removeOrThrow(project, active);
  }
}

/**
 * Removes `project` (containers, networks, volumes, the images Compose built for it) and forgets it in
 * `active`.
 * @throws Error naming what is left when anything of it survives
 */
export function removeOrThrow(project: string, active: Set<string>): void {
  const left = removeProject(project);
  active.delete(project);
  if (!isEmpty(left)) throw new Error(`could not remove ${project}: ${describeLeftovers(left)} left`);
}

export async function benchCompose(
  options: ComposeBenchOptions,
  active: Set<string>,
): Promise<ComposeBenchResult> {
  const { stack } = options;
  const stackFile = `${stack.dir}/compose.yaml`;
  const id = randomBytes(3).toString('hex');
  const tmp = mkdtempSync(join(tmpdir(), 'ephemeral-bench-'));
  // also on process.exit (Ctrl-C), which skips the finally below
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const overridePath = join(tmp, 'ports.yaml');
  writeFileSync(overridePath, portsOverride(stack));
  const files = ['-f', stackFile, ...(options.rawPorts === 'ephemeral' ? ['-f', overridePath] : [])];
  const projects: string[] = [];
  // PR numbers unique to this invocation, so names never clash with an earlier (crashed) run
  const prBase = 100_000 + Math.floor(Math.random() * 800_000) * 10;
  let prIndex = 0;
  let rawIndex = 0;

  const cleanUp = (project: string) => removeOrThrow(project, active);

  const rawRun = async (): Promise<RawRun> => {
    const project = `bench-raw-${id}-${++rawIndex}`;
    projects.push(project);
    active.add(project);
    try {
      if (options.rawPorts === 'fixed') await assertFixedPortsFree(stack.fixedPorts);
      const base = ['docker', 'compose', '-p', project, ...files];
      const up = await timed([...base, 'up', '-d', '--wait'], { timeoutMs: UP_TIMEOUT_MS, cwd: repoRoot });
      const ready = await checkStack(stack, project);
      if (!ready.ok) throw fail(`raw up --wait (stack not ready: ${ready.detail})`, up);
      const down = await timed(['docker', 'compose', '-p', project, 'down', '-v'], {
        timeoutMs: DOWN_TIMEOUT_MS,
        cwd: repoRoot,
      });
      if (down.exitCode !== 0) throw fail('raw down -v', down);
      return {
        project,
        totalMs: up.durationMs + down.durationMs,
        upMs: up.durationMs,
        downMs: down.durationMs,
        upExitCode: up.exitCode,
        stackOk: ready.ok,
        stackDetail: ready.detail,
      };
    } finally {
      cleanUp(project);
    }
  };

  const provisionRun = (env?: Record<string, string>): Promise<ProvisionRun> =>
    provisionOnce(
      { dir: stack.dir, pr: prBase + ++prIndex, node: options.node, actionsRoot: options.actionsRoot, env },
      active,
      (project) => projects.push(project),
    );

  let prebuildMs = 0;
  const raw: RawRun[] = [];
  const provision: ProvisionRun[] = [];
  let trace: ComposeBenchResult['trace'] = null;
  try {
    // Warm the build cache once: both sides then build the api/seed images from cache (Compose names
    // the images per project, so each run still "builds", which takes the same cached path on both sides).
    // The pre-built images are kept until the end so their layers stay in the image store.
    if (stack.builds) {
      const prebuild = `bench-prebuild-${id}`;
      projects.push(prebuild);
      active.add(prebuild);
      options.log(`${stack.id}: pre-building the images (warm build cache) as ${prebuild}`);
      const build = await timed(['docker', 'compose', '-p', prebuild, '-f', stackFile, 'build'], {
        timeoutMs: 15 * 60_000,
        cwd: repoRoot,
      });
      if (build.exitCode !== 0) throw fail('docker compose build', build);
      prebuildMs = build.durationMs;
    }
    for (let i = 1; i <= options.warmupRuns; i++) {
      options.log(
        `${stack.id}: warm-up ${i}/${options.warmupRuns} (not counted): raw, then provision-compose`,
      );
      await rawRun();
      await provisionRun();
    }
    for (let i = 1; i <= options.runs; i++) {
      const r = await rawRun();
      options.log(
        `${stack.id} run ${i}/${options.runs}  raw ${(r.totalMs / 1000).toFixed(2)} s (up --wait ${(r.upMs / 1000).toFixed(2)} s exit ${r.upExitCode}, down ${(r.downMs / 1000).toFixed(2)} s)`,
      );
      raw.push(r);
      const p = await provisionRun();
      options.log(
        `${stack.id} run ${i}/${options.runs}  provision-compose+post ${(p.totalMs / 1000).toFixed(2)} s (main ${(p.mainMs / 1000).toFixed(2)} s, post ${(p.postMs / 1000).toFixed(2)} s)`,
      );
      provision.push(p);
    }
    if (options.trace) {
      options.log(
        `${stack.id}: traced run (not counted): provision-compose with every docker call logged, then start-up costs`,
      );
      const tracer = installDockerTracer(tmp);
      const run = await provisionRun(tracer.env);
      const calls = tracer.read();
      const postScript = join(options.actionsRoot, 'dist', 'provision-compose', 'post.js');
      const startup = existsSync(postScript) ? await measureStartup(options.node, postScript) : null;
      trace = { run, calls: calls.length, groups: groupCalls(calls), startup };
    }
  } finally {
    for (const project of projects) if (active.has(project)) removeProject(project);
    for (const project of projects) active.delete(project);
    rmSync(tmp, { recursive: true, force: true });
  }
  const left = projects.map((p) => [p, leftovers(p)] as const).filter(([, l]) => !isEmpty(l));
  return {
    stack,
    raw,
    provision,
    rawCommands: [
      `docker compose -p <unique> ${files.join(' ').replace(overridePath, '<ports.yaml>')} up -d --wait`,
      'docker compose -p <unique> down -v',
    ],
    projects,
    leftBehind: left.length ? left.map(([p, l]) => `${p}: ${describeLeftovers(l)}`).join('; ') : 'nothing',
    prebuildMs,
    trace,
  };
}
