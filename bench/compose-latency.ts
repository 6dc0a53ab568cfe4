/**
 * Detection latency of provision-compose's event-backed wait (issue 12, target ≤ 50 ms): how long after the
 * engine declared the last service healthy the wait saw it. Part of `npm run bench`'s latency measure
 * (`benchComposeLatency`, on the pg-redis stack), and standalone:
 *
 *   EPHEMERAL_TEST_NODE=<node 24> npx tsx bench/compose-latency.ts [stack-id] [runs]
 *
 * Each run is provision-compose + post on a stack of bench/stacks.ts with every docker call traced
 * (bench/trace.ts's wrapper logs each call's start and end in ns). After the run the engine's own
 * `health_status` events of the project are read back (`docker events --since/--until`, `TimeNano`); the
 * latency is the end of the first look of the main step's wait that ended after the last `healthy` event,
 * minus that event's time: the look that returned "ready". The looks come from the wait's own debug lines
 * (`wait: look` / `wait: looked`, compose/wait.ts), since its inspects go through the Engine API's socket
 * and start no process; a build without those lines falls back to the traced `container inspect` calls.
 * Both clocks are the host's. The figure includes writing the debug lines, so it is an upper bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionOnce } from './compose-bench.js';
import type { LatencyBenchOptions, LatencySeries } from './latency-bench.js';
import { STACKS } from './stacks.js';
import { median } from './stats.js';
import { installDockerTracer } from './trace.js';

/** The target for an event-backed probe's detection latency, ms (issue 12). */
export const COMPOSE_EVENT_TARGET_MS = 50;

/** One run's latency, in ms: in all, and until the look that saw it started (the wake-up). */
export interface Detection {
  totalMs: number;
  wakeMs: number;
}

/** One look of the wait: when it started and when its answer was in, epoch ms. */
export interface Look {
  start: number;
  end: number;
}

/** The main step's `container inspect` calls in a docker call trace (bench/trace.ts): the CLI's looks. */
export function looksFromTrace(traceTsv: string): Look[] {
  const ms = (ns: string | undefined) => Number(BigInt(ns ?? '0') / 1000n) / 1000;
  return traceTsv
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, , , phase, argv]) => phase === 'main' && argv?.startsWith('container inspect '))
    .map(([start, end]) => ({ start: ms(start), end: ms(end) }));
}

/**
 * The wait's looks from the main step's debug lines (compose/wait.ts marks each look's start and end,
 * whichever way it reads the engine: `ephemeral at <ms>: wait: look` / `wait: looked`, ms since the process
 * origin its start-up line gives).
 */
export function looksFromLines(lines: readonly string[]): Look[] {
  let origin: number | null = null;
  let start: number | null = null;
  const looks: Look[] = [];
  for (const line of lines) {
    const startUp = /::debug::ephemeral start-up: [\d.]+ ms \(origin ([\d.]+)\)/.exec(line);
    if (startUp) origin = Number(startUp[1]);
    const mark = /::debug::ephemeral at ([\d.]+) ms: wait: (look|looked)$/.exec(line);
    if (!mark || origin === null) continue;
    const at = origin + Number(mark[1]);
    if (mark[2] === 'look') start = at;
    else if (start !== null) {
      looks.push({ start, end: at });
      start = null;
    }
  }
  return looks;
}

/** The latency of one run, or null when the stack has no healthcheck event or no look ending after it. */
export function detection(looks: readonly Look[], healthyAtMs: readonly number[]): Detection | null {
  if (healthyAtMs.length === 0) return null;
  const last = Math.max(...healthyAtMs);
  const look = looks.filter((l) => l.end >= last).sort((a, b) => a.end - b.end)[0];
  return look ? { totalMs: look.end - last, wakeMs: look.start - last } : null;
}

