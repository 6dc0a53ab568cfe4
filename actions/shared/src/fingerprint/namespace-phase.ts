/**
 * deploy-namespace's fingerprint phase, before the namespace is touched: resolve the chart to content
 * (a local chart as it is; a repository or OCI chart pulled once with `helm pull --untar`, so what is
 * hashed is what gets installed: the deploy then installs that copy), optionally render it twice, hash,
 * and run the lock phase.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunOptions, RunResult } from '../exec/cli.js';
import { isSecretName } from '../runtime/secret-text.js';
import type { Fingerprint } from './canonical.js';
import { posixPath } from './canonical.js';
import { type LockOutcome, type LockSettings, runLockPhase, withSince } from './lock-phase.js';
import {
  namespaceFingerprint,
  pulledChart,
  type ResolvedChart,
  type SetPair,
} from './namespace-fingerprint.js';
import { type PreviousDeploy, type SinceLastDeploy, sinceLastDeploy } from './record.js';
import type { SecretSeal } from './secret-seal.js';

/** A CLI bound to its target (the Helm and Kubectl wrappers' `tryRun`). */
export interface ToolRunner {
  tryRun(args: string[], options?: RunOptions): Promise<RunResult>;
}

/** The chart as the user gave it. */
export interface ChartInput {
  /** A local path (absolute), `oci://…`, or a chart name (in `repo`, or `alias/name`). */
  chart: string;
  version: string;
  repo: string;
}

/** `helm pull` argv for a repository or OCI chart (pure). */
export function pullArgs(input: ChartInput, dir: string): string[] {
  return [
    'pull',
    input.chart,
    ...(input.repo ? ['--repo', input.repo] : []),
    ...(input.version ? ['--version', input.version] : []),
    ...(input.chart.startsWith('oci://') && /^oci:\/\/(127\.|localhost[:/])/.test(input.chart)
      ? ['--plain-http']
      : []),
    '--untar',
    '--untardir',
    dir,
  ];
}

/** True when the chart is a local path (settings make local charts absolute). */
export function isLocalChart(input: ChartInput): boolean {
  return (
    input.repo === '' &&
    !input.chart.startsWith('oci://') &&
    (input.chart.startsWith('/') || /^[A-Za-z]:[\\/]/.test(input.chart))
  );
}

/**
 * Resolves the chart to content: local charts as they are, others pulled into a fresh directory under
 * `parent` (the action's run directory; the OS temp directory by default).
 * @throws Error naming the chart when `helm pull` fails
 */
export async function resolveChart(
  helm: ToolRunner,
  input: ChartInput,
  workspace: string,
  parent = tmpdir(),
): Promise<ResolvedChart> {
  if (isLocalChart(input)) {
    const rel = relative(workspace, input.chart);
    return {
      source: posixPath(rel.startsWith('..') ? input.chart : rel),
      path: input.chart,
      version: input.version,
      digest: '',
    };
  }
  const dir = mkdtempSync(join(parent, 'chart-'));
  const result = await helm.tryRun(pullArgs(input, dir), { timeoutMs: 300_000 });
  if (result.exitCode !== 0)
    throw new Error(
      `helm pull ${input.chart} failed: ${result.spawnError ?? result.stderr.trim().slice(-1500)}`,
    );
  const pulled = pulledChart(dir, `${result.stdout}\n${result.stderr}`);
  return {
    source: input.repo ? `${input.repo} ${input.chart}` : input.chart,
    path: pulled.path,
    version: input.version,
    digest: pulled.digest,
  };
}

/**
 * `set-public` pairs as hashed: `key=value` as written (templates unrendered); a value whose key looks
 * secret (the report's redaction rule) is secret even here, and is sealed (pure).
 */
export function shownSetPairs(pairs: readonly string[]): SetPair[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    return { key, value: pair.slice(eq + 1).trim(), secret: isSecretName(key) };
  });
}

/** What the namespace phase takes. */
export interface NamespacePhaseOptions {
  mode: 'helm' | 'manifests' | 'kustomize' | 'none';
  workspace: string;
  namespace: string;
  /** This run's own values → placeholder (head SHA, namespace). */
  volatile: Record<string, string>;
  chart: ResolvedChart | null;
  values: string[];
  set: SetPair[];
  manifests: string[];
  kustomize: string;
  /** `helm template …` of the chart with this deploy's values (for `lock-rendered`), or `kubectl kustomize`. */
  render: (() => Promise<string>) | null;
  rendered: boolean;
  lockFiles: readonly string[];
  includeTools: boolean;
  tools: Record<string, string>;
  lock: LockSettings;
  reportDir: string;
  previous: PreviousDeploy | null;
  /** Seals secret values (secret-seal.ts); default no key. */
  seal?: SecretSeal;
}

/** What it decided. */
export interface NamespacePhaseResult {
  fingerprint: Fingerprint;
  lock: LockOutcome;
  since: SinceLastDeploy;
}

/**
 * Runs the phase.
 * @throws LockMismatchError, UserInputError (lock file, lock-files), Error (a render or read failed)
 */
export async function runNamespacePhase(o: NamespacePhaseOptions): Promise<NamespacePhaseResult> {
  const fingerprint = await namespaceFingerprint(
    {
      mode: o.mode,
      workspace: o.workspace,
      ...(o.chart ? { chart: o.chart } : {}),
      values: o.values,
      set: o.set,
      manifests: o.manifests,
      kustomize: o.kustomize,
      ...(o.render ? { render: o.render } : {}),
      ctx: { projectName: o.namespace, projectDirectory: o.workspace, volatile: o.volatile },
      lockFiles: o.lockFiles,
      tools: o.tools,
      includeTools: o.includeTools,
      ...(o.seal ? { seal: o.seal } : {}),
    },
    { rendered: o.rendered },
  );
  const since = sinceLastDeploy(o.previous, fingerprint);
  const lock = withSince(
    () => runLockPhase(o.lock, 'namespace', fingerprint, o.workspace, o.reportDir),
    since,
  );
  return { fingerprint, lock, since };
}
