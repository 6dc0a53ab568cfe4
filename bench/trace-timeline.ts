/**
 * A timestamped timeline of one provision-compose + post run (issue 12): every log line of both steps
 * (debug lines included) and every docker call (bench/trace.ts's wrapper), on one clock (ms since the job
 * started), with each step's process start worked out from its start-up line (`ephemeral start-up: X ms`
 * arrives X ms after the process started). Shows where the time outside Compose's own work goes. Not part
 * of `npm run bench`: the wrapper adds a bash start per docker call, so the figures are for attribution only.
 * One untraced run goes first (not shown): the fake GitHub's first answers are slow (see main).
 *
 * Usage: EPHEMERAL_TEST_NODE=<node 24> npx tsx bench/trace-timeline.ts [pg-redis|compose-app] [ACTIONS_ROOT]
 * (ACTIONS_ROOT: a folder holding `provision-compose/action.yml` and `dist/provision-compose/`; default the
 * working tree.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../test/harness/env.js';
import { provisionOnce } from './compose-bench.js';
import { STACKS } from './stacks.js';
import { callKind, installDockerTracer } from './trace.js';

/** One event of the timeline. */
export interface TimelineEvent {
  /** ms since the job started (epoch based, same clock as the docker wrapper's). */
  atMs: number;
  /** ms the event lasted (docker calls), else 0. */
  durationMs: number;
  phase: string;
  what: string;
}

const nowMs = () => performance.timeOrigin + performance.now();

/** Reads the docker wrapper's log as timeline events relative to `originMs` (epoch ms). */
export function dockerEvents(text: string, originMs: number): TimelineEvent[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start = '0', end = '0', rc = '0', phase = 'main', argv = ''] = line.split('\t');
      const startMs = Number(BigInt(start) / 1000n) / 1000;
      const endMs = Number(BigInt(end) / 1000n) / 1000;
      return {
        atMs: startMs - originMs,
        durationMs: endMs - startMs,
        phase,
        what: `docker ${callKind(argv.split(' '))} (rc ${rc})`,
      };
    });
}

async function main(): Promise<void> {
  const stackId = process.argv[2] ?? 'pg-redis';
  const actionsRoot = resolve(process.argv[3] ?? repoRoot);
  const stack = STACKS.find((s) => s.id === stackId);
  if (!stack) throw new Error(`unknown stack ${stackId}`);
  const node = process.env.EPHEMERAL_TEST_NODE || process.execPath;
  const tmp = mkdtempSync(join(tmpdir(), 'ephemeral-trace-'));
  const tracer = installDockerTracer(tmp);
  const events: TimelineEvent[] = [];
  let origin = 0;
  // Each step's process origin (epoch ms), from its start-up line; its marks are ms since that origin.
  const origins = new Map<string, number>();
  const onLine = (_step: string, phase: string, line: string) => {
    const startUp = /::debug::ephemeral start-up: ([\d.]+) ms \(origin ([\d.]+)\)/.exec(line);
    if (startUp) {
      const processOrigin = Number(startUp[2]);
      origins.set(phase, processOrigin);
      events.push({ atMs: processOrigin - origin, durationMs: 0, phase, what: '(process start)' });
      events.push({
        atMs: processOrigin - origin + Number(startUp[1]),
        durationMs: 0,
        phase,
        what: 'first work',
      });
      return;
    }
    const mark = /::debug::ephemeral at ([\d.]+) ms: (.*)/.exec(line);
    const processOrigin = origins.get(phase);
    if (mark && processOrigin !== undefined) {
      events.push({
        atMs: processOrigin - origin + Number(mark[1]),
        durationMs: 0,
        phase,
        what: `[${mark[2]}]`,
      });
      return;
    }
    if (process.env.TRACE_LINES)
      events.push({ atMs: nowMs() - origin, durationMs: 0, phase, what: `(line) ${line.slice(0, 100)}` });
  };
  try {
    // One untraced run first, as `npm run bench` warms up: the harness's fake GitHub compiles its OpenAPI
    // validators on an operation's first request (0.2–0.7 s each, measured), which no real GitHub does and
    // which the traced run would otherwise show as a slow PR re-check.
    const pr = 900_000 + Math.floor(Math.random() * 90_000);
    await provisionOnce({ dir: stack.dir, pr, node, actionsRoot }, new Set());
    origin = nowMs();
    const run = await provisionOnce(
      {
        dir: stack.dir,
        pr: pr + 1,
        node,
        actionsRoot,
        env: { ...tracer.env, RUNNER_DEBUG: '1' },
        onLine,
      },
      new Set(),
    );
    const log = join(tmp, 'docker-calls.tsv');
    if (existsSync(log)) events.push(...dockerEvents(readFileSync(log, 'utf8'), origin));
    events.sort((a, b) => a.atMs - b.atMs);
    console.log(
      `# ${stack.id}: total ${run.totalMs.toFixed(0)} ms, main ${run.mainMs} ms, post ${run.postMs} ms, phases ${JSON.stringify(run.phasesMs)}`,
    );
    for (const e of events) {
      const dur = e.durationMs
        ? ` [${e.durationMs.toFixed(0)} ms → ${(e.atMs + e.durationMs).toFixed(0)}]`
        : '';
      console.log(`${e.atMs.toFixed(0).padStart(6)}  ${e.phase.padEnd(4)}  ${e.what}${dur}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
