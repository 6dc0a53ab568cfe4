/**
 * Measure 5: each action's start-up under the runtime GitHub uses (Node 24, `EPHEMERAL_TEST_NODE`): from
 * process start to its first line of work, the moment runMain/runPost begins, after Node has started and
 * the bundle is loaded and evaluated. The actions log it themselves (runtime/run.ts, `STARTUP_LINE`, from
 * `performance.now()`, whose origin is the process start), so the spawn in this process is not counted.
 * Each entry runs with no inputs and no state: mains stop at their input check and posts find no state,
 * right after the line. Also each bundle's size: the entry file and the chunks beside it (loaded only when
 * a run needs them). With a baseline (`--startup-baseline DIR`, another build's dist/), each entry of the
 * baseline runs beside the same entry of this build, alternating which goes first, so both see the same
 * load.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STARTUP_LINE } from '../actions/shared/src/runtime/run.js';
import { median, type SummaryMs, summarize } from './stats.js';

/** Every entry point the action.yml files name, as `dist/`-relative paths. */
export const STARTUP_ENTRIES = [
  'provision-compose/index.js',
  'provision-compose/post.js',
  'deploy-namespace/index.js',
  'deploy-namespace/post.js',
  'wait-ready/index.js',
  'verify-seed/index.js',
  'teardown/index.js',
] as const;

/** One entry point's figures. */
export interface StartupFigure {
  entry: string;
  /** Process start → first line of work, ms. */
  started: SummaryMs;
  /** Spawn → exit of the same no-input run, ms (median). */
  wallMs: number;
  /** Bytes of the entry file. */
  entryBytes: number;
  /** Bytes of the lazily loaded chunks in its folder (shared by the folder's entries). */
  chunkBytes: number;
  /** The same entry of the baseline build, measured interleaved with this one (when one was given). */
  baseline?: { started: SummaryMs; entryBytes: number; chunkBytes: number };
}

/** The measure's result. */
export interface StartupResult {
  runs: number;
  /** The baseline build's folder, when one was measured beside this one. */
  baselineRoot: string | null;
  /** `node -e 0`, spawn → exit, median ms. */
  bareNodeMs: number;
  entries: StartupFigure[];
}

const LINE = new RegExp(`::debug::${STARTUP_LINE} ([\\d.]+) ms`);

function runOnce(node: string, script: string | null): Promise<{ wallMs: number; startedMs: number | null }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const child = spawn(node, script ? [script] : ['-e', '0'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => {
      const match = LINE.exec(out);
      resolve({
        wallMs: Number(process.hrtime.bigint() - start) / 1e6,
        startedMs: match ? Number(match[1]) : null,
      });
    });
  });
}

/**
 * Runs every entry `runs` times after one warm-up round, interleaved entry by entry.
 * @throws Error when an entry prints no start-up line (a bundle older than the trace)
 */
export async function benchStartup(options: {
  runs: number;
  node: string;
  /** The folder holding `<action>/index.js` (a snapshot's `dist/`). */
  distRoot: string;
  /** Another build's `dist/` to measure beside it (e.g. `git archive <ref> dist | tar -x -C DIR`), or null. */
  baselineRoot?: string | null;
  log: (line: string) => void;
}): Promise<StartupResult> {
  const bare: number[] = [];
  const baselineRoot = options.baselineRoot ?? null;
  const started = new Map<string, number[]>(STARTUP_ENTRIES.map((e) => [e, []]));
  const walls = new Map<string, number[]>(STARTUP_ENTRIES.map((e) => [e, []]));
  const before = new Map<string, number[]>(STARTUP_ENTRIES.map((e) => [e, []]));
  const once = async (root: string, entry: string) => {
    const run = await runOnce(options.node, join(root, entry));
    if (run.startedMs === null) throw new Error(`${join(root, entry)} printed no "${STARTUP_LINE}" line`);
    return run;
  };
  for (let i = 0; i <= options.runs; i++) {
    const bareRun = await runOnce(options.node, null);
    for (const entry of STARTUP_ENTRIES) {
      const baselineFirst = baselineRoot !== null && i % 2 === 1;
      const old = baselineFirst ? await once(baselineRoot, entry) : null;
      const run = await once(options.distRoot, entry);
      const other = baselineRoot !== null && !baselineFirst ? await once(baselineRoot, entry) : old;
      if (i === 0) continue; // warm-up: the file cache
      started.get(entry)?.push(run.startedMs as number);
      walls.get(entry)?.push(run.wallMs);
      if (other) before.get(entry)?.push(other.startedMs as number);
    }
    if (i === 0) continue;
    bare.push(bareRun.wallMs);
    const figures = STARTUP_ENTRIES.map((e) => `${e} ${Math.round(started.get(e)?.at(-1) ?? 0)}`);
    options.log(`start-up ${i}/${options.runs} (ms): ${figures.join(', ')}`);
  }
  return {
    runs: options.runs,
    baselineRoot,
    bareNodeMs: median(bare),
    entries: STARTUP_ENTRIES.map((entry) => ({
      entry,
      started: summarize(started.get(entry) ?? []),
      wallMs: median(walls.get(entry) ?? []),
      ...sizes(options.distRoot, entry),
      ...(baselineRoot
        ? { baseline: { started: summarize(before.get(entry) ?? []), ...sizes(baselineRoot, entry) } }
        : {}),
    })),
  };
}

/** The entry file's bytes and those of the chunks beside it. */
function sizes(root: string, entry: string): { entryBytes: number; chunkBytes: number } {
  const dir = join(root, entry.split('/')[0] ?? '');
  // chunks (`<n>.<entry>.js`) and the modules only deferred packages need (`<entry>.deferred.cjs`, scripts/bundle.mjs)
  const chunks = readdirSync(dir).filter((f) => /^\d+\.\w+\.js$/.test(f) || /^\w+\.deferred\.cjs$/.test(f));
  return {
    entryBytes: statSync(join(root, entry)).size,
    chunkBytes: chunks.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0),
  };
}
