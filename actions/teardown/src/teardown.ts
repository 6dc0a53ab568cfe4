/**
 * teardown main: derive the environment as provision-compose / deploy-namespace do (so it works
 * stand-alone in a closed-PR workflow), refuse anything without our managed-by label, remove the rest
 * idempotently. Compose mode removes the Compose project; namespace mode uninstalls the namespace's Helm
 * releases and deletes the namespace (see shared/src/kube/namespace-teardown.ts).
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose.js';
import { removedReport, teardownCompose } from '../../shared/src/compose-teardown.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment.js';
import { UserInputError } from '../../shared/src/errors.js';
import { createGitHub } from '../../shared/src/github/client.js';
import { deleteEnvironment } from '../../shared/src/github/deployment.js';
import { describeFailure } from '../../shared/src/github/errors.js';
import { Lifecycle } from '../../shared/src/github/lifecycle.js';
import { ENV_DEPLOYMENT_ID } from '../../shared/src/handoff.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { withKubectl } from '../../shared/src/kube/target.js';
import { actionDir } from '../../shared/src/paths.js';
import type { RemovedReport } from '../../shared/src/report.js';
import { ActionReport } from '../../shared/src/reporting.js';
import { OUTPUTS } from './contract.js';
import { getSettings, type TeardownSettings } from './settings.js';
import { sweep } from './sweep.js';

const ACTION = 'teardown';

/**
 * The GitHub side once the environment is gone: its Deployments inactive, the sticky comment "torn down"
 * (never a new one), and with an admin token the GitHub environment deleted. Soft: warnings only.
 */
async function markTornDown(
  settings: TeardownSettings,
  environment: ResolvedEnvironment,
  report: ActionReport,
): Promise<void> {
  const warn = (m: string) => report.warn(m);
  const handedOff = Number(process.env[ENV_DEPLOYMENT_ID] ?? '');
  const lifecycle = Lifecycle.create(
    settings.github,
    environment,
    warn,
    process.env,
    Number.isInteger(handedOff) && handedOff > 0 ? handedOff : null,
  );
  const reason = environment.context.prState === 'closed' ? 'pull request closed' : 'teardown';
  await report.time('github', () => lifecycle.tornDown(reason));
  if (settings.adminToken) {
    const admin = createGitHub({
      token: settings.adminToken,
      repository: environment.context.repository,
      warn,
    });
    const deleted = await deleteEnvironment(admin, lifecycle.deploymentEnvironment);
    if (deleted.ok) core.info(`GitHub environment ${lifecycle.deploymentEnvironment} deleted.`);
    else
      warn(
        `Could not delete the GitHub environment ${lifecycle.deploymentEnvironment}: ${describeFailure(deleted.failure)}`,
      );
  }
  report.data.github = lifecycle.finishReport();
}

/** Runs teardown's main. */
export async function teardown(settings: TeardownSettings = getSettings()): Promise<void> {
  if (settings.mode === 'sweep' && settings.sweep) return sweep(settings.sweep);
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const name = environment.name;
  core.setOutput(OUTPUTS.environmentName, name);
  const report = new ActionReport(ACTION, environment, actionDir(ACTION, name));
  if (settings.mode === 'namespace') return teardownNamespaceMode(settings, environment, report);
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
    await markTornDown(settings, environment, report);
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
  environment: ResolvedEnvironment,
  report: ActionReport,
): Promise<void> {
  const name = environment.name;
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
    await markTornDown(settings, environment, report);
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
