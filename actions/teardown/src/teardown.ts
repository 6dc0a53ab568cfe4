/**
 * teardown main (compose mode): derive the environment as provision-compose does (so it works stand-alone
 * in a closed-PR workflow), refuse anything without our managed-by label, remove the rest idempotently.
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose.js';
import { removedReport, teardownCompose } from '../../shared/src/compose-teardown.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { UserInputError } from '../../shared/src/errors.js';
import { actionDir } from '../../shared/src/paths.js';
import { ActionReport } from '../../shared/src/reporting.js';
import { OUTPUTS } from './contract.js';
import { getSettings, type TeardownSettings } from './settings.js';

const ACTION = 'teardown';

/** Runs teardown's main. */
export async function teardown(settings: TeardownSettings = getSettings()): Promise<void> {
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const name = environment.name;
  core.setOutput(OUTPUTS.environmentName, name);
  const report = new ActionReport(ACTION, environment, actionDir(ACTION, name));
  try {
    const compose = new DockerCompose(await detectCompose());
    const result = await report.time('teardown', () =>
      core.group(`Tear down ${name}`, () =>
        teardownCompose(compose, name, { downTimeoutMs: settings.downTimeoutMs, log: (l) => core.info(l) }),
      ),
    );
    report.data.removed = removedReport(result);
    core.setOutput(OUTPUTS.status, result.status);
    core.setOutput(
      OUTPUTS.removed,
      JSON.stringify({ containers: result.containers, networks: result.networks, volumes: result.volumes }),
    );
    if (result.status === 'refused') {
      throw new UserInputError(
        'name',
        result.reason ?? 'the project is not managed by ephemeral',
        'tear it down yourself, or pass the name of an environment these actions created',
      );
    }
    if (result.status === 'already-gone') core.info(`Environment ${name}: already gone.`);
    else
      core.info(
        `Environment ${name}: ${result.status} — ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s).`,
      );
    for (const failure of result.failures) report.warn(failure);
    if (result.status === 'partial')
      throw new Error(`Some resources of ${name} could not be removed: ${result.failures.join('; ')}`);
    core.setOutput(
      OUTPUTS.reportPath,
      await report.finish({ result: 'success', upload: settings.uploadReport }),
    );
  } catch (error) {
    core.setOutput(
      OUTPUTS.reportPath,
      await report.finish({ result: 'failure', error, upload: settings.uploadReport }),
    );
    throw error;
  }
}