/** Engine times (epoch ms) of the project's `health_status: healthy` events between two epoch-ms times. */
function healthyEvents(project: string, sinceMs: number, untilMs: number): number[] {
  const out = execFileSync(
    'docker',
    [
      'events',
      '--since',
      (sinceMs / 1000).toFixed(3),
      '--until',
      (untilMs / 1000).toFixed(3),
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      'event=health_status',
      '--format',
      '{{.Action}}\t{{.TimeNano}}',
    ],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([action]) => action?.trim() === 'health_status: healthy')
    .map(([, nano]) => Number(BigInt(nano ?? '0') / 1000n) / 1000);
}

/**
 * One latency series for `npm run bench`: `options.runs` runs of provision-compose + post on `stackDir`,
 * each traced, as wait-ready's series are shaped (`latencyMs` = detection latency, `requests` = the main
 * step's wait looks, `straddleGapMs` = the wake-up, `timeToReadyMs` = the main step's time).
 * @throws Error when a run sees no `healthy` event or no later look (the stack must have healthchecks)
 */
export async function benchComposeLatency(
  options: LatencyBenchOptions,
  stack: { id: string; dir: string },
): Promise<LatencySeries> {
  const series: LatencySeries = {
    label: `Compose health, provision-compose's wait (event-backed, ${stack.id})`,
    timing: { intervalMs: 0, backoff: 1, maxIntervalMs: 0 },
    eventTargetMs: COMPOSE_EVENT_TARGET_MS,
    inputs: {},
    trials: [],
  };
  let pr = 600_000 + Math.floor(Math.random() * 90_000) * 10;
  for (let i = 1; i <= options.runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'ephemeral-latency-'));
    try {
      const tracer = installDockerTracer(dir);
      const since = Date.now();
      const lines: string[] = [];
      const run = await provisionOnce(
        {
          dir: stack.dir,
          pr: ++pr,
          node: options.node,
          actionsRoot: options.actionsRoot,
          env: { ...tracer.env, RUNNER_DEBUG: '1' },
          onLine: (_step, phase, line) => {
            if (phase === 'main') lines.push(line);
          },
        },
        new Set(),
      );
      const trace = readFileSync(join(dir, 'docker-calls.tsv'), 'utf8');
      // The marks give every look; a build without them (an older dist/) leaves the CLI's inspects.
      const marked = looksFromLines(lines);
      const looks = marked.length > 0 ? marked : looksFromTrace(trace);
      const d = detection(looks, healthyEvents(run.project, since - 1000, Date.now()));
      if (!d) throw new Error(`compose latency run ${i}: no healthy event or no look after it (${stack.id})`);
      series.trials.push({
        latencyMs: d.totalMs,
        flipAfterMs: 0,
        requests: looks.length,
        straddleGapMs: d.wakeMs,
        timeToReadyMs: run.mainMs,
      });
      options.log(`latency ${i}/${options.runs}  compose  ${Math.round(d.totalMs)} ms after healthy`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return series;
}

async function main(): Promise<void> {
  const [stackId = 'pg-redis', runsArg = '5'] = process.argv.slice(2);
  const stack = STACKS.find((s) => s.id === stackId);
  const node = process.env.EPHEMERAL_TEST_NODE;
  if (!stack || !node)
    throw new Error('usage: EPHEMERAL_TEST_NODE=<node 24> tsx bench/compose-latency.ts [stack] [runs]');
  console.log(`start ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(1)}`);
  const options = {
    runs: Number(runsArg),
    intervalMs: 0,
    node,
    actionsRoot: process.cwd(),
    log: console.log,
  };
  const trials = (await benchComposeLatency(options, stack)).trials;
  const latencies = trials.map((t) => t.latencyMs);
  console.log(
    `${stack.id}: provision-compose wait detection latency median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (n=${latencies.length}; the look started after a median ${median(trials.map((t) => t.straddleGapMs)).toFixed(0)} ms), target ≤ ${COMPOSE_EVENT_TARGET_MS} ms; load ${loadavg()[0]!.toFixed(1)} at the end`,
  );
}

if (process.argv[1]?.endsWith('compose-latency.ts')) await main();
