/**
 * wait-ready main, in phases: resolve (the environment, the tools the probes need: docker and its event
 * stream, Compose, kubectl) → wait (every probe until ready or the deadline; poll.ts) → report (time-to-ready
 * and attempts per probe; the readiness line of the sticky PR comment, github/check-line.ts). With a Compose project, the engine's event stream follows its containers for the
 * whole wait: it wakes the Compose probes the moment health changes, and a service the probes depend on
 * that exits, dies, restarts or turns unhealthy fails the step at once (compose-scope.ts). On a failure:
 * the last response or error of every probe, plus the Compose environment's diagnostics and log tails and,
 * for Kubernetes probes, their namespaces' events, objects and not-Ready pods with logs (kube-diagnostics.ts).
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { DockerCompose, detectCompose, type ProjectRef } from '../../shared/src/compose/compose.js';
import { collectComposeDiagnostics } from '../../shared/src/compose/diagnostics.js';
import { Docker } from '../../shared/src/compose/docker.js';
import { projectRef } from '../../shared/src/compose/handed-off.js';
import { ServicesSection } from '../../shared/src/compose/report.js';
import { ComposeWatch } from '../../shared/src/compose/watch.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { CheckLine } from '../../shared/src/github/check-line.js';
import { withKubectl } from '../../shared/src/kube/connection.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir, listFiles } from '../../shared/src/report/files.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { setStatus } from '../../shared/src/report/status.js';
import { formatMs } from '../../shared/src/runtime/duration.js';
import { DeadlineError } from '../../shared/src/runtime/errors.js';
import { guardScope, probeScope, type Scope, serviceAddresses } from './compose-scope.js';
import { OUTPUTS } from './contract.js';
import { collectProbeDiagnostics } from './kube-diagnostics.js';
import { type Halt, halter, type Probe, pollAll } from './poll.js';
import { composeProbe, execProbe, logProbe } from './probes/compose.js';
import { httpProbe } from './probes/http.js';
import { kubeProbe } from './probes/kube.js';
import { tcpProbe } from './probes/tcp.js';
import { type ProbeReport, ProbesSection, readinessLine } from './report.js';
import { getSettings, type WaitSettings } from './settings.js';
import { isKubeSpec } from './spec-kube.js';

const ACTION = 'wait-ready';
const COMPOSE_KINDS = ['compose', 'exec', 'log'];

/**
 * The tools the probes use: docker and the project's event stream for Compose health and TCP on a service,
 * Compose for exec/log probes and diagnostics, kubectl for Kubernetes ones.
 */
export interface WaitTools {
  docker: Docker;
  watch: ComposeWatch | null;
  compose: DockerCompose | null;
  project: ProjectRef;
  kubectl: Kubectl | null;
}

/**
 * Compose where it is in play: a project is known, and either there is no cluster or a probe needs it.
 * Missing Compose only matters to the probes that need it (diagnostics are then skipped).
 * @throws SetupError when a compose/exec/log probe needs Compose and there is none
 */
async function composeFor(settings: WaitSettings, kubectl: Kubectl | null): Promise<DockerCompose | null> {
  const needed = settings.probes.some((p) => COMPOSE_KINDS.includes(p.kind));
  if (settings.project === '' || (kubectl !== null && !needed)) return null;
  try {
    return new DockerCompose(await detectCompose());
  } catch (error) {
    if (needed) throw error;
    return null;
  }
}

/**
 * Before the wait: the engine and the cluster the probes use answer, so an unreachable one fails at once with
 * what the tool said (status `error`) instead of reading as probes that were not ready (issue 9, defect 5).
 * @throws ToolError
 */
async function answering(tools: WaitTools, settings: WaitSettings): Promise<void> {
  const timeoutMs = Math.min(settings.timing.deadlineMs, 60_000);
  if (tools.compose) await tools.compose.run(tools.project, ['ps', '--all', '--quiet'], { timeoutMs });
  if (tools.kubectl) await tools.kubectl.answers(timeoutMs);
}

