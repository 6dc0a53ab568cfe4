/**
 * deploy-namespace main, in phases: resolve (namespace, kubeconfig, post state, outputs) → fingerprint
 * (fingerprint.ts) → prepare (the labelled namespace, its guardrails) → isolate (isolate.ts: with
 * `isolation: vcluster`, a ready virtual cluster in it) → deploy (Helm, manifests or kustomization, each
 * waiting for its rollout) → report (the workloads). The PR is re-checked before the namespace is touched
 * and once ready (aborted-closed / superseded); the GitHub Deployment and sticky comment follow the deploy
 * (shared/src/github/deploy.ts). On failure: the diagnostics bundle, then the step fails (post cleans up).
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { stableLabels } from '../../shared/src/environment/labels.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import { DeployGitHub, SupersededError } from '../../shared/src/github/deploy.js';
import { kubeTarget } from '../../shared/src/kube/connection.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { writeKubeconfig } from '../../shared/src/kube/kubeconfig.js';
import { Kubectl } from '../../shared/src/kube/kubectl.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { RemovedSection } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import {
  ENV_ENVIRONMENT,
  ENV_KUBECONFIG,
  ENV_KUBECONFIG_STANDARD,
  ENV_NAMESPACE,
} from '../../shared/src/runtime/handoff.js';
import { saveState } from '../../shared/src/runtime/state.js';
import { type DeployState, OUTPUTS, STATE_KEY } from './contract.js';
import { deployWorkload } from './deploy-workload.js';
import { collectKubeDiagnostics } from './diagnostics.js';
import { fingerprintBeforeDeploy } from './fingerprint.js';
import { applyGuardrails } from './guardrails.js';
import { isolate } from './isolate.js';
import { assertDeployable, ensureNamespace, type NamespaceFacts } from './namespace.js';
import { DeploySection, publishWorkloads } from './report.js';
import { type DeploySettings, getSettings } from './settings.js';
import { renderTemplate, type TemplateVars } from './templates.js';
import { writeCliConfig } from './vcluster.js';

export const ACTION = 'deploy-namespace';
/** The tools a deploy uses, bound to the cluster. */
export interface DeployTools {
  kubectl: Kubectl;
  /** null unless the mode is `helm`. */
  helm: Helm | null;
}

/** What the resolve phase settles: names, files, the template variables and the deadline (epoch ms). */
export interface DeployRun {
  environment: ResolvedEnvironment;
  namespace: string;
  dir: string;
  kubeconfigPath: string;
  vars: TemplateVars;
  /** `https://<host>` when `host` is set, else ''. */
  url: string;
  /** What post needs (saved as state already; saved again with `succeeded` at the end). */
  state: DeployState;
  deadline: number;
  log: (line: string) => void;
}

/**
 * Resolve: the namespace (refused when protected, before anything is written), the kubeconfig file (its
 * secrets masked first), the state post needs (saved before anything touches the cluster), the hand-off.
 * @throws UserInputError for a protected namespace or an unknown template variable in `host`
 */
export function resolveDeploy(settings: DeploySettings): DeployRun {
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const namespace = environment.name;
  assertDeployable(namespace, null);
  const context = environment.context;
  const kubeconfigPath = settings.kubeconfig ? writeKubeconfig(settings.kubeconfig, context.runnerTemp) : '';
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
    vclusterKubeconfigPath: '',
    vclusterConfigPath: settings.isolation === 'vcluster' ? writeCliConfig(context.runnerTemp) : '',
  };
  saveState(STATE_KEY, state);
  core.setOutput(OUTPUTS.namespace, namespace);
  core.setOutput(OUTPUTS.environmentName, namespace);
  core.exportVariable(ENV_ENVIRONMENT, namespace);
  core.exportVariable(ENV_NAMESPACE, namespace);
  if (kubeconfigPath) {
    core.exportVariable(ENV_KUBECONFIG_STANDARD, kubeconfigPath);
    core.exportVariable(ENV_KUBECONFIG, kubeconfigPath);
  }
  const pr = environment.prNumber === null ? '' : String(environment.prNumber);
  const base: TemplateVars = { namespace, pr, sha: context.headSha, environment: namespace, host: '' };
  const host = settings.host ? renderTemplate('host', settings.host, base) : '';
  if (host) core.setOutput(OUTPUTS.url, `https://${host}`);
  if (settings.mode === 'helm') core.setOutput(OUTPUTS.release, settings.release);
  core.info(
    `Namespace: ${namespace} (${environment.source}); isolation: ${settings.isolation}; mode: ${settings.mode}; timeout ${settings.timeoutMs / 1000}s; cleanup: ${settings.cleanup}`,
  );
  core.debug(
    `Settings: ${JSON.stringify({
      ...settings,
      kubeconfig: settings.kubeconfig ? '(set, masked)' : '',
      github: { ...settings.github, token: settings.github.token ? '(set, masked)' : '' },
    })}`,
  );
  return {
    environment,
    namespace,
    dir: actionDir(context.runnerTemp, ACTION, namespace),
    kubeconfigPath,
    vars: { ...base, host },
    url: host ? `https://${host}` : '',
    state,
    deadline: Date.now() + settings.timeoutMs,
    log: (line) => core.info(line),
  };
}

