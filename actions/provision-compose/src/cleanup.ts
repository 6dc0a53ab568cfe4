/**
 * provision-compose post: tear the environment down with the shared Compose removal (one label-filtered
 * inventory, then its containers, networks, volumes and the images it built; refused unless the project is
 * this environment's; compose/teardown.ts). Runs after failures and cancellations; idempotent; warns, never
 * fails. Its result joins the job summary and a JSON report (action `provision-compose-post`). Once removed,
 * its GitHub Deployments go inactive and the sticky comment says "torn down": Octokit loads and the reads
 * (the PR's comments, the environment's deployments and their statuses) go out while the engine removes
 * (`PostTornDown.whileRemoving`), so only the writes, at once, follow the removal (one round trip).
 */
import * as core from '@actions/core';
import { Docker } from '../../shared/src/compose/docker.js';
import { teardownCompose } from '../../shared/src/compose/teardown.js';
import { resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { DeployGitHub, PostTornDown } from '../../shared/src/github/deploy.js';
import { type GitHubSettings, readGitHubSettings } from '../../shared/src/github/settings.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import type { UploadPolicy } from '../../shared/src/report/artifact.js';
import { actionDir } from '../../shared/src/report/files.js';
import { describeRemoval, RemovedSection, removalSucceeded } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { Inputs } from '../../shared/src/runtime/inputs.js';
import { loadState } from '../../shared/src/runtime/state.js';
import { type ComposeState, DEFAULTS, STATE_KEY } from './contract.js';

const ACTION = 'provision-compose-post';

/** Post gets main's inputs: the GitHub settings main used. @throws UserInputError for a bad one */
const githubSettings = (): GitHubSettings => readGitHubSettings(new Inputs(undefined, DEFAULTS));

/** Tears down the environment main saved, reporting the result (post has no outputs). */
async function removeEnvironment(state: ComposeState): Promise<void> {
  const environment = resolveEnvironment(state.environment, null);
  const dir = actionDir(environment.context.runnerTemp, ACTION, state.environment);
  const report = new ActionReport(ACTION, environment, dir);
  const removed = report.add(new RemovedSection());
  const upload: UploadPolicy = state.uploadPolicy === 'always' ? 'always' : 'never';
  const github = new PostTornDown(
    () => new DeployGitHub(githubSettings(), environment, report, false, state.deploymentId ?? null),
  );
  await runWithReport({ report, upload }, async () => {
    const result = await report.time('teardown', () =>
      core.group(`Tear down ${state.environment}`, () =>
        teardownCompose(
          state.environment,
          {
            downTimeoutMs: state.downTimeoutMs,
            removeImages: state.removeImages === 'none' ? 'none' : 'local',
            log: (line) => core.info(line),
            whileRemoving: github.whileRemoving,
          },
          new Docker(),
        ),
      ),
    );
    removed.set(result);
    if (result.status === 'refused') report.warn(result.reason ?? 'teardown refused');
    for (const failure of result.failures) report.warn(failure);
    if (result.status === 'removed' || result.status === 'partial')
      core.info(`Teardown: ${describeRemoval(result)}.`);
    // Only once the removal is proven: the deployments inactive, the comment "torn down" (the writes: the
    // reads went out while the engine removed).
    if (removalSucceeded(result)) await github.tornDown();
    return removalSucceeded(result) ? 'success' : 'failure';
  });
}

/** Runs the post step. */
export async function cleanup(): Promise<void> {
  const state = loadState<ComposeState>(STATE_KEY, 'provision-compose', 'environment');
  if (!state) return;
  if (state.keep) {
    core.notice(
      `keep: true — environment ${state.environment} is left running. Remove it with the teardown action.`,
    );
    return;
  }
  await removeEnvironment(state);
}
