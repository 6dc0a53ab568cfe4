/**
 * Part of measure `fingerprint` (bench/fingerprint-bench.ts): provision-compose + post on
 * examples/compose-app under the runner harness, with the fingerprint's share of each run taken from the
 * action's own JSON report (`timings.fingerprint`: the phase before `up`; `timings.drift`: the check after
 * the wait). Each run gives both sides of the comparison: its total, and its total without those two
 * phases, so machine drift hits both alike. Every project has a unique name and is removed (and checked
 * gone) in a `finally`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deriveIdentity } from '../actions/shared/src/environment/identity.js';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';
import { reportTimings } from './compose-bench.js';
import { describeLeftovers, isEmpty, removeProject } from './docker.js';

const REPOSITORY = 'acme/bench';

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
  const prBase = 100_000 + Math.floor(Math.random() * 800_000) * 10;
  let index = 0;
  /** Removes `project` and throws when anything of it survives. */
  const cleanUp = (project: string) => {
    const left = removeProject(project);
    active.delete(project);
    if (!isEmpty(left)) throw new Error(`could not remove ${project}: ${describeLeftovers(left)} left`);
  };
  const once = async (): Promise<FingerprintProvisionRun> => {
    const pr = prBase + ++index;
    const project = deriveIdentity({ repository: REPOSITORY, prNumber: pr, ref: '', explicitName: '' }).name;
    active.add(project);
    const head = randomBytes(20).toString('hex');
    try {
      const start = performance.now();
      const job = await runJob({
        repository: REPOSITORY,
        sha: head,
        workspace: repoRoot,
        node: options.node,
        actionsRoot: options.actionsRoot,
        event: pullRequestEvent(pr, head, { headRef: 'bench' }),
        steps: [
          { id: 'env', uses: 'provision-compose', with: { 'working-directory': 'examples/compose-app' } },
        ],
      });
      const totalMs = performance.now() - start;
      try {
        const post = job.steps.find((s) => s.id === 'env' && s.phase === 'post');
        if (job.status !== 'success' || post?.outcome !== 'success')
          throw new Error(
            `provision-compose job ${job.status} (post ${post?.outcome}):\n${job.logText().slice(-4000)}`,
          );
        const timings = reportTimings(join(job.runnerTemp, 'ephemeral', project));
        if (timings.fingerprint === undefined)
          throw new Error(`provision-compose's report for ${project} has no fingerprint timing`);
        return { totalMs, fingerprintMs: timings.fingerprint + (timings.drift ?? 0) };
      } finally {
        await job.cleanup();
      }
    } finally {
      cleanUp(project);
    }
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
