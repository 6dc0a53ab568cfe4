/**
 * provision-compose post: tear the environment down (`down --volumes --remove-orphans`, then leftovers by
 * label). Runs after failures and cancellations; idempotent; warns, never fails. Its result joins the job
 * summary and a JSON report (action `provision-compose-post`).
 */
import * as core from '@actions/core';
import type { UploadPolicy } from '../../shared/src/artifact.js';
import { DockerCompose, detectCompose } from '../../shared/src/compose.js';
import { removedReport, teardownCompose } from '../../shared/src/compose-teardown.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { postTornDown } from '../../shared/src/github/lifecycle.js';
import { type ComposeState, STATE_KEY } from '../../shared/src/handoff.js';
import { actionDir } from '../../shared/src/paths.js';
import { ActionReport } from '../../shared/src/reporting.js';

const ACTION = 'provision-compose-post';

/** Runs the post step. */
export async function cleanup(): Promise<void> {
  const raw = core.getState(STATE_KEY);
  if (!raw) {
    core.warning(
      'provision-compose post: main saved no state (it failed before naming the environment); nothing to clean up.',
    );
    return;
  }
  const state = JSON.parse(raw) as ComposeState;
  if (state.keep) {
    core.notice(
      `keep: true — environment ${state.environment} is left running. Remove it with the teardown action.`,
    );
    return;
  }
  const environment = resolveEnvironment(state.environment, null);
  const report = new ActionReport(ACTION, environment, actionDir(ACTION, state.environment));
  const upload = (state.uploadPolicy === 'always' ? 'always' : 'never') as UploadPolicy;
  try {
    const compose = new DockerCompose(await detectCompose());
    const result = await report.time('teardown', () =>
      core.group(`Tear down ${state.environment}`, () =>
        teardownCompose(compose, state.environment, {
          downTimeoutMs: state.downTimeoutMs,
          log: (line) => core.info(line),
        }),
      ),
    );
    report.data.removed = removedReport(result);
    if (result.status === 'refused') report.warn(result.reason ?? 'teardown refused');
    for (const failure of result.failures) report.warn(failure);
    if (result.status === 'removed' || result.status === 'partial') {
      core.info(
        `Teardown ${result.status}: ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s) removed.`,
      );
    }
    if (result.status === 'removed' || result.status === 'already-gone') {
      await postTornDown(environment, report, state.deploymentId ?? null);
    }
    await report.finish({
      result: result.status === 'removed' || result.status === 'already-gone' ? 'success' : 'failure',
      upload,
    });
  } catch (error) {
    await report.finish({ result: 'failure', error, upload });
    throw error;
  }
}
