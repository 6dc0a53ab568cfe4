/**
 * deploy-namespace post: per the `cleanup` policy, `helm uninstall` the release and delete the namespace
 * (only when it carries our managed-by label; never a protected one), waiting a bounded time; then remove
 * the kubeconfig file main wrote. Runs after failures and cancellations; idempotent; warns, never fails.
 */
import * as core from '@actions/core';
import type { UploadPolicy } from '../../shared/src/artifact.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { errorMessage } from '../../shared/src/errors.js';
import { postTornDown } from '../../shared/src/github/lifecycle.js';
import { Helm, uninstallArgs } from '../../shared/src/kube/helm.js';
import { removeKubeconfig } from '../../shared/src/kube/kubeconfig.js';
import { isProtectedNamespace, Kubectl, type KubeTarget } from '../../shared/src/kube/kubectl.js';
import { actionDir } from '../../shared/src/paths.js';
import type { RemovedReport } from '../../shared/src/report.js';
import { type DeployState, STATE_KEY } from './contract.js';
import { isOurs } from './namespace.js';
import { DeployReport } from './report.js';

const ACTION = 'deploy-namespace-post';

/** Whether post removes the environment, given the policy and main's result (pure). */
export function shouldClean(policy: DeployState['cleanup'], succeeded: boolean): boolean {
  return policy === 'always' || (policy === 'on-failure' && !succeeded);
}

/**
 * Deletes the release and namespace. Returns what happened; never throws for cluster errors.
 * @param timeoutMs bound for uninstall + namespace deletion together
 */
export async function removeNamespace(
  kubectl: Kubectl,
  helm: Helm | null,
  namespace: string,
  release: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<RemovedReport> {
  const removed: RemovedReport = {
    status: 'removed',
    containers: [],
    networks: [],
    volumes: [],
    failures: [],
  };
  const deadline = Date.now() + timeoutMs;
  const got = await kubectl.tryRun(['get', 'namespace', namespace, '--output', 'json'], {
    timeoutMs: 30_000,
  });
  if (got.exitCode !== 0) {
    if (/NotFound|not found/i.test(got.stderr)) return { ...removed, status: 'already-gone' };
    return {
      ...removed,
      status: 'partial',
      failures: [`could not read namespace ${namespace}: ${got.stderr.trim().slice(-300)}`],
    };
  }
  const ns = JSON.parse(got.stdout);
  if (isProtectedNamespace(namespace) || !isOurs(ns)) {
    return {
      ...removed,
      status: 'refused',
      failures: [
        `namespace ${namespace} is ${isProtectedNamespace(namespace) ? 'protected' : 'not labelled as ours'}: left in place`,
      ],
    };
  }
  if (helm && release && ns.status?.phase !== 'Terminating') {
    const seconds = Math.max(Math.ceil((deadline - Date.now()) / 2000), 5);
    const result = await helm.tryRun(uninstallArgs(release, namespace, seconds, false), {
      timeoutMs: seconds * 1000 + 15_000,
    });
    if (result.exitCode === 0) log(`helm uninstall ${release}: done`);
    else if (!/not found/i.test(result.stderr))
      removed.failures.push(`helm uninstall ${release}: ${result.stderr.trim().slice(-300)}`);
  }
  const seconds = Math.max(Math.ceil((deadline - Date.now()) / 1000), 5);
  const deleted = await kubectl.tryRun(
    ['delete', 'namespace', namespace, '--ignore-not-found', '--wait', `--timeout=${seconds}s`],
    { timeoutMs: seconds * 1000 + 15_000 },
  );
  const after = await kubectl.namespace(namespace).catch(() => ns);
  if (after === null) {
    log(`Namespace ${namespace} deleted`);
    return removed;
  }
  removed.status = 'partial';
  removed.failures.push(
    `namespace ${namespace} is still ${after.status?.phase ?? 'there'} after ${seconds}s${deleted.exitCode !== 0 ? `: ${deleted.stderr.trim().slice(-300)}` : ''}; it will go when its finalizers finish (or delete it by hand)`,
  );
  return removed;
}

/** Runs the post step. */
export async function cleanup(): Promise<void> {
  const raw = core.getState(STATE_KEY);
  if (!raw) {
    core.warning(
      'deploy-namespace post: main saved no state (it failed before naming the namespace); nothing to clean up.',
    );
    return;
  }
  const state = JSON.parse(raw) as DeployState;
  try {
    if (!shouldClean(state.cleanup, state.succeeded)) {
      core.notice(
        `cleanup: ${state.cleanup} — namespace ${state.namespace} is left in place. Remove it with the teardown action (or kubectl delete namespace ${state.namespace}).`,
      );
      return;
    }
    const environment = resolveEnvironment(state.environment, null);
    const report = new DeployReport(ACTION, environment, actionDir(ACTION, state.environment));
    report.deploy.namespace = state.namespace;
    const upload = (state.uploadPolicy === 'always' ? 'always' : 'never') as UploadPolicy;
    const target: KubeTarget = {
      ...(state.kubeconfigPath ? { kubeconfig: state.kubeconfigPath } : {}),
      ...(state.context ? { context: state.context } : {}),
    };
    const kubectl = new Kubectl(target, undefined, state.kubectl || 'kubectl');
    const helm = state.release ? new Helm(target, undefined, state.helm || 'helm') : null;
    try {
      const removed = await report.time('teardown', () =>
        core.group(`Remove namespace ${state.namespace}`, () =>
          removeNamespace(kubectl, helm, state.namespace, state.release, state.cleanupTimeoutMs, (l) =>
            core.info(l),
          ),
        ),
      );
      report.data.removed = removed;
      for (const failure of removed.failures) report.warn(failure);
      core.info(`Cleanup: ${removed.status}`);
      if (removed.status === 'removed' || removed.status === 'already-gone') {
        await postTornDown(environment, report, state.deploymentId ?? null);
      }
      await report.finish({
        result: removed.status === 'removed' || removed.status === 'already-gone' ? 'success' : 'failure',
        upload,
      });
    } catch (error) {
      report.warn(`cleanup: ${errorMessage(error)}`);
      await report.finish({ result: 'failure', error, upload });
      throw error;
    }
  } finally {
    if (state.kubeconfigPath) {
      removeKubeconfig(state.kubeconfigPath);
      core.info('Removed the kubeconfig file main wrote.');
    }
  }
}
