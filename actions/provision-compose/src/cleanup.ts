/**
 * provision-compose post: tear the environment down (`down --volumes --remove-orphans`, then leftovers by
 * label). Runs after failures and cancellations; idempotent; warns, never fails.
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose.js';
import { teardownCompose } from '../../shared/src/compose-teardown.js';
import { type ComposeState, STATE_KEY } from '../../shared/src/handoff.js';

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
  const compose = new DockerCompose(await detectCompose());
  const result = await core.group(`Tear down ${state.environment}`, () =>
    teardownCompose(compose, state.environment, {
      downTimeoutMs: state.downTimeoutMs,
      log: (line) => core.info(line),
    }),
  );
  if (result.status === 'refused') {
    core.warning(result.reason ?? 'teardown refused');
    return;
  }
  for (const failure of result.failures) core.warning(failure);
  core.info(
    `Teardown ${result.status}: ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s) removed.`,
  );
}