/** One probe per spec, bound to its tool. */
export function buildProbes(settings: WaitSettings, tools: WaitTools): Probe[] {
  return settings.probes.map((spec) => {
    if (isKubeSpec(spec))
      return kubeProbe(
        spec,
        tools.kubectl!,
        spec.namespace || settings.namespace,
        settings.timing.attemptTimeoutMs,
        settings.timing.deadlineMs + 10_000,
      );
    switch (spec.kind) {
      case 'http':
        return httpProbe(spec);
      case 'tcp':
        return tcpProbe(spec, tools.project.name ? serviceAddresses(tools.docker, tools.project.name) : null);
      case 'compose':
        return composeProbe(spec, tools.docker, tools.project.name, tools.watch);
      case 'exec':
        return execProbe(spec, tools.compose!, tools.project);
      default:
        return logProbe(spec, tools.compose!, tools.project);
    }
  });
}

/**
 * Wait: polls every probe, guarded by the Compose services in scope (a failed one stops every probe);
 * returns the outcomes, the names of probes that stopped for good, and the failed services, if any.
 */
async function waitAll(
  probes: Probe[],
  settings: WaitSettings,
  tools: WaitTools,
  scope: Scope | null,
  report: ActionReport,
) {
  const t = settings.timing;
  core.info(
    `Waiting up to ${formatMs(t.deadlineMs)} for ${probes.length} probe(s): ${probes.map((p) => `${p.name} (${p.target})`).join(', ')}; interval ${formatMs(t.intervalMs)}, backoff ×${t.backoff} to ${formatMs(t.maxIntervalMs)}, ${t.consecutive} consecutive success(es).`,
  );
  const stopped = new Set<string>();
  const halt: Halt = halter();
  const guard =
    tools.watch && scope ? guardScope(tools.docker, tools.project.name, scope, tools.watch, halt) : null;
  const outcomes = await report.time('wait', () =>
    pollAll(
      probes,
      t,
      undefined,
      (probe, result, attempt) => {
        if (result.final) stopped.add(probe.name);
        if (result.ok) core.info(`✔ ${probe.name}: ${result.detail.slice(0, 200)}`);
        else core.info(`… ${probe.name} attempt ${attempt}: ${result.detail.slice(0, 200)}`);
      },
      halt,
    ),
  );
  halt.stop();
  return { outcomes, stopped, failedServices: guard ? await guard : null };
}

/** Report: the `ready`, `time-to-ready-ms` and `probes` outputs; returns whether every probe was ready. */
function publishOutcomes(outcomes: ProbeReport[]): boolean {
  const ready = outcomes.every((o) => o.ready);
  const slowest = Math.max(0, ...outcomes.map((o) => o.timeToReadyMs ?? 0));
  core.setOutput(OUTPUTS.ready, String(ready));
  core.setOutput(OUTPUTS.timeToReady, ready ? String(slowest) : '');
  const probes = outcomes.map((o) => [
    o.name,
    { ready: o.ready, attempts: o.attempts, timeToReadyMs: o.timeToReadyMs },
  ]);
  core.setOutput(OUTPUTS.probes, JSON.stringify(Object.fromEntries(probes)));
  if (ready)
    core.info(
      `Ready in ${formatMs(slowest)}: ${outcomes.map((o) => `${o.name} ${formatMs(o.timeToReadyMs ?? 0)} (${o.attempts} attempt(s))`).join(', ')}`,
    );
  return ready;
}

/**
 * The error for probes that were not ready: a failed Compose service or a failed-for-good probe says so,
 * else the deadline passed.
 */
function notReadyError(
  outcomes: ProbeReport[],
  stopped: Set<string>,
  failedServices: string[] | null,
  deadlineMs: number,
): Error {
  const failing = outcomes.filter((o) => !o.ready);
  for (const o of failing)
    core.error(`${o.name} (${o.target}) not ready after ${o.attempts} attempt(s); last: ${o.last}`, {
      title: ACTION,
    });
  const names = failing.map((o) => o.name).join(', ');
  const lasts = failing.map((o) => `${o.name}: ${o.last.slice(0, 300)}`).join(' | ');
  if (failedServices?.length)
    return new Error(`Compose service(s) failed during the wait: ${failedServices.join(', ')}`);
  // A probe that failed for good (a failed Job) ended the wait early: say so rather than "did not happen within".
  return failing.some((o) => stopped.has(o.name))
    ? new Error(`Probe(s) ${names} failed and cannot become ready: ${lasts}`)
    : new DeadlineError(`Probe(s) ${names} ready`, deadlineMs, lasts);
}

