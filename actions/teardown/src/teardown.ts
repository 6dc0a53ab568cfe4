/**
 * teardown main: derive the environment as provision-compose / deploy-namespace do (so it works stand-alone
 * in a closed-PR workflow), then remove it with the shared removal of its kind, which refuses anything that
 * is not this environment's: Compose mode removes the Compose project (shared/src/compose/teardown.ts),
 * namespace mode uninstalls the namespace's Helm releases and deletes the namespace
 * (shared/src/kube/namespace-teardown.ts). A refused or partial removal fails the step. Once removed, the
 * environment is marked torn down on GitHub (github.ts: the reads went out during the removal, the writes
 * follow it). The fingerprint of what was removed is read first
 * (fingerprint.ts) and reported. `mode: sweep` removes every orphaned or expired
 * environment of the repository instead (sweep.ts).
 */
import * as core from '@actions/core';
import { Docker } from '../../shared/src/compose/docker.js';
import { teardownCompose } from '../../shared/src/compose/teardown.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { withKubectl } from '../../shared/src/kube/connection.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import {
  describeRemoval,
  errorRemoval,
  type Removal,
  RemovedSection,
} from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { setStatus } from '../../shared/src/report/status.js';
import { errorMessage, UserInputError } from '../../shared/src/runtime/errors.js';
import { OUTPUTS } from './contract.js';
import { composeFingerprint, namespaceFingerprint } from './fingerprint.js';
import { TeardownGitHub } from './github.js';
import { getSettings, type TeardownSettings } from './settings.js';
import { sweep } from './sweep.js';

const ACTION = 'teardown';

/**
 * Compose mode: the Compose project named after the environment (plain docker calls: no Compose needed);
 * the fingerprint it recorded goes to `removed`.
 */
async function removeComposeProject(
  settings: TeardownSettings,
  name: string,
  removed: RemovedSection,
  whileRemoving: () => void,
): Promise<Removal> {
  removed.fingerprint = await composeFingerprint(name);
  return core.group(`Tear down ${name}`, () =>
    teardownCompose(
      name,
      {
        downTimeoutMs: settings.downTimeoutMs,
        removeImages: settings.removeImages,
        log: (l) => core.info(l),
        whileRemoving,
      },
      new Docker(),
    ),
  );
}

/** Namespace mode: the namespace (default: the environment name) with its Helm releases. */
async function removeNamespace(
  settings: TeardownSettings,
  environment: ResolvedEnvironment,
  removed: RemovedSection,
  whileRemoving: () => void,
): Promise<Removal> {
  const namespace = settings.namespace || environment.name;
  core.setOutput(OUTPUTS.namespace, namespace);
  return withKubectl(settings.kube, environment.context.runnerTemp, (kubectl, target) =>
    core.group(`Tear down namespace ${namespace}`, async () => {
      removed.fingerprint = await namespaceFingerprint(kubectl, namespace);
      return teardownNamespace(kubectl, new Helm(target), namespace, environment.name, {
        timeoutMs: settings.downTimeoutMs,
        log: (l) => core.info(l),
        whileRemoving,
      });
    }),
  );
}

/** The `removed` output: what was removed, by kind (the namespace only when it was actually removed). */
export function removedOutput(removal: Removal): Record<string, unknown> {
  if (removal.kind === 'compose')
    return {
      containers: removal.containers,
      networks: removal.networks,
      volumes: removal.volumes,
      images: removal.images,
    };
  const gone = removal.status === 'removed' || removal.status === 'partial';
  return {
    containers: [],
    networks: [],
    volumes: [],
    images: [],
    namespace: gone ? removal.namespace : '',
    releases: removal.releases,
  };
}

/**
 * Fails the step for a refused or partial removal.
 * @throws UserInputError (refused: the input that named it); Error (partial: the failures)
 */
function judge(removal: Removal, settings: TeardownSettings, name: string): void {
  if (removal.status === 'refused') {
    if (removal.kind === 'compose')
      throw new UserInputError(
        'name',
        removal.reason ?? 'the project is not managed by ephemeral',
        'tear it down yourself, or pass the name of an environment these actions created',
      );
    throw new UserInputError(
      settings.namespace ? 'namespace' : 'name',
      removal.reason ?? `namespace ${removal.namespace} is not managed by ephemeral`,
      'remove it yourself, or pass the namespace of an environment these actions created (labelled ephemeral.dev/managed-by=ephemeral and ephemeral.dev/environment=<name>)',
    );
  }
  if (removal.status !== 'partial') return;
  const what =
    removal.kind === 'compose'
      ? `Some resources of ${name} could not be removed`
      : `Namespace ${removal.namespace} was not fully removed`;
  throw new Error(`${what}: ${removal.failures.join('; ')}`);
}

/** Runs teardown's main. */
export async function teardown(settings: TeardownSettings = getSettings()): Promise<void> {
  if (settings.mode === 'sweep' && settings.sweep) return sweep(settings.sweep);
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const name = environment.name;
  core.setOutput(OUTPUTS.environmentName, name);
  const report = new ActionReport(
    ACTION,
    environment,
    actionDir(environment.context.runnerTemp, ACTION, name),
  );
  const removed = report.add(new RemovedSection());
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  const github = new TeardownGitHub(settings, environment, report);
  await runWithReport({ report, upload: settings.uploadReport, main: true, onReportPath }, async () => {
    const removal = await report.time('teardown', () =>
      (settings.mode === 'namespace'
        ? removeNamespace(settings, environment, removed, github.whileRemoving)
        : removeComposeProject(settings, name, removed, github.whileRemoving)
      ).catch((error: unknown) => {
        // The engine or the cluster could not be asked: nothing is known, so never "already gone".
        const kind = settings.mode === 'namespace' ? 'namespace' : 'compose';
        removed.set(errorRemoval(kind, settings.namespace || name, errorMessage(error)));
        throw error;
      }),
    );
    removed.set(removal);
    setStatus(removal.status);
    if (removed.fingerprint) core.setOutput(OUTPUTS.fingerprint, removed.fingerprint);
    core.setOutput(OUTPUTS.removed, JSON.stringify(removedOutput(removal)));
    const subject = removal.kind === 'compose' ? `Environment ${name}` : `Namespace ${removal.namespace}`;
    if (removal.status === 'already-gone') core.info(`${subject}: already gone.`);
    else if (removal.status !== 'refused') core.info(`Teardown: ${describeRemoval(removal)}.`);
    for (const failure of removal.failures) report.warn(failure);
    judge(removal, settings, name);
    await github.markTornDown();
    return 'success';
  });
}
