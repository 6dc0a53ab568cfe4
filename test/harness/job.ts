/**
 * Runs bundled JavaScript actions (`runs.using: nodeXX`) the way the GitHub Actions runner does, for
 * integration tests (vitest), the demo script and the benchmarks (tsx).
 *
 * Behaviour reproduced from `actions/runner` (ActionRunner, NodeScriptActionHandler, FileCommandManager,
 * ActionCommandManager, ProcessInvoker, StepsRunner):
 *
 * - every step is a fresh `node <main>` process, cwd = workspace, stdin closed (process.ts);
 * - env = harness process env (minus inherited `GITHUB_*`, `INPUT_*`, `RUNNER_*`, `STATE_*`, `ACTIONS_*`,
 *   and vitest's own variables) + job env + `GITHUB_ENV` exports so far + step env, then `STATE_*`, then
 *   `INPUT_*` for every declared input (`with` value, else the action.yml default, else `''`), then `PATH`
 *   with `GITHUB_PATH` entries prepended (newest first), then the default `GITHUB_*` / `RUNNER_*` variables
 *   (which therefore can't be overridden by env, as on GitHub), `GITHUB_ACTIONS=true` and `CI=true` unless
 *   `CI` is already set (env.ts, action.ts);
 * - fresh file-command files per step, processed after the process exits, even when it failed or was
 *   cancelled; a malformed file fails the step (file-commands.ts);
 * - workflow commands on stdout **and** stderr (the runner processes both; commands.ts);
 * - main steps run in order with the implicit `if: success()`; then the post steps of every main step that
 *   ran, in reverse order, gated by `runs.post-if` (default `always()`);
 * - cancellation and step timeout: SIGINT, then SIGTERM 7.5 s later, then SIGKILL of the process group
 *   2.5 s after that (process.ts).
 */
import * as fs from 'node:fs';
import { type ActionManifest, loadAction } from './action.js';
import { repoRoot } from './env.js';
import { evaluateCondition } from './expression.js';
import { defaultGitHub, seedGitHub } from './github/seed.js';
import { Job } from './run-state.js';
import { runnerNote, runPhase, skipped } from './step.js';
import type { JobResult, JobSpec, StepSpec } from './types.js';

export type * from './types.js';

/** Checks step ids and the cancel target; loads every action (the runner does so before any step runs). */
function loadJob(spec: JobSpec): Map<string, ActionManifest> {
  const ids = new Set<string>();
  for (const s of spec.steps) {
    if (!s.id) throw new Error('every step needs an id');
    if (ids.has(s.id)) throw new Error(`duplicate step id '${s.id}'`);
    ids.add(s.id);
  }
  if (spec.cancel && !ids.has(spec.cancel.step))
    throw new Error(`cancel.step '${spec.cancel.step}' is not a step id`);
  const actionsRoot = spec.actionsRoot ?? repoRoot;
  return new Map(spec.steps.map((s) => [s.id, loadAction(actionsRoot, s.uses)]));
}

/** Main steps in order; after a failure or cancellation the rest are skipped. Returns the steps that ran. */
async function runMains(job: Job): Promise<Array<{ step: StepSpec; state: Record<string, string> }>> {
  const ran: Array<{ step: StepSpec; state: Record<string, string> }> = [];
  for (const step of job.spec.steps) {
    if (job.status !== 'success') {
      job.results.push(skipped(step.id, 'main'));
      job.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const r = await runPhase(job, step, 'main', {});
    job.results.push(r);
    const conclusion = step.continueOnError && r.outcome === 'failure' ? 'success' : r.outcome;
    job.steps[step.id] = { outputs: { ...r.outputs }, outcome: r.outcome, conclusion };
    ran.push({ step, state: r.state });
    job.merge(conclusion);
  }
  return ran;
}

/** Post steps of the steps that ran, last registered first, each gated by its `post-if`. */
async function runPosts(
  job: Job,
  ran: Array<{ step: StepSpec; state: Record<string, string> }>,
): Promise<void> {
  for (const { step, state } of [...ran].reverse()) {
    const manifest = job.manifests.get(step.id) as ActionManifest;
    if (!manifest.post) continue;
    let run: boolean;
    try {
      run = evaluateCondition(manifest.postIf, job.scope(job.envOf(step)));
    } catch (e) {
      const r = skipped(step.id, 'post', manifest.postIf);
      r.outcome = 'failure';
      r.annotations.push(
        runnerNote(
          'error',
          `The step failed and an error occurred when attempting to determine whether to continue: ${(e as Error).message}`,
        ),
      );
      job.results.push(r);
      job.merge('failure');
      continue;
    }
    if (!run) {
      job.results.push(skipped(step.id, 'post', manifest.postIf));
      continue;
    }
    const r = await runPhase(job, step, 'post', state, manifest.postIf);
    job.results.push(r);
    job.merge(r.outcome);
  }
}

/**
 * Runs a job: every step's main in order, then the posts in reverse order, as the GitHub Actions runner
 * does, every step talking to a fake GitHub (`spec.github`, else one shared fake; see github/seed.ts).
 * Rejects for harness errors (unknown action, bad spec) and when the actions broke GitHub's REST contract
 * (a request or response the fake's OpenAPI validation refused); step failures are reported in the result.
 */
export async function runJob(spec: JobSpec): Promise<JobResult> {
  const manifests = loadJob(spec);
  const github = spec.github ?? (await defaultGitHub());
  const job = new Job(spec, manifests, github.url);
  seedGitHub(github, job.facts, spec.github === undefined);
  await runPosts(job, await runMains(job));
  // GitHub's contract has teeth: a request or response the fake found invalid fails the job's test.
  const violations = github.violations.splice(0);
  if (violations.length > 0)
    throw new Error(`The actions broke GitHub's REST contract (fake GitHub):\n- ${violations.join('\n- ')}`);
  const byId = new Map(job.results.filter((r) => r.phase === 'main').map((r) => [r.id, r]));
  return {
    steps: job.results,
    outputs(stepId: string) {
      const r = byId.get(stepId);
      if (!r) throw new Error(`no step '${stepId}' in this job (steps: ${[...byId.keys()].join(', ')})`);
      return r.outputs;
    },
    env: { ...job.exported },
    summary: job.summaries.join(''),
    runnerTemp: job.facts.runnerTemp,
    workspace: job.facts.workspace,
    status: job.status,
    logText: () => job.log.map((l) => l.masked).join('\n'),
    rawLogText: () => job.log.map((l) => l.raw).join('\n'),
    cleanup: async () => {
      await fs.promises.rm(job.base, { recursive: true, force: true });
    },
  };
}
