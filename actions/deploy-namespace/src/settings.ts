/**
 * deploy-namespace settings: every input read once, validated, frozen. A bad input throws a
 * `UserInputError` naming the input and the fix, before anything touches the cluster.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkNamespace, isDnsLabel, isDnsSubdomain } from '../../shared/src/environment/names.js';
import { readRunContext } from '../../shared/src/environment/run-context.js';
import { requireProgram } from '../../shared/src/exec/program.js';
import {
  type GitHubSettings,
  readEnvironmentUrl,
  readGitHubSettings,
} from '../../shared/src/github/settings.js';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/report/artifact.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { actionInputs, type InputSource, Inputs } from '../../shared/src/runtime/inputs.js';
import { readChartVersion } from './chart-version.js';
import { DEFAULTS, INPUTS } from './contract.js';
import { type FingerprintSettings, readFingerprintSettings } from './fingerprint-settings.js';
import { readRepoUrl, readSetLines, readValuesFile } from './helm-inputs.js';
import { type IsolationSettings, readIsolationSettings } from './isolation-settings.js';
import { checkManifests } from './manifest-files.js';
import { parseLimits, parseQuota } from './quota.js';

/** Helm release names: DNS-1123 labels of at most 53 characters (https://helm.sh/docs/chart_best_practices/conventions/). */
const MAX_RELEASE_LENGTH = 53;

/** How the workload is deployed. */
export type DeployMode = 'helm' | 'manifests' | 'kustomize' | 'none';
/** Which NetworkPolicy to add. */
export type NetworkPolicyMode = 'none' | 'deny-ingress' | 'deny-all';
/** When post removes the namespace. */
export type CleanupPolicy = 'always' | 'on-failure' | 'never';

/** Typed settings. Durations in ms; paths absolute. */
export interface DeploySettings extends FingerprintSettings, IsolationSettings {
  name: string;
  prNumber: number | null;
  /** The kubeconfig content ('' = the runner's KUBECONFIG / ~/.kube/config). Secret: never logged. */
  kubeconfig: string;
  context: string;
  kubectl: string;
  helm: string;
  mode: DeployMode;
  /** Local chart (absolute path), `oci://` reference, or a chart name in `repo` / a repo alias. */
  chart: string;
  chartVersion: string;
  repo: string;
  release: string;
  /** Values files, absolute, in order (templates rendered at deploy time). */
  values: string[];
  /** `--set` arguments whose values are secret (registered; shown as key=***), templates rendered at deploy time. */
  set: string[];
  /** `--set` arguments shown as they are, applied before `set`. */
  setPublic: string[];
  /** Manifest files or directories, absolute. */
  manifests: string[];
  /** A kustomization directory, absolute, or ''. */
  kustomize: string;
  /** The host template (e.g. `{{environment}}.preview.example.test`), or ''. */
  host: string;
  timeoutMs: number;
  /** null = no expiry. */
  ttlMs: number | null;
  janitorAnnotations: boolean;
  /** ResourceQuota `spec.hard`, or null for none. */
  resourceQuota: Record<string, string> | null;
  /** LimitRange container limits (`default`, `defaultRequest`, `max`, `min`), or null for none. */
  limitRange: Record<string, Record<string, string>> | null;
  networkPolicy: NetworkPolicyMode;
  imagePullSecrets: string[];
  pullSecretsNamespace: string;
  cleanup: CleanupPolicy;
  cleanupTimeoutMs: number;
  uploadReport: UploadPolicy;
  github: GitHubSettings;
  /** For the GitHub Deployment ('' = https://<host> when host is set). */
  environmentUrl: string;
  failOnSuperseded: boolean;
}

function existing(input: string, workspace: string, path: string, what: string): string {
  const absolute = isAbsolute(path) ? path : resolve(workspace, path);
  if (!existsSync(absolute))
    throw new UserInputError(
      input,
      `${what} "${path}" does not exist (looked in ${absolute})`,
      `give a path relative to the workspace (${workspace}); check out the repository first`,
    );
  return absolute;
}

