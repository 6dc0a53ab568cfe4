/**
 * wait-ready main, in phases: resolve (the environment, the tools the probes need: Compose, kubectl) →
 * wait (every probe until ready or the deadline; poll.ts) → report (time-to-ready and attempts per probe;
 * the readiness line of the sticky PR comment, github/check-line.ts).
 * On timeout: the last response or error of every probe, plus the Compose environment's diagnostics.
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { DockerCompose, detectCompose, type ProjectRef } from '../../shared/src/compose/compose.js';
import { collectComposeDiagnostics } from '../../shared/src/compose/diagnostics.js';
import { projectRef } from '../../shared/src/compose/handed-off.js';
import { ServicesSection } from '../../shared/src/compose/report.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { CheckLine } from '../../shared/src/github/check-line.js';
import { withKubectl } from '../../shared/src/kube/connection.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { setStatus } from '../../shared/src/report/status.js';
import { formatMs } from '../../shared/src/runtime/duration.js';
import { DeadlineError } from '../../shared/src/runtime/errors.js';
import { OUTPUTS } from './contract.js';
import { type Probe, pollAll } from './poll.js';
import { composeProbe, execProbe, logProbe } from './probes/compose.js';
import { httpProbe } from './probes/http.js';
import { kubeProbe } from './probes/kube.js';
import { tcpProbe } from './probes/tcp.js';
import { type ProbeReport, ProbesSection, readinessLine } from './report.js';
import { getSettings, type WaitSettings } from './settings.js';
import { isKubeSpec } from './spec-kube.js';

const ACTION = 'wait-ready';
const COMPOSE_KINDS = ['compose', 'exec', 'log'];

/** The tools the probes use: Compose for compose/exec/log probes and diagnostics, kubectl for Kubernetes ones. */
export interface WaitTools {
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
  if (tools.kubectl) await tools.kubectl.run(['get', '--raw', '/version'], { timeoutMs });
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
      );
    switch (spec.kind) {
      case 'http':
        return httpProbe(spec);
      case 'tcp':
        return tcpProbe(spec);
      case 'compose':
        return composeProbe(spec, tools.compose!, tools.project);
      case 'exec':
        return execProbe(spec, tools.compose!, tools.project);
      default:
        return logProbe(spec, tools.compose!, tools.project);
    }
  });
}

/** Wait: polls every probe; returns the outcomes and the names of probes that stopped for good. */
async function waitAll(probes: Probe[], settings: WaitSettings, report: ActionReport) {
  const t = settings.timing;
  core.info(
    `Waiting up to ${formatMs(t.deadlineMs)} for ${probes.length} probe(s): ${probes.map((p) => `${p.name} (${p.target})`).join(', ')}; interval ${formatMs(t.intervalMs)}, backoff ×${t.backoff} to ${formatMs(t.maxIntervalMs)}, ${t.consecutive} consecutive success(es).`,
  );
  const stopped = new Set<string>();
  const outcomes = await report.time('wait', () =>
    pollAll(probes, t, undefined, (probe, result, attempt) => {
      if (result.final) stopped.add(probe.name);
      if (result.ok) core.info(`✔ ${probe.name}: ${result.detail.slice(0, 200)}`);
      else core.info(`… ${probe.name} attempt ${attempt}: ${result.detail.slice(0, 200)}`);
    }),
  );
  return { outcomes, stopped };
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

/** The error for probes that were not ready: a failed-for-good probe says so, else the deadline passed. */
function notReadyError(outcomes: ProbeReport[], stopped: Set<string>, deadlineMs: number): Error {
  const failing = outcomes.filter((o) => !o.ready);
  for (const o of failing)
    core.error(`${o.name} (${o.target}) not ready after ${o.attempts} attempt(s); last: ${o.last}`, {
      title: ACTION,
    });
  const names = failing.map((o) => o.name).join(', ');
  const lasts = failing.map((o) => `${o.name}: ${o.last.slice(0, 300)}`).join(' | ');
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
  const tools: WaitTools = { compose: null, project: projectRef(settings), kubectl };
  const diagnose = async () => {
    const compose = tools.compose;
    if (!compose) return undefined;
    const bundle = await core.group('Diagnostics', () =>
      collectComposeDiagnostics(compose, tools.project, join(dir, 'diagnostics'), null),
    );
    core.setOutput(OUTPUTS.diagnosticsPath, bundle.dir);
    services.services = bundle.services;
    return bundle;
  };
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport(
    { report, upload: settings.uploadReport, main: true, onReportPath, diagnose },
    async () => {
      tools.compose = await composeFor(settings, kubectl);
      await answering(tools, settings);
      const { outcomes, stopped } = await waitAll(buildProbes(settings, tools), settings, report);
      section.probes = outcomes.map((o) => ({ ...o }));
      await line.write('readiness', readinessLine(outcomes));
      const ready = publishOutcomes(outcomes);
      setStatus(ready ? 'ready' : 'not-ready');
      if (!ready) throw notReadyError(outcomes, stopped, settings.timing.deadlineMs);
      return 'success';
    },
  );
}

/** Runs wait-ready's main. A kubeconfig given as content exists only while it runs. */
export async function waitReady(settings: WaitSettings = getSettings()): Promise<void> {
  const environment = resolveEnvironment(settings.project, null);
  if (!settings.probes.some(isKubeSpec)) return waitWith(settings, environment, null);
  await withKubectl(settings.kube, environment.context.runnerTemp, (kubectl) =>
    waitWith(settings, environment, kubectl),
  );
}
