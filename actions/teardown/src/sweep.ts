/**
 * teardown `mode: sweep`: the scheduled orphan sweep. Discover every managed environment (Compose on this
 * Docker host; namespaces when a cluster is given), keep to this repository's, ask GitHub, decide, and —
 * unless dry-run or over the blast-radius cap — remove the doomed ones with teardown's own removal code
 * (in batches with a fixed number of processes: compose/sweep-batch.ts, kube/namespace-batch.ts), then mark their Deployments inactive and their sticky comments
 * "torn down". The job summary and the JSON report list every environment and the API calls spent.
 */
import * as core from '@actions/core';
import { Docker } from '../../shared/src/compose/docker.js';
import { removeComposeEnvironments } from '../../shared/src/compose/sweep-batch.js';
import { LABELS, labelValue, MANAGED_BY } from '../../shared/src/environment/labels.js';
import type { ResolvedEnvironment } from '../../shared/src/environment/resolve.js';
import { readRunContext } from '../../shared/src/environment/run-context.js';
import { connectGitHub, type GitHub } from '../../shared/src/github/client.js';
import { Lifecycle } from '../../shared/src/github/lifecycle.js';
import { readEventFacts } from '../../shared/src/github/policy.js';
import { type DiscoveredEnvironment, deletes } from '../../shared/src/github/sweep-decide.js';
import { withKubectl } from '../../shared/src/kube/connection.js';
import { Helm } from '../../shared/src/kube/helm.js';
import type { Kubectl, KubeTarget } from '../../shared/src/kube/kubectl.js';
import { removeNamespaces } from '../../shared/src/kube/namespace-batch.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import type { Removal } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { setStatus } from '../../shared/src/report/status.js';
import { OUTPUTS } from './contract.js';
import { clusterControlPlane, discoverCompose, discoverNamespaces, mapPool } from './sweep-discover.js';
import { CONFIRM_CONCURRENCY, planSweep, type SweepPlan, sweepStatus } from './sweep-plan.js';
import { type SweepEntry, SweepSection } from './sweep-report.js';
import type { SweepSettings } from './sweep-settings.js';

const ACTION = 'teardown';

/** The report's identity for a sweep: not one environment, so the name `sweep`. */
function sweepIdentity(): ResolvedEnvironment {
  const context = readRunContext();
  return {
    name: 'sweep',
    concurrencyKey: `ephemeral-${context.repository.toLowerCase()}-sweep`,
    source: 'explicit',
    context,
    prNumber: null,
  };
}

/** Records what a removal did on the sweep entry. */
function record(e: SweepEntry, result: Removal): void {
  e.result = result.status === 'error' ? 'failed' : result.status;
  if (result.failures.length > 0) e.failures = result.failures;
  if (result.status === 'refused') e.reason = `${e.reason}; refused: ${result.reason ?? ''}`;
}

/**
 * Removes the doomed Compose environments at once (compose/sweep-batch.ts: a fixed number of docker
 * processes, ownership re-read just before removal). An engine that does not answer fails them all.
 */
async function removeComposeEntries(
  entries: SweepEntry[],
  settings: SweepSettings,
  repositoryLabel: string,
): Promise<void> {
  try {
    const results = await removeComposeEnvironments(
      new Docker(),
      entries.map((e) => ({ environment: e.environment, discovered: e.resources })),
      {
        repositoryLabel,
        timeoutMs: settings.downTimeoutMs,
        removeImages: settings.removeImages,
        log: (line) => core.info(line),
      },
    );
    for (const e of entries) record(e, results.get(e.environment)!);
  } catch (error) {
    for (const e of entries) {
      e.result = 'failed';
      e.failures = [error instanceof Error ? error.message : String(error)];
    }
  }
}

/** Marks a removed environment's Deployments inactive and its sticky comment "torn down". */
async function markGone(
  e: SweepEntry,
  settings: SweepSettings,
  github: GitHub,
  identity: ResolvedEnvironment,
  warn: (m: string) => void,
): Promise<void> {
  if (e.result !== 'removed' && e.result !== 'already-gone') return;
  const env: ResolvedEnvironment = {
    ...identity,
    name: e.environment,
    prNumber: e.pr,
    source: 'pull-request',
  };
  const lifecycle = new Lifecycle(github, settings.github, env, readEventFacts(), warn);
  await lifecycle.tornDown(e.decision === 'expired' ? 'expired (swept)' : `swept (${e.reason})`);
}

/** One kubectl connection for the whole sweep: discovery and removal share it (one context check). */
interface Cluster {
  kubectl: Kubectl;
  target: KubeTarget;
}

/** Removes the doomed namespaces in batches (kube/namespace-batch.ts). */
async function removeNamespaceEntries(
  entries: SweepEntry[],
  settings: SweepSettings,
  cluster: Cluster,
  repositoryLabel: string,
): Promise<void> {
  const name = (e: SweepEntry) => e.resources[0]!.replace(/^namespace /, '');
  const { kubectl, target } = cluster;
  const results = await removeNamespaces(
    kubectl,
    new Helm(target),
    entries.map((e) => ({ namespace: name(e), environment: e.environment })),
    {
      timeoutMs: settings.downTimeoutMs,
      selector: `${LABELS.managedBy}=${MANAGED_BY},${LABELS.repository}=${repositoryLabel}`,
      controlPlane: await clusterControlPlane(kubectl),
      concurrency: settings.concurrency,
      log: (line) => core.info(line),
    },
  );
  for (const e of entries) record(e, results.get(name(e))!);
}