/** Resolves the `chart` input: `oci://…` and repository names as given, local charts absolute. */
export function resolveChart(chart: string, repo: string, workspace: string): string {
  if (chart.startsWith('oci://') || repo !== '') return chart;
  const local = isAbsolute(chart) ? chart : resolve(workspace, chart);
  if (existsSync(local)) {
    if (!statSync(local).isDirectory() && !/\.tgz$/.test(local)) {
      throw new UserInputError(
        INPUTS.chart,
        `"${chart}" is neither a chart directory nor a .tgz`,
        'point at the folder holding Chart.yaml',
      );
    }
    return local;
  }
  // `alias/chart` after `helm repo add alias …`, when no such local folder exists.
  if (
    /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(chart) &&
    !existsSync(resolve(workspace, chart.split('/')[0]!))
  )
    return chart;
  throw new UserInputError(
    INPUTS.chart,
    `chart "${chart}" is not a local folder (looked in ${local}), an oci:// reference, or a chart in "repo"`,
    'fix the path, use oci://registry/chart, or set "repo" to the chart repository URL',
  );
}

/** The workload to deploy: the mode and its inputs, validated (paths absolute). */
type WorkloadSource = Pick<
  DeploySettings,
  | 'mode'
  | 'chart'
  | 'chartVersion'
  | 'repo'
  | 'release'
  | 'values'
  | 'set'
  | 'setPublic'
  | 'manifests'
  | 'kustomize'
>;

/** Exactly one of chart, manifests or kustomize (or none), and the Helm inputs only with a chart. */
function readMode(inputs: Inputs): DeployMode {
  const given = [
    inputs.string(INPUTS.chart) !== '' && INPUTS.chart,
    inputs.list(INPUTS.manifests).length > 0 && INPUTS.manifests,
    inputs.string(INPUTS.kustomize) !== '' && INPUTS.kustomize,
  ].filter((g) => g !== false);
  if (given.length > 1) {
    throw new UserInputError(
      given.join('/'),
      `only one deploy mode can be used, but ${given.join(' and ')} are set`,
      'set exactly one of chart, manifests or kustomize (or none for a namespace with guardrails only)',
    );
  }
  const first = given[0];
  return first === INPUTS.chart
    ? 'helm'
    : first === INPUTS.manifests
      ? 'manifests'
      : first
        ? 'kustomize'
        : 'none';
}

/** The Helm inputs: repository URL, release name, `--set` pairs; refused without a chart. */
function readHelm(
  inputs: Inputs,
  mode: DeployMode,
): Pick<WorkloadSource, 'repo' | 'release' | 'set' | 'setPublic'> {
  const repo = readRepoUrl(INPUTS.repo, inputs.string(INPUTS.repo));
  const release = inputs.string(INPUTS.release);
  if (!isDnsLabel(release, MAX_RELEASE_LENGTH)) {
    throw new UserInputError(
      INPUTS.release,
      `"${release}" is not a valid Helm release name`,
      'use at most 53 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
    );
  }
  const set = readSetLines(INPUTS.set, inputs.string(INPUTS.set), true);
  const setPublic = readSetLines(INPUTS.setPublic, inputs.string(INPUTS.setPublic), false);
  if (mode !== 'helm') {
    const helmOnly = [INPUTS.values, INPUTS.set, INPUTS.setPublic, INPUTS.chartVersion, INPUTS.repo];
    for (const input of helmOnly) {
      if (inputs.string(input) !== '')
        throw new UserInputError(
          input,
          'only applies to Helm charts, but "chart" is empty',
          `set "chart", or remove "${input}"`,
        );
    }
  }
  return { repo, release, set, setPublic };
}

/** The image pull secrets and the namespace they are copied from. */
function readPullSecrets(inputs: Inputs): Pick<DeploySettings, 'imagePullSecrets' | 'pullSecretsNamespace'> {
  const pullSecrets = inputs.list(INPUTS.imagePullSecrets);
  for (const secret of pullSecrets) {
    if (!isDnsSubdomain(secret))
      throw new UserInputError(
        INPUTS.imagePullSecrets,
        `"${secret}" is not a Secret name`,
        'list Secret names, one per line',
      );
  }
  const pullSecretsNamespace = inputs.string(INPUTS.pullSecretsNamespace);
  if (pullSecrets.length > 0 && pullSecretsNamespace === '')
    throw new UserInputError(
      INPUTS.pullSecretsNamespace,
      'is empty but image-pull-secrets are listed',
      'name the namespace to copy the pull secrets from',
    );
  if (pullSecretsNamespace !== '') checkNamespace(INPUTS.pullSecretsNamespace, pullSecretsNamespace);
  return { imagePullSecrets: pullSecrets, pullSecretsNamespace };
}

