/**
 * teardown main: derive the environment as provision-compose / deploy-namespace do (so it works
 * stand-alone in a closed-PR workflow), refuse anything without our managed-by label, remove the rest
 * idempotently. Compose mode removes the Compose project; namespace mode uninstalls the namespace's Helm
 * releases and deletes the namespace (see shared/src/kube/namespace-teardown.ts).
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose.js';
import { removedReport, teardownCompose } from '../../shared/src/compose-teardown.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { UserInputError } from '../../shared/src/errors.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { withKubectl } from '../../shared/src/kube/target.js';
import { actionDir } from '../../shared/src/paths.js';
import type { RemovedReport } from '../../shared/src/report.js';
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
  if (settings.mode === 'namespace') return teardownNamespaceMode(settings, name, report);
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

/** Namespace mode: the namespace (default: the environment name) with its Helm releases. */
async function teardownNamespaceMode(
  settings: TeardownSettings,
  name: string,
  report: ActionReport,
): Promise<void> {
  const namespace = settings.namespace || name;
  core.setOutput(OUTPUTS.namespace, namespace);
  try {
    const result = await withKubectl(settings.kube, (kubectl, target) =>
      report.time('teardown', () =>
        core.group(`Tear down namespace ${namespace}`, () =>
          teardownNamespace(kubectl, new Helm(target), namespace, name, {
            timeoutMs: settings.downTimeoutMs,
            log: (l) => core.info(l),
          }),
        ),
      ),
    );
    const removed: RemovedReport = {
      status: result.status,
      containers: [],
      networks: [],
      volumes: [],
      failures: result.failures,
      namespace,
      releases: result.releases,
    };
    report.data.removed = removed;
    core.setOutput(OUTPUTS.status, result.status);
    core.setOutput(
      OUTPUTS.removed,
      JSON.stringify({
        containers: [],
        networks: [],
        volumes: [],
        namespace: result.status === 'removed' || result.status === 'partial' ? namespace : '',
        releases: result.releases,
      }),
    );
    if (result.status === 'refused') {
      throw new UserInputError(
        settings.namespace ? 'namespace' : 'name',
        result.reason ?? `namespace ${namespace} is not managed by ephemeral`,
        'remove it yourself, or pass the namespace of an environment these actions created (labelled ephemeral.dev/managed-by=ephemeral and ephemeral.dev/environment=<name>)',
      );
    }
    if (result.status === 'already-gone') core.info(`Namespace ${namespace}: already gone.`);
    else
      core.info(
        `Namespace ${namespace}: ${result.status} — ${result.releases.length} Helm release(s) uninstalled${result.releases.length ? ` (${result.releases.join(', ')})` : ''}.`,
      );
    for (const failure of result.failures) report.warn(failure);
    if (result.status === 'partial')
      throw new Error(`Namespace ${namespace} was not fully removed: ${result.failures.join('; ')}`);
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