/** Prepare: the namespace (created or updated, labelled, `record` annotated), then the guardrails. */
export async function prepareNamespace(
  kubectl: Kubectl,
  run: DeployRun,
  settings: DeploySettings,
  report: ActionReport,
  record: Record<string, string> = {},
): Promise<void> {
  const now = Date.now();
  const ctx = run.environment.context;
  const facts: NamespaceFacts = {
    environment: run.namespace,
    repository: ctx.repository,
    prNumber: run.environment.prNumber,
    headSha: ctx.headSha,
    runId: ctx.runId,
    createdAtMs: now,
    deployedAtMs: now,
    ttlMs: settings.ttlMs,
    runUrl: ctx.runUrl,
    janitor: settings.janitorAnnotations,
    record,
  };
  const ns = await report.time('namespace', () =>
    core.group(`Namespace ${run.namespace}`, () =>
      ensureNamespace(kubectl, run.namespace, facts, settings.timeoutMs),
    ),
  );
  for (const warning of ns.warnings) report.warn(warning);
  const labels = Object.entries(ns.labels).map(([k, v]) => `${k}=${v}`);
  core.info(
    `Namespace ${run.namespace} ${ns.created ? 'created' : 'updated'}${ns.labelled ? ` with labels ${labels.join(', ')}` : ''}`,
  );
  await report.time('guardrails', () =>
    core.group('Guardrails', () =>
      applyGuardrails(kubectl, run.namespace, {
        quota: settings.resourceQuota,
        limits: settings.limitRange,
        networkPolicy: settings.networkPolicy,
        pullSecrets: settings.imagePullSecrets,
        pullSecretsNamespace: settings.pullSecretsNamespace,
        labels: stableLabels({ ...facts, createdAtMs: ns.createdAtMs }),
        log: run.log,
      }),
    ),
  );
}

/** Runs deploy-namespace's main. */
export async function deploy(settings: DeploySettings = getSettings()): Promise<void> {
  const run = resolveDeploy(settings);
  const report = new ActionReport(ACTION, run.environment, run.dir);
  const section = report.add(new DeploySection(run.namespace));
  section.mode = settings.mode;
  section.isolationMode = settings.isolation;
  const fingerprints = report.add(new FingerprintSection());
  const target = kubeTarget(run.kubeconfigPath, settings.context);
  const host: DeployTools = {
    kubectl: new Kubectl(target, undefined, settings.kubectl),
    helm: settings.mode === 'helm' ? new Helm(target, undefined, settings.helm) : null,
  };
  let tools = host; // the cluster the workload goes to: the host, or the virtual one once isolated
  const github = new DeployGitHub(settings.github, run.environment, report, settings.failOnSuperseded);
  const tearDown = async () => {
    const removal = await teardownNamespace(
      host.kubectl,
      host.helm ?? new Helm(target, undefined, settings.helm),
      run.namespace,
      run.namespace,
      { timeoutMs: settings.cleanupTimeoutMs, log: run.log },
    );
    report.add(new RemovedSection()).set(removal);
  };
  const diagnose = async (error: unknown) => {
    if (error instanceof SupersededError) return undefined;
    const bundle = await core.group('Diagnostics', () =>
      collectKubeDiagnostics(
        tools.kubectl,
        tools.helm,
        run.namespace,
        tools.helm ? settings.release : null,
        join(run.dir, 'diagnostics'),
      ),
    );
    core.setOutput(OUTPUTS.diagnosticsPath, bundle.dir);
    await publishWorkloads(tools.kubectl, run.namespace, section);
    if (bundle.excerpt)
      core.error(`Deploy to namespace ${run.namespace} failed:\n${bundle.excerpt}`, { title: ACTION });
    return bundle;
  };
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport({ report, upload: settings.uploadReport, main: true, onReportPath, diagnose }, () =>
    github.run(async () => {
      const print = await fingerprintBeforeDeploy(host, run, settings, fingerprints, report);
      const before = await github.recheck('before deploy', tearDown);
      if (before !== 'continue') return before;
      await host.kubectl.answers(Math.max(1000, Math.min(run.deadline - Date.now(), 60_000)));
      github.start(); // from here a failure is `failed`: the environment was started
      await prepareNamespace(host.kubectl, run, settings, report, print.annotations);
      tools = await isolate(host, run, settings, report, section);
      await deployWorkload(tools, run, settings, report, section, print.chart);
      await publishWorkloads(tools.kubectl, run.namespace, section);
      const workloads = Object.entries(section.workloads ?? {});
      for (const [key, s] of workloads) core.info(`  ${key}: ${s.ready}/${s.desired} ready`);
      const deploymentId = await github.started();
      saveState<DeployState>(STATE_KEY, { ...run.state, succeeded: true, deploymentId });
      const after = await github.recheck('after ready', tearDown);
      if (after !== 'continue') return after;
      const url = settings.environmentUrl || run.url;
      await github.ready({
        urls: run.url ? { [run.vars.host]: run.url } : {},
        services: Object.fromEntries(workloads.map(([k, w]) => [k, `${w.ready}/${w.desired} ready`])),
        expiresAt: settings.ttlMs === null ? null : Math.floor((Date.now() + settings.ttlMs) / 1000),
        ...(url ? { environmentUrl: url } : {}),
      });
      return 'success';
    }),
  );
}
