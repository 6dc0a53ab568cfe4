/**
 * deploy-namespace's isolate phase, between prepare (the labelled host namespace and its guardrails) and
 * deploy: namespace isolation deploys with the host tools; vcluster isolation starts the virtual cluster
 * (vcluster.ts) and hands the deploy tools bound to it.
 */
import * as core from '@actions/core';
import { Helm } from '../../shared/src/kube/helm.js';
import { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { ENV_VCLUSTER_KUBECONFIG } from '../../shared/src/runtime/handoff.js';
import { saveState } from '../../shared/src/runtime/state.js';
import { OUTPUTS, STATE_KEY } from './contract.js';
import type { DeployRun, DeployTools } from './deploy.js';
import type { DeploySection } from './report.js';
import type { DeploySettings } from './settings.js';
import { ensureVirtualNamespace, startVcluster, VclusterCli } from './vcluster.js';

/**
 * Isolate (`isolation: vcluster`): the virtual cluster in the host namespace, ready (/readyz), its kubeconfig
 * saved for post and handed off (`kubeconfig-path`, `EPHEMERAL_VCLUSTER_KUBECONFIG`), the environment's namespace inside it; returns the tools
 * bound to it. Namespace mode: the host tools as they are.
 * @throws ToolError / DeadlineError from vcluster.ts
 */
export async function isolate(
  host: DeployTools,
  run: DeployRun,
  settings: DeploySettings,
  report: ActionReport,
  section: DeploySection,
): Promise<DeployTools> {
  if (settings.isolation !== 'vcluster') {
    // A vcluster deployed earlier in the job no longer describes where the workload runs.
    if (process.env[ENV_VCLUSTER_KUBECONFIG]) core.exportVariable(ENV_VCLUSTER_KUBECONFIG, '');
    return host;
  }
  const cli = new VclusterCli(settings.vcluster, host.kubectl.target, run.state.vclusterConfigPath ?? '');
  const vc = await report.time('vcluster', () =>
    core.group('Virtual cluster (vcluster)', () =>
      startVcluster(settings, {
        namespace: run.namespace,
        host: host.kubectl,
        cli,
        kubectl: settings.kubectl,
        runnerTemp: run.environment.context.runnerTemp,
        deadline: run.deadline,
        log: run.log,
        onKubeconfig: (path) => {
          run.state.vclusterKubeconfigPath = path;
          saveState(STATE_KEY, run.state);
        },
      }),
    ),
  );
  section.vcluster = { name: vc.name, server: vc.server };
  core.setOutput(OUTPUTS.kubeconfigPath, vc.kubeconfigPath);
  // wait-ready and verify-seed reach the workload through it; KUBECONFIG/EPHEMERAL_KUBECONFIG stay the host's.
  core.exportVariable(ENV_VCLUSTER_KUBECONFIG, vc.kubeconfigPath);
  const target = { kubeconfig: vc.kubeconfigPath };
  const virtual: DeployTools = {
    kubectl: new Kubectl(target, undefined, settings.kubectl),
    helm: host.helm ? new Helm(target, undefined, settings.helm) : null,
  };
  await ensureVirtualNamespace(virtual.kubectl, run.namespace);
  return virtual;
}
