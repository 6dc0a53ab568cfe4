/**
 * deploy-namespace post: per the `cleanup` policy, remove the namespace with the one namespace removal
 * (shared/src/kube/namespace-teardown.ts: Helm releases uninstalled, namespace deleted, waited for; refused
 * unless it is this environment's), then remove the kubeconfig file main wrote. With `isolation: vcluster`
 * the virtual cluster is a Helm release in the host namespace, so the same removal uninstalls it first; the
 * virtual cluster's kubeconfig and the private vcluster CLI config are removed last, whatever the policy. Runs after failures and
 * cancellations; idempotent; warns, never fails. Its result joins the job summary and a JSON report
 * (action `deploy-namespace-post`). Once removed, its GitHub Deployments go inactive and the sticky comment
 * says "torn down": the reads of that go out while the namespace is removed (`PostTornDown`), so only the
 * writes follow the removal.
 */
import * as core from '@actions/core';
import { resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { DeployGitHub, PostTornDown } from '../../shared/src/github/deploy.js';
import { readGitHubSettings } from '../../shared/src/github/settings.js';
import { kubeTarget } from '../../shared/src/kube/connection.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { removeKubeconfig } from '../../shared/src/kube/kubeconfig.js';
import { Kubectl } from '../../shared/src/kube/kubectl.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import type { UploadPolicy } from '../../shared/src/report/artifact.js';
import { actionDir } from '../../shared/src/report/files.js';
import { describeRemoval, RemovedSection, removalSucceeded } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { Inputs } from '../../shared/src/runtime/inputs.js';
import { loadState } from '../../shared/src/runtime/state.js';
import { DEFAULTS, type DeployState, STATE_KEY } from './contract.js';
import { DeploySection } from './report.js';
import { removeCliConfig } from './vcluster.js';

const ACTION = 'deploy-namespace-post';

/** Whether post removes the environment, given the policy and main's result (pure). */
export function shouldClean(policy: DeployState['cleanup'], succeeded: boolean): boolean {
  return policy === 'always' || (policy === 'on-failure' && !succeeded);
}

/** Removes the namespace main deployed to, with the kubectl and helm main used; reports the result. */
async function removeNamespace(state: DeployState): Promise<void> {
  const environment = resolveEnvironment(state.environment, null);
  const report = new ActionReport(
    ACTION,
    environment,
    actionDir(environment.context.runnerTemp, ACTION, state.environment),
  );
  report.add(new DeploySection(state.namespace));
  const removed = report.add(new RemovedSection());
  const target = kubeTarget(state.kubeconfigPath, state.context);
  const kubectl = new Kubectl(target, undefined, state.kubectl || 'kubectl');
  const helm = new Helm(target, undefined, state.helm || 'helm');
  const upload: UploadPolicy = state.uploadPolicy === 'always' ? 'always' : 'never';
  // Post gets main's inputs (the GitHub settings main used).
  const github = new PostTornDown(() => {
    const settings = readGitHubSettings(new Inputs(undefined, DEFAULTS));
    return new DeployGitHub(settings, environment, report, false, state.deploymentId ?? null);
  });
  await runWithReport({ report, upload }, async () => {
    const result = await report.time('teardown', () =>
      core.group(`Remove namespace ${state.namespace}`, () =>
        teardownNamespace(kubectl, helm, state.namespace, state.environment, {
          timeoutMs: state.cleanupTimeoutMs,
          log: (line) => core.info(line),
          whileRemoving: github.whileRemoving,
        }),
      ),
    );
    removed.set(result);
    if (result.status === 'refused') report.warn(`${result.reason ?? 'refused'}: left in place`);
    for (const failure of result.failures) report.warn(failure);
    core.info(`Cleanup: ${describeRemoval(result)}`);
    // Only once the removal is proven: the deployments inactive, the comment "torn down" (the writes: the
    // reads went out while the namespace was removed).
    if (removalSucceeded(result)) await github.tornDown();
    return removalSucceeded(result) ? 'success' : 'failure';
  });
}

/** Runs the post step. */
export async function cleanup(): Promise<void> {
  const state = loadState<DeployState>(STATE_KEY, 'deploy-namespace', 'namespace');
  if (!state) return;
  try {
    if (shouldClean(state.cleanup, state.succeeded)) await removeNamespace(state);
    else
      core.notice(
        `cleanup: ${state.cleanup} — namespace ${state.namespace} is left in place. Remove it with the teardown action (or kubectl delete namespace ${state.namespace}).`,
      );
  } finally {
    if (state.kubeconfigPath) {
      removeKubeconfig(state.kubeconfigPath);
      core.info('Removed the kubeconfig file main wrote.');
    }
    if (state.vclusterKubeconfigPath) {
      removeKubeconfig(state.vclusterKubeconfigPath);
      core.info("Removed the virtual cluster's kubeconfig file (kubeconfig-path).");
    }
    removeCliConfig(state.vclusterConfigPath ?? '');
  }
}
