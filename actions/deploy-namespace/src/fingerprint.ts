/**
 * deploy-namespace's fingerprint phase (docs/lock-file.md), before the namespace is touched: the chart
 * resolved to content (repository and OCI charts pulled once; that copy is what gets installed), values
 * files and `set` pairs as written (secret values sealed: fingerprint/secret-seal.ts), optionally the rendered manifests (`lock-rendered`), the manifests or
 * the kustomization; then the lock phase. The record goes on the namespace's annotations.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { parseDocument } from 'yaml';
import type { Fingerprint } from '../../shared/src/fingerprint/canonical.js';
import type { ResolvedChart, SetPair } from '../../shared/src/fingerprint/namespace-fingerprint.js';
import {
  resolveChart,
  runNamespacePhase,
  shownSetPairs,
} from '../../shared/src/fingerprint/namespace-phase.js';
import { publishFingerprint } from '../../shared/src/fingerprint/publish.js';
import { fingerprintRecord, type PreviousDeploy, readRecord } from '../../shared/src/fingerprint/record.js';
import { SecretSeal } from '../../shared/src/fingerprint/secret-seal.js';
import type { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import { helmSetSecrets, parseHelmSet } from '../../shared/src/kube/helm-set.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { isSecretName } from '../../shared/src/runtime/secrets.js';
import { OUTPUTS } from './contract.js';
import type { DeployRun, DeployTools } from './deploy.js';
import { renderValuesFiles } from './helm-deploy.js';
import { withoutTemplates } from './helm-inputs.js';
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
        // Secret `set` values render as placeholders: the hash of a render holding a secret, even
        // transformed (b64enc), could be guessed; the secrets enter as their `set.<key>` entries.
        const secret = settings.set.map((line) => placeholderSet(renderTemplate('set', line, run.vars)));
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
    // `set` values are secret unless declared public (set-public): sealed (an HMAC with fingerprint-key).
    set: [...shownSetPairs(settings.setPublic), ...settings.set.flatMap(secretSetPairs)],
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
    seal: new SecretSeal(settings.fingerprintKey, secretValues(settings)),
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
 * A secret `set` line as its pairs, templates unrendered (`{{sha}}` must not be read as a Helm list);
 * the settings already refused a line Helm would refuse.
 */
function secretSetPairs(line: string): SetPair[] {
  return parseHelmSet(withoutTemplates(line)).map((pair) => ({
    key: pair.key,
    value: pair.raw,
    secret: true,
  }));
}

/** A secret `set` line with each value a placeholder of the same shape (a scalar, or a `{…}` list) (pure). */
export function placeholderSet(line: string): string {
  return parseHelmSet(line)
    .map((pair) => `${pair.key}=${pair.raw.startsWith('{') ? '{ephemeral-secret}' : 'ephemeral-secret'}`)
    .join(',');
}

/**
 * The secret values the fingerprint seals wherever they occur (values files, rendered output): each
 * secret `set` value (as written and as Helm reads it) and each value under a secret-named key of a values
 * file, the values settings registered as secrets. Not the whole registry: it holds every line of a
 * kubeconfig (`apiVersion: v1`), which would seal text that is no secret.
 */
export function secretValues(settings: Pick<DeploySettings, 'set' | 'values'>): string[] {
  const out = settings.set.flatMap((line) => parseHelmSet(withoutTemplates(line)).flatMap(helmSetSecrets));
  const walk = (node: unknown, secret: boolean): void => {
    if (Array.isArray(node)) for (const item of node) walk(item, secret);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) walk(value, secret || isSecretName(key));
    else if (secret && node !== null && node !== undefined) out.push(String(node));
  };
  for (const file of settings.values)
    walk(parseDocument(withoutTemplates(readFileSync(file, 'utf8'))).toJS(), false);
  // a chart's `b64enc` puts them in a Secret's data as base64
  return [...out, ...out.map((v) => Buffer.from(v, 'utf8').toString('base64'))];
}
