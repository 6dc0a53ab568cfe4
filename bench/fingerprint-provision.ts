/**
 * Part of measure `fingerprint` (bench/fingerprint-bench.ts): provision-compose + post on
 * examples/compose-app under the runner harness (compose-bench.ts `provisionOnce`), with the fingerprint's
 * share of each run taken from the action's own JSON report (`timings.fingerprint`: the phase before `up`;
 * `timings.drift`: the check after the wait). Each run gives both sides of the comparison: its total, and
 * its total without those two phases, so machine drift hits both alike.
 */
import { provisionOnce } from './compose-bench.js';

/** One provision-compose + post run (ms). */
export interface FingerprintProvisionRun {
  totalMs: number;
  /** `timings.fingerprint` + `timings.drift` from the run's report. */
  fingerprintMs: number;
}

/**
 * Runs provision-compose + post `runs` times (after `warmupRuns` uncounted ones) on examples/compose-app.
 * @param active project names being created (removed on Ctrl-C by bench/run.ts)
 * @throws Error when a job fails, a report has no `fingerprint` timing, or a project is left behind
 */
export async function provisionWithFingerprint(
  options: {
    runs: number;
    warmupRuns: number;
    node: string;
    actionsRoot: string;
    log: (line: string) => void;
  },
  active: Set<string>,
): Promise<FingerprintProvisionRun[]> {
  // PR numbers unique to this invocation, so names never clash with an earlier (crashed) run
  const prBase = 100_000 + Math.floor(Math.random() * 800_000) * 10;
  let index = 0;
  const once = async (): Promise<FingerprintProvisionRun> => {
    const run = await provisionOnce(
      {
        dir: 'examples/compose-app',
        pr: prBase + ++index,
        node: options.node,
        actionsRoot: options.actionsRoot,
      },
      active,
    );
    const { fingerprint, drift } = run.phasesMs;
    if (fingerprint === undefined)
      throw new Error(`provision-compose's report for ${run.project} has no fingerprint timing`);
    return { totalMs: run.totalMs, fingerprintMs: fingerprint + (drift ?? 0) };
  };
  for (let i = 1; i <= options.warmupRuns; i++) {
    options.log(`fingerprint: provision-compose warm-up ${i}/${options.warmupRuns} (not counted)`);
    await once();
  }
  const runs: FingerprintProvisionRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const run = await once();
    options.log(
      `fingerprint: provision-compose+post run ${i}/${options.runs} ${(run.totalMs / 1000).toFixed(2)} s, of which fingerprint + drift ${run.fingerprintMs} ms`,
    );
    runs.push(run);
  }
  return runs;
}
