/**
 * deploy-namespace main: name the namespace from the shared identity, create or update it with the
 * environment's labels, add the guardrails, deploy (Helm chart, manifests or kustomization), wait for the
 * workloads, and report. On failure: the bounded diagnostics bundle, then the step fails (post cleans up).
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { isCancelled } from '../../shared/src/action.js';
import type { Diagnostics } from '../../shared/src/diagnostics.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { errorMessage, UserInputError } from '../../shared/src/errors.js';
import { endGuarded, Lifecycle, SupersededError } from '../../shared/src/github/lifecycle.js';
import { ENV_DEPLOYMENT_ID, ENV_ENVIRONMENT } from '../../shared/src/handoff.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { writeKubeconfig } from '../../shared/src/kube/kubeconfig.js';
import {
  ENV_KUBECONFIG,
  ENV_NAMESPACE,
  isProtectedNamespace,
  Kubectl,
  type KubeTarget,
} from '../../shared/src/kube/kubectl.js';
import { stableLabels } from '../../shared/src/labels.js';
import { actionDir } from '../../shared/src/paths.js';
import { applyAndRollout } from './apply.js';
import { removeNamespace } from './cleanup.js';
import { type DeployState, OUTPUTS, STATE_KEY } from './contract.js';
import { collectKubeDiagnostics } from './diagnostics.js';
import { applyGuardrails } from './guardrails.js';
import { deployChart } from './helm-deploy.js';
import { ensureNamespace } from './namespace.js';
import { DeployReport } from './report.js';
import { type DeploySettings, getSettings } from './settings.js';
import { renderTemplate, type TemplateVars } from './templates.js';
import { readWorkloads } from './workloads.js';

export const ACTION = 'deploy-namespace';

/** Runs deploy-namespace's main. */
export async function deploy(settings: DeploySettings = getSettings()): Promise<void> {
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const namespace = environment.name;
  if (isProtectedNamespace(namespace)) {
    throw new UserInputError(
      'name',
      `"${namespace}" is a protected namespace (default or kube-*)`,
      'choose another "name", or leave it empty to derive one from the pull request',
    );
  }
  // Masks the kubeconfig's secrets before anything else could print them.
  const kubeconfigPath = settings.kubeconfig ? writeKubeconfig(settings.kubeconfig) : '';
  const state: DeployState = {
    environment: namespace,
    namespace,
    release: settings.mode === 'helm' ? settings.release : '',
    helm: settings.helm,
    kubectl: settings.kubectl,
    kubeconfigPath,
    context: settings.context,
    cleanup: settings.cleanup,
    cleanupTimeoutMs: settings.cleanupTimeoutMs,
    uploadPolicy: settings.uploadReport,
    succeeded: false,
  };
  // Saved first: whatever happens next, post knows what to clean (and which kubeconfig file to remove).
  core.saveState(STATE_KEY, JSON.stringify(state));
  const dir = actionDir(ACTION, namespace);
  const report = new DeployReport(ACTION, environment, dir);
  report.deploy.namespace = namespace;
  report.deploy.mode = settings.mode;
  core.setOutput(OUTPUTS.namespace, namespace);
  core.setOutput(OUTPUTS.environmentName, namespace);
  core.exportVariable(ENV_ENVIRONMENT, namespace);
  core.exportVariable(ENV_NAMESPACE, namespace);
  if (kubeconfigPath) {
    core.exportVariable('KUBECONFIG', kubeconfigPath);
    core.exportVariable(ENV_KUBECONFIG, kubeconfigPath);
  }
  const ctx = environment.context;
  const base: TemplateVars = {
    namespace,
    pr: environment.prNumber === null ? '' : String(environment.prNumber),
    sha: ctx.headSha,
    environment: namespace,
    host: '',
  };
  const host = settings.host ? renderTemplate('host', settings.host, base) : '';
  const vars: TemplateVars = { ...base, host };
  if (host) core.setOutput(OUTPUTS.url, `https://${host}`);
  if (settings.mode === 'helm') core.setOutput(OUTPUTS.release, settings.release);
  core.info(
    `Namespace: ${namespace} (${environment.source}); mode: ${settings.mode}; timeout ${settings.timeoutMs / 1000}s; cleanup: ${settings.cleanup}`,
  );
  core.debug(
    `Settings: ${JSON.stringify({ ...settings, kubeconfig: settings.kubeconfig ? '(set, masked)' : '' })}`,
  );

  const target: KubeTarget = {
    ...(kubeconfigPath ? { kubeconfig: kubeconfigPath } : {}),
    ...(settings.context ? { context: settings.context } : {}),
  };
  const kubectl = new Kubectl(target, undefined, settings.kubectl);
  const helm = settings.mode === 'helm' ? new Helm(target, undefined, settings.helm) : null;
  const deadline = Date.now() + settings.timeoutMs;
  const log = (line: string) => core.info(line);
  let touched = false;
  const lifecycle = Lifecycle.create(settings.github, environment, (m) => report.warn(m));
  let deploying: Promise<void> = Promise.resolve();
  const tearDown = async () => {
    report.data.removed = await removeNamespace(
      kubectl,
      helm,
      namespace,
      state.release,
      settings.cleanupTimeoutMs,
      log,
    );
  };
  const guarded = { upload: settings.uploadReport, failOnSuperseded: settings.failOnSuperseded };
  try {
    const before = await report.time('github', () => lifecycle.recheck('before deploy', tearDown));
    if (before !== 'continue') return await endGuarded(before, lifecycle, report, guarded);
    // The deployment and the "deploying" comment go out while the namespace and workloads roll out.
    deploying = lifecycle.deploying();
    const now = Date.now();
    const facts = {
      environment: namespace,
      repository: ctx.repository,
      prNumber: environment.prNumber,
      headSha: ctx.headSha,
      runId: ctx.runId,
      createdAtMs: now,
      deployedAtMs: now,
      ttlMs: settings.ttlMs,
      runUrl:
        ctx.repository && ctx.runId
          ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${ctx.repository}/actions/runs/${ctx.runId}`
          : '',
      janitor: settings.janitorAnnotations,
    };
    touched = true;
    const ns = await report.time('namespace', () =>
      core.group(`Namespace ${namespace}`, () =>
        ensureNamespace(kubectl, namespace, facts, settings.timeoutMs),
      ),
    );
    for (const warning of ns.warnings) report.warn(warning);
    core.info(
      `Namespace ${namespace} ${ns.created ? 'created' : 'updated'}${
        ns.labelled
          ? ` with labels ${Object.entries(ns.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`
          : ''
      }`,
    );
    await report.time('guardrails', () =>
      core.group('Guardrails', () =>
        applyGuardrails(kubectl, namespace, {
          quota: settings.resourceQuota,
          limits: settings.limitRange,
          networkPolicy: settings.networkPolicy,
          pullSecrets: settings.imagePullSecrets,
          pullSecretsNamespace: settings.pullSecretsNamespace,
          labels: stableLabels({ ...facts, createdAtMs: ns.createdAtMs }),
          log,
        }),
      ),
    );
    if (helm) {
      const result = await report.time('deploy', () =>
        core.group(`helm upgrade --install ${settings.release}`, () =>
          deployChart(helm, {
            release: settings.release,
            chart: settings.chart,
            chartVersion: settings.chartVersion,
            repo: settings.repo,
            namespace,
            values: settings.values,
            set: settings.set,
            vars,
            deadline,
            workDir: join(dir, 'values'),
            log,
          }),
        ),
      );
      report.deploy.release = {
        name: settings.release,
        chart: settings.chart,
        helm: result.version.version,
        revision: result.revision,
        status: result.status,
        recovered: result.recovered,
      };
      if (result.recovered) report.warn(result.recovered);
      core.info(`Release ${settings.release}: revision ${result.revision} ${result.status}`);
    } else if (settings.mode !== 'none') {
      const source =
        settings.mode === 'kustomize' ? { kustomize: settings.kustomize } : { manifests: settings.manifests };
      const applied = await report.time('deploy', () =>
        core.group(`kubectl apply (${settings.mode})`, () =>
          applyAndRollout(kubectl, namespace, source, deadline, log),
        ),
      );
      core.info(
        `Applied ${applied.applied.length} object(s); rolled out ${applied.rolledOut.join(', ') || 'no workloads'}`,
      );
    }
    const workloads = await readWorkloads(kubectl, namespace);
    report.deploy.workloads = workloads;
    core.setOutput(OUTPUTS.workloads, JSON.stringify(workloads));
    for (const [key, s] of Object.entries(workloads)) core.info(`  ${key}: ${s.ready}/${s.desired} ready`);
    await deploying;
    const deploymentId = lifecycle.report.deploymentId;
    if (deploymentId !== null) {
      core.setOutput(OUTPUTS.deploymentId, String(deploymentId));
      core.exportVariable(ENV_DEPLOYMENT_ID, String(deploymentId));
    }
    core.saveState(STATE_KEY, JSON.stringify({ ...state, succeeded: true, deploymentId }));
    const after = await report.time('github', () => lifecycle.recheck('after ready', tearDown));
    if (after !== 'continue') return await endGuarded(after, lifecycle, report, guarded);
    const url = settings.environmentUrl || (host ? `https://${host}` : '');
    await lifecycle.ready({
      urls: host ? { [host]: `https://${host}` } : {},
      services: Object.fromEntries(
        Object.entries(workloads).map(([k, w]) => [k, `${w.ready}/${w.desired} ready`]),
      ),
      expiresAt: settings.ttlMs === null ? null : Math.floor((Date.now() + settings.ttlMs) / 1000),
      ...(url ? { environmentUrl: url } : {}),
    });
    core.setOutput(OUTPUTS.status, 'ready');
    report.data.github = lifecycle.finishReport();
    const path = await report.finish({ result: 'success', upload: settings.uploadReport });
    core.setOutput(OUTPUTS.reportPath, path);
  } catch (error) {
    if (error instanceof SupersededError) throw error;
    const result = isCancelled() ? 'cancelled' : 'failure';
    let bundle: Diagnostics | undefined;
    if (touched && !isCancelled() && !(error instanceof UserInputError)) {
      bundle = await core.group('Diagnostics', () =>
        collectKubeDiagnostics(
          kubectl,
          helm,
          namespace,
          helm ? settings.release : null,
          join(dir, 'diagnostics'),
        ),
      );
      core.setOutput(OUTPUTS.diagnosticsPath, bundle.dir);
      report.deploy.workloads = await readWorkloads(kubectl, namespace);
      core.setOutput(OUTPUTS.workloads, JSON.stringify(report.deploy.workloads));
      if (bundle.excerpt)
        core.error(`Deploy to namespace ${namespace} failed:\n${bundle.excerpt}`, {
          title: 'deploy-namespace',
        });
    }
    core.setOutput(OUTPUTS.status, 'failed');
    await deploying;
    await lifecycle.failed(errorMessage(error).slice(0, 500));
    report.data.github = lifecycle.finishReport();
    const path = await report.finish({
      result,
      error,
      upload: settings.uploadReport,
      ...(bundle ? { bundle } : {}),
    });
    core.setOutput(OUTPUTS.reportPath, path);
    throw error;
  }
}
