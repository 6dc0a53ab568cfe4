/**
 * wait-ready main: run every probe until ready or the deadline; report time-to-ready and attempts per
 * probe; on timeout, the last response or error of every probe plus the environment's diagnostics.
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { DockerCompose, detectCompose, type ProjectRef } from '../../shared/src/compose.js';
import { collectComposeDiagnostics } from '../../shared/src/diagnostics.js';
import { formatMs } from '../../shared/src/duration.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { DeadlineError } from '../../shared/src/errors.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { withKubectl } from '../../shared/src/kube/target.js';
import { actionDir } from '../../shared/src/paths.js';
import { ActionReport } from '../../shared/src/reporting.js';
import { OUTPUTS } from './contract.js';
import { type Probe, pollAll } from './poll.js';
import { composeProbe, execProbe, logProbe } from './probes/compose.js';
import { httpProbe } from './probes/http.js';
import { kubeProbe } from './probes/kube.js';
import { tcpProbe } from './probes/tcp.js';
import { getSettings, type WaitSettings } from './settings.js';
import { isKubeSpec } from './spec-kube.js';

const ACTION = 'wait-ready';

/** Runs wait-ready's main. A kubeconfig given as content exists only while it runs. */
export async function waitReady(settings: WaitSettings = getSettings()): Promise<void> {
  if (!settings.probes.some(isKubeSpec)) return waitWith(settings, null);
  await withKubectl(settings.kube, (kubectl) => waitWith(settings, kubectl));
}

async function waitWith(settings: WaitSettings, kubectl: Kubectl | null): Promise<void> {
  const environment = resolveEnvironment(settings.project, null);
  const dir = actionDir(ACTION, environment.name);
  const report = new ActionReport(ACTION, environment, dir);
  const composeKinds = ['compose', 'exec', 'log'];
  // Compose diagnostics only where Compose is in play: not for a namespace environment's probes alone.
  const needsCompose =
    settings.project !== '' &&
    (kubectl === null || settings.probes.some((p) => composeKinds.includes(p.kind)));
  const project: ProjectRef = {
    name: settings.project,
    ...(settings.composeFiles.length ? { files: settings.composeFiles } : {}),
    ...(settings.composeDirectory && settings.composeFiles.length
      ? { projectDirectory: settings.composeDirectory }
      : {}),
  };
  let compose: DockerCompose | null = null;
  if (needsCompose) {
    try {
      compose = new DockerCompose(await detectCompose());
    } catch (error) {
      if (settings.probes.some((p) => p.kind === 'compose' || p.kind === 'exec' || p.kind === 'log'))
        throw error;
    }
  }
  const probes: Probe[] = settings.probes.map((spec) => {
    if (isKubeSpec(spec))
      return kubeProbe(
        spec,
        kubectl!,
        spec.namespace || settings.namespace,
        settings.timing.attemptTimeoutMs,
      );
    switch (spec.kind) {
      case 'http':
        return httpProbe(spec);
      case 'tcp':
        return tcpProbe(spec);
      case 'compose':
        return composeProbe(spec, compose!, project);
      case 'exec':
        return execProbe(spec, compose!, project);
      default:
        return logProbe(spec, compose!, project);
    }
  });
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
  report.data.probes = outcomes.map((o) => ({ ...o }));
  const ready = outcomes.every((o) => o.ready);
  const slowest = Math.max(0, ...outcomes.map((o) => o.timeToReadyMs ?? 0));
  core.setOutput(OUTPUTS.ready, String(ready));
  core.setOutput(OUTPUTS.timeToReady, ready ? String(slowest) : '');
  core.setOutput(
    OUTPUTS.probes,
    JSON.stringify(
      Object.fromEntries(
        outcomes.map((o) => [
          o.name,
          { ready: o.ready, attempts: o.attempts, timeToReadyMs: o.timeToReadyMs },
        ]),
      ),
    ),
  );
  if (ready) {
    core.info(
      `Ready in ${formatMs(slowest)}: ${outcomes.map((o) => `${o.name} ${formatMs(o.timeToReadyMs ?? 0)} (${o.attempts} attempt(s))`).join(', ')}`,
    );
    core.setOutput(
      OUTPUTS.reportPath,
      await report.finish({ result: 'success', upload: settings.uploadReport }),
    );
    return;
  }
  const failing = outcomes.filter((o) => !o.ready);
  for (const o of failing)
    core.error(`${o.name} (${o.target}) not ready after ${o.attempts} attempt(s); last: ${o.last}`, {
      title: 'wait-ready',
    });
  const lasts = failing.map((o) => `${o.name}: ${o.last.slice(0, 300)}`).join(' | ');
  // A probe that failed for good (a failed Job) ended the wait early: say so rather than "did not happen within".
  const error = failing.some((o) => stopped.has(o.name))
    ? new Error(`Probe(s) ${failing.map((o) => o.name).join(', ')} failed and cannot become ready: ${lasts}`)
    : new DeadlineError(`Probe(s) ${failing.map((o) => o.name).join(', ')} ready`, t.deadlineMs, lasts);
  let diagnostics: Awaited<ReturnType<typeof collectComposeDiagnostics>> | undefined;
  if (compose) {
    diagnostics = await core.group('Diagnostics', () =>
      collectComposeDiagnostics(compose, project, join(dir, 'diagnostics'), null),
    );
    core.setOutput(OUTPUTS.diagnosticsPath, diagnostics.dir);
    report.data.services = diagnostics.services;
  }
  const path = await report.finish({
    result: 'failure',
    error,
    upload: settings.uploadReport,
    ...(diagnostics ? { bundle: diagnostics } : {}),
  });
  core.setOutput(OUTPUTS.reportPath, path);
  throw error;
}