/** The host name template, or ''. */
function readHost(inputs: Inputs): string {
  const host = inputs.string(INPUTS.host);
  if (host && !/^[A-Za-z0-9{}._ -]+$/.test(host))
    throw new UserInputError(
      INPUTS.host,
      `"${host}" is not a host name template`,
      'use a host such as {{environment}}.preview.example.test (no scheme, no path)',
    );
  return host;
}

/** The files the workload comes from, each checked to exist (absolute). */
function readFiles(inputs: Inputs, mode: DeployMode, repo: string, workspace: string) {
  const kustomize = inputs.string(INPUTS.kustomize);
  return {
    chart: mode === 'helm' ? resolveChart(inputs.string(INPUTS.chart), repo, workspace) : '',
    values: inputs.list(INPUTS.values).map((f) => {
      const file = existing(INPUTS.values, workspace, f, 'values file');
      readValuesFile(INPUTS.values, file, workspace);
      return file;
    }),
    manifests: checkManifests(
      INPUTS.manifests,
      inputs.list(INPUTS.manifests).map((f) => existing(INPUTS.manifests, workspace, f, 'manifest path')),
      workspace,
    ),
    kustomize: kustomize ? existing(INPUTS.kustomize, workspace, kustomize, 'kustomization directory') : '',
  };
}

/**
 * Reads and validates the inputs.
 * @param source the raw inputs (the runner's by default); empty ones read as their action.yml default
 * @param workspace GITHUB_WORKSPACE (relative paths resolve against it)
 * @throws UserInputError for any bad input, naming it
 */
export function getSettings(
  source: InputSource = actionInputs,
  workspace = readRunContext().workspace,
): DeploySettings {
  const inputs = new Inputs(source, DEFAULTS);
  const mode = readMode(inputs);
  const helm = readHelm(inputs, mode);
  const ttlMs = inputs.ttlMs(INPUTS.ttl);
  const prNumber = inputs.prNumber(INPUTS.prNumber);
  const pullSecrets = readPullSecrets(inputs);
  const host = readHost(inputs);
  const files = readFiles(inputs, mode, helm.repo, workspace);
  const fields = {
    name: inputs.string(INPUTS.name),
    prNumber,
    kubeconfig: inputs.string(INPUTS.kubeconfig),
    context: inputs.string(INPUTS.context),
    kubectl: inputs.string(INPUTS.kubectl),
    helm: inputs.string(INPUTS.helm),
    mode,
    ...helm,
    ...files,
    chartVersion: readChartVersion(INPUTS.chartVersion, inputs.string(INPUTS.chartVersion), files.chart),
    host,
    timeoutMs: inputs.durationMs(INPUTS.timeout, 5_000, 6 * 3_600_000),
    ttlMs,
    janitorAnnotations: inputs.boolean(INPUTS.janitorAnnotations),
    resourceQuota: parseQuota(inputs.list(INPUTS.resourceQuota)),
    limitRange: parseLimits(inputs.list(INPUTS.limitRange)),
    networkPolicy: inputs.choice(INPUTS.networkPolicy, ['none', 'deny-ingress', 'deny-all'] as const),
    ...pullSecrets,
    cleanup: inputs.choice(INPUTS.cleanup, ['always', 'on-failure', 'never'] as const),
    cleanupTimeoutMs: inputs.durationMs(INPUTS.cleanupTimeout, 5_000, 3_600_000),
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES),
    github: readGitHubSettings(inputs),
    environmentUrl: readEnvironmentUrl(inputs, INPUTS.environmentUrl),
    failOnSuperseded: inputs.boolean(INPUTS.failOnSuperseded),
    ...readFingerprintSettings(inputs, workspace),
  };
  // Last, once every other input is known to be right: the programs must start.
  requireProgram(INPUTS.kubectl, fields.kubectl, 'give the name or path of a kubectl binary on the runner');
  if (mode === 'helm')
    requireProgram(
      INPUTS.helm,
      fields.helm,
      'install Helm 3 or 4 (azure/setup-helm), or give the path of its binary',
    );
  const settings: DeploySettings = { ...fields, ...readIsolationSettings(inputs, workspace) };
  return Object.freeze(settings);
}