/** Runs the phases with the cluster's kubectl (or none). */
async function waitWith(settings: WaitSettings, environment: ResolvedEnvironment, kubectl: Kubectl | null) {
  const dir = actionDir(environment.context.runnerTemp, ACTION, environment.name);
  const report = new ActionReport(ACTION, environment, dir);
  const section = report.add(new ProbesSection());
  const services = report.add(new ServicesSection());
  const line = new CheckLine(settings.github, environment, report);
  const tools: WaitTools = {
    docker: new Docker(),
    watch: null,
    compose: null,
    project: projectRef(settings),
    kubectl,
  };
  const scope = settings.project ? probeScope(settings.probes, settings.services) : null;
  let notReady: Set<string> | null = null;
  const diagnose = async () => {
    const facts = tools.watch?.watchFacts;
    await tools.watch?.stop();
    const diagnostics = join(dir, 'diagnostics');
    const compose = tools.compose;
    const composeBundle = compose
      ? await core.group('Diagnostics', () =>
          collectComposeDiagnostics(compose, tools.project, diagnostics, null, undefined, tools.docker, {
            expected: scope?.services ?? [],
            ...(facts ? { facts } : {}),
          }),
        )
      : undefined;
    if (composeBundle) {
      services.services = composeBundle.services;
      if (composeBundle.excerpt)
        core.error(`Environment ${tools.project.name}:\n${composeBundle.excerpt}`, { title: ACTION });
    }
    const kubectl = tools.kubectl;
    const kubeBundle = kubectl
      ? await core.group('Kubernetes diagnostics', () =>
          collectProbeDiagnostics(
            kubectl,
            settings.probes.filter(isKubeSpec),
            settings.namespace,
            notReady,
            diagnostics,
          ),
        )
      : undefined;
    if (kubeBundle?.excerpt) core.error(`Kubernetes:\n${kubeBundle.excerpt}`, { title: ACTION });
    if (!composeBundle && !kubeBundle) return undefined;
    core.setOutput(OUTPUTS.diagnosticsPath, diagnostics);
    const excerpt = [composeBundle?.excerpt, kubeBundle?.excerpt].filter(Boolean).join('\n');
    return { dir: diagnostics, files: listFiles(diagnostics), excerpt };
  };
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport(
    { report, upload: settings.uploadReport, main: true, onReportPath, diagnose },
    async () => {
      // The event stream first: from now on no container change of the project is missed.
      if (scope) tools.watch = ComposeWatch.start(tools.project.name, tools.docker.runner);
      tools.compose = await composeFor(settings, kubectl);
      await answering(tools, settings);
      const { outcomes, stopped, failedServices } = await waitAll(
        buildProbes(settings, tools),
        settings,
        tools,
        scope,
        report,
      );
      section.probes = outcomes.map((o) => ({ ...o }));
      notReady = new Set(outcomes.filter((o) => !o.ready).map((o) => o.name));
      await line.write('readiness', readinessLine(outcomes));
      const ready = publishOutcomes(outcomes) && !failedServices;
      setStatus(ready ? 'ready' : 'not-ready');
      if (!ready) throw notReadyError(outcomes, stopped, failedServices, settings.timing.deadlineMs);
      await tools.watch?.stop();
      return 'success';
    },
  );
}

/** Runs wait-ready's main. A kubeconfig given as content exists only while it runs. */
export async function waitReady(settings: WaitSettings = getSettings()): Promise<void> {
  const environment = resolveEnvironment(settings.project, null);
  if (!settings.probes.some(isKubeSpec)) return waitWith(settings, environment, null);
  await withKubectl(
    settings.kube,
    environment.context.runnerTemp,
    (kubectl) => waitWith(settings, environment, kubectl),
    process.env,
    'workload',
  );
}