async function discover(
  settings: SweepSettings,
  cluster: Cluster | null,
): Promise<{ environments: DiscoveredEnvironment[]; notes: string[] }> {
  const environments: DiscoveredEnvironment[] = [];
  const notes: string[] = [];
  if (settings.compose) {
    environments.push(...(await discoverCompose(new Docker())));
    notes.push('compose: this Docker host');
  }
  if (cluster) {
    environments.push(...(await discoverNamespaces(cluster.kubectl)));
    notes.push('namespace: the cluster of the kubeconfig');
  }
  return { environments, notes };
}

/** Deletes what the plan dooms (nothing in dry-run, capped or aborted plans). */
async function execute(
  plan: SweepPlan,
  settings: SweepSettings,
  github: GitHub,
  identity: ResolvedEnvironment,
  repositoryLabel: string,
  report: ActionReport,
  cluster: Cluster | null,
) {
  const warn = (m: string) => report.warn(m);
  const doomed = plan.entries.filter((e) => deletes(e.decision));
  const stop = settings.dryRun || plan.capped !== null || plan.aborted !== null;
  for (const e of doomed)
    e.result = stop ? (settings.dryRun && !plan.aborted ? 'would-delete' : 'not-deleted') : e.result;
  if (stop || doomed.length === 0) return;
  const composeOnes = doomed.filter((e) => e.kind === 'compose');
  const namespaceOnes = doomed.filter((e) => e.kind === 'namespace');
  // Timed apart (`remove-compose`, `remove-namespaces`), side by side.
  await Promise.all([
    composeOnes.length > 0
      ? report.time('remove-compose', () => removeComposeEntries(composeOnes, settings, repositoryLabel))
      : undefined,
    namespaceOnes.length > 0 && cluster
      ? report.time('remove-namespaces', () =>
          removeNamespaceEntries(namespaceOnes, settings, cluster, repositoryLabel),
        )
      : undefined,
  ]);
  await mapPool(doomed, CONFIRM_CONCURRENCY, (e) => markGone(e, settings, github, identity, warn));
}

/**
 * Fails the step for an aborted, capped (not dry-run) or partly failed sweep.
 * @throws Error saying what happened and that nothing (or what) was deleted
 */
function judge(plan: SweepPlan, settings: SweepSettings): void {
  if (plan.aborted) throw new Error(`Sweep aborted, nothing was deleted: ${plan.aborted}`);
  if (plan.capped && !settings.dryRun)
    throw new Error(
      `Sweep stopped, nothing was deleted: ${plan.capped}. Check the report; raise max-deletions / max-percentage if this is expected.`,
    );
  const broken = plan.entries.filter(
    (e) => e.result === 'partial' || e.result === 'failed' || e.result === 'refused',
  );
  if (broken.length > 0)
    throw new Error(
      `Sweep could not remove ${broken.length} environment(s): ${broken.map((e) => `${e.environment} (${e.result})`).join(', ')}`,
    );
}

/** Runs the sweep (teardown's main for `mode: sweep`). */
export async function sweep(settings: SweepSettings): Promise<void> {
  const identity = sweepIdentity();
  const report = new ActionReport(ACTION, identity, actionDir(identity.context.runnerTemp, ACTION, 'sweep'));
  const section = report.add(new SweepSection());
  core.setOutput(OUTPUTS.environmentName, '');
  const warn = (m: string) => report.warn(m);
  const github = await connectGitHub({
    token: settings.github.token,
    repository: identity.context.repository,
    warn,
  })();
  const repositoryLabel = labelValue(identity.context.repository);
  const nowS = Math.floor(Date.now() / 1000);
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  setStatus('aborted');
  // With namespaces, one connection (kubeconfig written once, context checked once) for the whole run.
  const connected = <T>(fn: (cluster: Cluster | null) => Promise<T>): Promise<T> =>
    settings.namespace
      ? withKubectl(settings.kube, identity.context.runnerTemp, (kubectl, target) => fn({ kubectl, target }))
      : fn(null);
  await runWithReport({ report, upload: settings.uploadReport, onReportPath }, () =>
    connected(async (cluster) => {
      const { environments, notes } = await report.time('discover', () =>
        core.group('Discover managed environments', () => discover(settings, cluster)),
      );
      core.info(`Found ${environments.length} managed environment(s) (${notes.join('; ')}).`);
      const plan = await report.time('decide', () =>
        core.group('Ask GitHub and decide', () =>
          planSweep(github, environments, repositoryLabel, { ...settings, nowS }),
        ),
      );
      await report.time('remove', () =>
        execute(plan, settings, github, identity, repositoryLabel, report, cluster),
      );
      section.value = {
        repository: repositoryLabel,
        dryRun: settings.dryRun,
        limits: { maxDeletions: settings.maxDeletions, maxPercentage: settings.maxPercentage },
        status: sweepStatus(plan, settings.dryRun),
        aborted: plan.aborted,
        capped: plan.capped,
        environments: plan.entries,
        api: { decisionRequests: plan.decisionRequests, ...github.budget() },
      };
      setStatus(section.value.status);
      const removed = plan.entries.filter((e) => e.result === 'removed');
      core.setOutput(
        OUTPUTS.removed,
        JSON.stringify(removed.map((e) => ({ environment: e.environment, kind: e.kind }))),
      );
      judge(plan, settings);
      return 'success' as const;
    }),
  );
}
