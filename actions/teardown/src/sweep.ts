/**
 * teardown `mode: sweep`: the scheduled orphan sweep. Discover every managed environment (Compose on this
 * Docker host; namespaces when a cluster is given), keep to this repository's, ask GitHub, decide, and —
 * unless dry-run or over the blast-radius cap — remove the doomed ones with teardown's own removal code
 * (teardownCompose / teardownNamespace), then mark their Deployments inactive and their sticky comments
 * "torn down". The job summary and the JSON report list every environment and the API calls spent.
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose/compose.js';
import { Docker } from '../../shared/src/compose/docker.js';
import { teardownCompose } from '../../shared/src/compose/teardown.js';
import { labelValue } from '../../shared/src/environment/labels.js';
import type { ResolvedEnvironment } from '../../shared/src/environment/resolve.js';
import { readRunContext } from '../../shared/src/environment/run-context.js';
import { createGitHub, type GitHub } from '../../shared/src/github/client.js';
import { Lifecycle } from '../../shared/src/github/lifecycle.js';
import { readEventFacts } from '../../shared/src/github/policy.js';
import { type DiscoveredEnvironment, deletes } from '../../shared/src/github/sweep-decide.js';
import { withKubectl } from '../../shared/src/kube/connection.js';
import { Helm } from '../../shared/src/kube/helm.js';
import { teardownNamespace } from '../../shared/src/kube/namespace-teardown.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { OUTPUTS } from './contract.js';
import { clusterControlPlane, discoverCompose, discoverNamespaces, mapPool } from './sweep-discover.js';
import { planSweep, type SweepPlan, sweepStatus } from './sweep-plan.js';
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

/** Removes one environment with teardown's code; marks its GitHub side torn down. */
async function removeOne(
  e: SweepEntry,
  settings: SweepSettings,
  ctx: {
    compose: DockerCompose | null;
    github: GitHub;
    kube: { kubectl: unknown; helm: Helm; controlPlane: string[] | null } | null;
  },
  identity: ResolvedEnvironment,
  warn: (m: string) => void,
): Promise<void> {
  const log = (line: string) => core.info(`[${e.environment}] ${line}`);
  try {
    const result =
      e.kind === 'compose'
        ? await teardownCompose(ctx.compose as DockerCompose, e.environment, {
            downTimeoutMs: settings.downTimeoutMs,
            log,
          })
        : await teardownNamespace(
            ctx.kube?.kubectl as Parameters<typeof teardownNamespace>[0],
            ctx.kube?.helm as Helm,
            e.resources[0]!.replace(/^namespace /, ''),
            e.environment,
            {
              timeoutMs: settings.downTimeoutMs,
              log,
              ...(ctx.kube?.controlPlane ? { controlPlane: ctx.kube.controlPlane } : {}),
            },
          );
    e.result = result.status;
    if (result.failures.length > 0) e.failures = result.failures;
    if (result.status === 'refused') e.reason = `${e.reason}; refused: ${result.reason ?? ''}`;
  } catch (error) {
    e.result = 'failed';
    e.failures = [error instanceof Error ? error.message : String(error)];
  }
  if (e.result !== 'removed' && e.result !== 'already-gone') return;
  const env: ResolvedEnvironment = {
    ...identity,
    name: e.environment,
    prNumber: e.pr,
    source: 'pull-request',
  };
  const lifecycle = new Lifecycle(ctx.github, settings.github, env, readEventFacts(), warn);
  await lifecycle.tornDown(e.decision === 'expired' ? 'expired (swept)' : `swept (${e.reason})`);
}

async function discover(
  settings: SweepSettings,
  runnerTemp: string,
): Promise<{ environments: DiscoveredEnvironment[]; notes: string[] }> {
  const environments: DiscoveredEnvironment[] = [];
  const notes: string[] = [];
  if (settings.compose) {
    environments.push(...(await discoverCompose(new Docker())));
    notes.push('compose: this Docker host');
  }
  if (settings.namespace) {
    environments.push(
      ...(await withKubectl(settings.kube, runnerTemp, (kubectl) => discoverNamespaces(kubectl))),
    );
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
  warn: (m: string) => void,
) {
  const doomed = plan.entries.filter((e) => deletes(e.decision));
  const stop = settings.dryRun || plan.capped !== null || plan.aborted !== null;
  for (const e of doomed)
    e.result = stop ? (settings.dryRun && !plan.aborted ? 'would-delete' : 'not-deleted') : e.result;
  if (stop || doomed.length === 0) return;
  const compose = doomed.some((e) => e.kind === 'compose') ? new DockerCompose(await detectCompose()) : null;
  const composeOnes = doomed.filter((e) => e.kind === 'compose');
  const namespaceOnes = doomed.filter((e) => e.kind === 'namespace');
  await mapPool(composeOnes, 2, (e) =>
    removeOne(e, settings, { compose, github, kube: null }, identity, warn),
  );
  if (namespaceOnes.length > 0)
    await withKubectl(settings.kube, identity.context.runnerTemp, async (kubectl, target) => {
      const kube = { kubectl, helm: new Helm(target), controlPlane: await clusterControlPlane(kubectl) };
      await mapPool(namespaceOnes, settings.concurrency, (e) =>
        removeOne(e, settings, { compose, github, kube }, identity, warn),
      );
    });
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
  const github = createGitHub({
    token: settings.github.token,
    repository: identity.context.repository,
    warn,
  });
  const repositoryLabel = labelValue(identity.context.repository);
  const nowS = Math.floor(Date.now() / 1000);
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  core.setOutput(OUTPUTS.status, 'aborted');
  await runWithReport({ report, upload: settings.uploadReport, onReportPath }, async () => {
    const { environments, notes } = await report.time('discover', () =>
      core.group('Discover managed environments', () => discover(settings, identity.context.runnerTemp)),
    );
    core.info(`Found ${environments.length} managed environment(s) (${notes.join('; ')}).`);
    const plan = await report.time('decide', () =>
      core.group('Ask GitHub and decide', () =>
        planSweep(github, environments, repositoryLabel, { ...settings, nowS }),
      ),
    );
    await report.time('remove', () => execute(plan, settings, github, identity, warn));
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
    core.setOutput(OUTPUTS.status, section.value.status);
    const removed = plan.entries.filter((e) => e.result === 'removed');
    core.setOutput(
      OUTPUTS.removed,
      JSON.stringify(removed.map((e) => ({ environment: e.environment, kind: e.kind }))),
    );
    judge(plan, settings);
    return 'success';
  });
}
