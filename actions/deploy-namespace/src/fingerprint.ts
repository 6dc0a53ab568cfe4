/**
 * deploy-namespace's fingerprint phase (docs/lock-file.md), before the namespace is touched: the chart
 * resolved to content (repository and OCI charts pulled once; that copy is what gets installed), values
 * files and `set` pairs as written, optionally the rendered manifests (`lock-rendered`), the manifests or
 * the kustomization; then the lock phase. The record goes on the namespace's annotations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Fingerprint } from '../../shared/src/fingerprint/canonical.js';
import type { ResolvedChart } from '../../shared/src/fingerprint/namespace-fingerprint.js';
import {
  resolveChart,
  runNamespacePhase,
  shownSetPairs,
} from '../../shared/src/fingerprint/namespace-phase.js';
import { publishFingerprint } from '../../shared/src/fingerprint/publish.js';
import { fingerprintRecord, type PreviousDeploy, readRecord } from '../../shared/src/fingerprint/record.js';
import type { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import { parseHelmSet } from '../../shared/src/kube/helm-set.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { OUTPUTS } from './contract.js';
import type { DeployRun, DeployTools } from './deploy.js';
import { renderValuesFiles } from './helm-deploy.js';
import { registerSetSecrets, withoutTemplates } from './helm-inputs.js';
import type { DeploySettings } from './settings.js';
import { renderTemplate } from './templates.js';

/** What the phase hands to the deploy. */
export interface DeployFingerprint {
  fingerprint: Fingerprint;
  /** Annotations for the namespace (the deploy record, record.ts). */
  annotations: Record<string, string>;
  /** The chart to install: the local chart, or the copy `helm pull` wrote; null outside Helm mode. */
  chart: ResolvedChart | null;
}

/** `helm template` argv for the fingerprint render (pure). */
export function templateArgs(
  release: string,
  chart: string,
  namespace: string,
  values: string[],
  set: string[],
): string[] {
  return [
    'template',
    release,
    chart,
    '--namespace',
    namespace,
    ...values.flatMap((f) => ['--values', f]),
    ...set.flatMap((p) => ['--set', p]),
  ];
}

/** The chart `helm upgrade` installs: what was fingerprinted (a pulled copy has no repo or version). */
export function chartToInstall(settings: DeploySettings, chart: ResolvedChart | null) {
  const pulled = chart !== null && chart.path !== settings.chart;
  return {
    chart: chart?.path ?? settings.chart,
    chartVersion: pulled ? '' : settings.chartVersion,
    repo: pulled ? '' : settings.repo,
  };
}

async function previousRecord(kubectl: Kubectl, namespace: string): Promise<PreviousDeploy | null> {
  try {
    return readRecord((await kubectl.namespace(namespace))?.metadata.annotations);
  } catch {
    return null; // unreadable (namespaced rights only): no previous record
  }
}

/** The render for `lock-rendered` (Helm) or the kustomization, or null. */
function renderFor(
  tools: DeployTools,
  run: DeployRun,
  settings: DeploySettings,
  chart: ResolvedChart | null,
) {
  const helm = tools.helm;
  if (helm && chart && settings.lockRendered) {
    return async () => {
      // Helm reads the rendered values from a private directory that is gone afterwards (as the deploy does).
      const privateDir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'ephemeral-values-'));
      try {
        const workDir = join(run.dir, 'fingerprint-values');
        const values = renderValuesFiles(settings.values, run.vars, workDir, privateDir);
        const secret = settings.set.map((line) => renderTemplate('set', line, run.vars));
        for (const line of secret) registerSetSecrets(line);
        const set = [...settings.setPublic.map((l) => renderTemplate('set-public', l, run.vars)), ...secret];
        const args = templateArgs(settings.release, chart.path, run.namespace, values, set);
        return (await helm.run(args, { timeoutMs: 120_000 })).stdout;
      } finally {
        rmSync(privateDir, { recursive: true, force: true });
      }
    };
  }
  if (settings.mode === 'kustomize')
    return async () =>
      (await tools.kubectl.run(['kustomize', settings.kustomize], { timeoutMs: 120_000 })).stdout;
  return null;
}

/**
 * Runs the phase (timed as `fingerprint`). Fills `section` (also when the lock refuses) and the
 * `fingerprint` output.
 * @throws LockMismatchError, UserInputError (lock, lock-files), ToolError/Error (helm pull/template, kustomize)
 */
export async function fingerprintBeforeDeploy(
  tools: DeployTools,
  run: DeployRun,
  settings: DeploySettings,
  section: FingerprintSection,
  report: ActionReport,
): Promise<DeployFingerprint> {
  return report.time('fingerprint', () =>
    core.group('Fingerprint', () => fingerprintPhase(tools, run, settings, section)),
  );
}

async function fingerprintPhase(
  tools: DeployTools,
  run: DeployRun,
  settings: DeploySettings,
  section: FingerprintSection,
): Promise<DeployFingerprint> {
  const workspace = run.environment.context.workspace;
  const previous = await previousRecord(tools.kubectl, run.namespace);
  const toolVersions: Record<string, string> = {};
  let chart: ResolvedChart | null = null;
  if (tools.helm) {
    toolVersions.helm = (await tools.helm.version()).version;
    const input = { chart: settings.chart, version: settings.chartVersion, repo: settings.repo };
    chart = await resolveChart(tools.helm, input, workspace, run.dir);
  }
  const volatile: Record<string, string> = { [run.namespace]: '{{namespace}}' };
  if (/^[0-9a-f]{40}$/.test(run.vars.sha)) volatile[run.vars.sha] = '{{sha}}';
  if (run.vars.host) volatile[run.vars.host] = '{{host}}';
  const phase = runNamespacePhase({
    mode: settings.mode,
    workspace,
    namespace: run.namespace,
    volatile,
    chart,
    values: settings.values,
    // `set` values are secret unless declared public (set-public): hashed and shown as `***`.
    set: [...shownSetPairs(settings.setPublic), ...settings.set.flatMap(hiddenSetPairs)],
    manifests: settings.manifests,
    kustomize: settings.kustomize,
    render: renderFor(tools, run, settings, chart),
    rendered: settings.lockRendered,
    lockFiles: settings.lockFiles,
    includeTools: settings.fingerprintTools,
    tools: toolVersions,
    lock: { mode: settings.lock, file: settings.lockFile },
    reportDir: run.dir,
    previous,
  });
  const { fingerprint } = await publishFingerprint(phase, {
    section,
    mode: settings.lock,
    toolsHashed: settings.fingerprintTools,
    previous,
    setOutput: (value) => core.setOutput(OUTPUTS.fingerprint, value),
  });
  return { fingerprint, annotations: fingerprintRecord(fingerprint), chart };
}

/**
 * A secret `set` line as its pairs with hidden values, templates unrendered (`{{sha}}` must not be read as
 * a Helm list); the settings already refused a line Helm would refuse.
 */
function hiddenSetPairs(line: string): Array<{ key: string; shown: string }> {
  return parseHelmSet(withoutTemplates(line)).map((pair) => ({ key: pair.key, shown: '***' }));
}
