/**
 * deploy-namespace settings: every input read once, validated, frozen. A bad input throws a
 * `UserInputError` naming the input and the fix, before anything touches the cluster.
 */

import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/artifact.js';
import { UserInputError } from '../../shared/src/errors.js';
import { type GitHubSettings, readGitHubSettings } from '../../shared/src/github/settings.js';
import { Inputs } from '../../shared/src/inputs.js';
import { INPUTS } from './contract.js';

/** How the workload is deployed. */
export type DeployMode = 'helm' | 'manifests' | 'kustomize' | 'none';
/** Which NetworkPolicy to add. */
export type NetworkPolicyMode = 'none' | 'deny-ingress' | 'deny-all';
/** When post removes the namespace. */
export type CleanupPolicy = 'always' | 'on-failure' | 'never';

/** Typed settings. Durations in ms; paths absolute. */
export interface DeploySettings {
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
  /** `key=value` pairs for `--set` (templates rendered at deploy time). */
  set: string[];
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

/** Default ResourceQuota `spec.hard` (a PR preview: a few pods, no LoadBalancer or NodePort Services). */
export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  pods: '50',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  persistentvolumeclaims: '10',
};

/** Default LimitRange for containers: requests/limits for pods that set none (the quota needs them). */
export const DEFAULT_LIMITS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  default: { cpu: '500m', memory: '512Mi' },
  defaultRequest: { cpu: '100m', memory: '128Mi' },
  max: { cpu: '2', memory: '4Gi' },
};

const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei|e\d+)?$/;
const QUOTA_KEY = /^([a-z0-9]+([.-][a-z0-9]+)*\/)?[a-z0-9]+([./-][a-z0-9]+)*$/i;
const LIMIT_SECTIONS = ['default', 'defaultRequest', 'max', 'min'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OFF = ['none', 'off', 'false'];

/** Splits `key=value` items; `key=` removes a default. */
function pairs(input: string, items: string[], fix: string): Array<[string, string]> {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserInputError(input, `"${item}" is not key=value`, fix);
    return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
  });
}

/**
 * The quota from the input merged over `DEFAULT_QUOTA` (`none` = no quota; `key=` drops a default).
 * @throws UserInputError naming `resource-quota`
 */
export function parseQuota(
  raw: string[],
  input: string = INPUTS.resourceQuota,
): Record<string, string> | null {
  if (raw.length === 1 && OFF.includes(raw[0]!.toLowerCase())) return null;
  const fix = 'use key=quantity pairs such as requests.cpu=2, limits.memory=4Gi, pods=20 (or none)';
  const hard: Record<string, string> = { ...DEFAULT_QUOTA };
  for (const [key, value] of pairs(input, raw, fix)) {
    if (!QUOTA_KEY.test(key)) throw new UserInputError(input, `"${key}" is not a resource name`, fix);
    if (value === '') delete hard[key];
    else if (!QUANTITY.test(value))
      throw new UserInputError(input, `"${value}" (for ${key}) is not a quantity`, fix);
    else hard[key] = value;
  }
  return hard;
}

/**
 * The LimitRange from the input (`section.resource=quantity`) merged over `DEFAULT_LIMITS`.
 * @throws UserInputError naming `limit-range`
 */
export function parseLimits(
  raw: string[],
  input: string = INPUTS.limitRange,
): Record<string, Record<string, string>> | null {
  if (raw.length === 1 && OFF.includes(raw[0]!.toLowerCase())) return null;
  const fix = `use section.resource=quantity with section one of ${LIMIT_SECTIONS.join(', ')}, e.g. default.memory=256Mi (or none)`;
  const limits: Record<string, Record<string, string>> = Object.fromEntries(
    Object.entries(DEFAULT_LIMITS).map(([k, v]) => [k, { ...v }]),
  );
  for (const [key, value] of pairs(input, raw, fix)) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot);
    const resource = key.slice(dot + 1);
    if (dot <= 0 || !LIMIT_SECTIONS.includes(section) || !QUOTA_KEY.test(resource))
      throw new UserInputError(input, `"${key}" is not section.resource`, fix);
    if (value === '') delete limits[section]?.[resource];
    else if (!QUANTITY.test(value))
      throw new UserInputError(input, `"${value}" (for ${key}) is not a quantity`, fix);
    else limits[section] = { ...limits[section], [resource]: value };
  }
  for (const [section, values] of Object.entries(limits))
    if (Object.keys(values).length === 0) delete limits[section];
  return limits;
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

/**
 * Reads and validates the inputs.
 * @param workspace GITHUB_WORKSPACE (relative paths resolve against it)
 * @throws UserInputError for any bad input, naming it
 */
export function getSettings(
  inputs = new Inputs(),
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): DeploySettings {
  const chartInput = inputs.string(INPUTS.chart);
  const manifestInputs = inputs.list(INPUTS.manifests);
  const kustomizeInput = inputs.string(INPUTS.kustomize);
  const given = [
    chartInput !== '' && INPUTS.chart,
    manifestInputs.length > 0 && INPUTS.manifests,
    kustomizeInput !== '' && INPUTS.kustomize,
  ].filter(Boolean);
  if (given.length > 1) {
    throw new UserInputError(
      given.join('/'),
      `only one deploy mode can be used, but ${given.join(' and ')} are set`,
      'set exactly one of chart, manifests or kustomize (or none for a namespace with guardrails only)',
    );
  }
  const mode: DeployMode = chartInput
    ? 'helm'
    : manifestInputs.length > 0
      ? 'manifests'
      : kustomizeInput
        ? 'kustomize'
        : 'none';
  const repo = inputs.string(INPUTS.repo);
  if (repo && !/^(https?|oci):\/\//.test(repo))
    throw new UserInputError(
      INPUTS.repo,
      `"${repo}" is not a chart repository URL`,
      'use https://charts.example.com (or leave it empty for a local or oci:// chart)',
    );
  const release = inputs.string(INPUTS.release, 'preview');
  if (release.length > 53 || !DNS_LABEL.test(release)) {
    throw new UserInputError(
      INPUTS.release,
      `"${release}" is not a valid Helm release name`,
      'use at most 53 characters of a-z, 0-9 and "-", starting and ending with a letter or digit',
    );
  }
  const set = inputs.list(INPUTS.set);
  for (const pair of set)
    if (pair.indexOf('=') <= 0)
      throw new UserInputError(
        INPUTS.set,
        `"${pair}" is not key=value`,
        'write one key=value per line, e.g. image.tag={{sha}}',
      );
  if (mode !== 'helm') {
    for (const input of [INPUTS.values, INPUTS.set, INPUTS.chartVersion, INPUTS.repo] as const) {
      if (inputs.string(input) !== '')
        throw new UserInputError(
          input,
          'only applies to Helm charts, but "chart" is empty',
          `set "chart", or remove "${input}"`,
        );
    }
  }
  const ttlMs = inputs.ttlMs(INPUTS.ttl, '72h');
  const prNumber = inputs.prNumber(INPUTS.prNumber);
  const pullSecrets = inputs.list(INPUTS.imagePullSecrets);
  for (const secret of pullSecrets) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(secret) || secret.length > 253)
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
  if (pullSecretsNamespace !== '' && !DNS_LABEL.test(pullSecretsNamespace))
    throw new UserInputError(
      INPUTS.pullSecretsNamespace,
      `"${pullSecretsNamespace}" is not a namespace name`,
      'use a DNS-1123 label',
    );
  const host = inputs.string(INPUTS.host);
  if (host && !/^[A-Za-z0-9{}._ -]+$/.test(host))
    throw new UserInputError(
      INPUTS.host,
      `"${host}" is not a host name template`,
      'use a host such as {{environment}}.preview.example.test (no scheme, no path)',
    );
  return Object.freeze({
    name: inputs.string(INPUTS.name),
    prNumber,
    kubeconfig: inputs.string(INPUTS.kubeconfig),
    context: inputs.string(INPUTS.context),
    kubectl: inputs.string(INPUTS.kubectl, 'kubectl'),
    helm: inputs.string(INPUTS.helm, 'helm'),
    mode,
    chart: mode === 'helm' ? resolveChart(chartInput, repo, workspace) : '',
    chartVersion: inputs.string(INPUTS.chartVersion),
    repo,
    release,
    values: inputs.list(INPUTS.values).map((f) => existing(INPUTS.values, workspace, f, 'values file')),
    set,
    manifests: manifestInputs.map((f) => existing(INPUTS.manifests, workspace, f, 'manifest path')),
    kustomize: kustomizeInput
      ? existing(INPUTS.kustomize, workspace, kustomizeInput, 'kustomization directory')
      : '',
    host,
    timeoutMs: inputs.durationMs(INPUTS.timeout, 300_000, 5_000, 6 * 3_600_000),
    ttlMs,
    janitorAnnotations: inputs.boolean(INPUTS.janitorAnnotations, false),
    resourceQuota: parseQuota(inputs.list(INPUTS.resourceQuota)),
    limitRange: parseLimits(inputs.list(INPUTS.limitRange)),
    networkPolicy: inputs.choice(INPUTS.networkPolicy, ['none', 'deny-ingress', 'deny-all'] as const, 'none'),
    imagePullSecrets: pullSecrets,
    pullSecretsNamespace,
    cleanup: inputs.choice(INPUTS.cleanup, ['always', 'on-failure', 'never'] as const, 'always'),
    cleanupTimeoutMs: inputs.durationMs(INPUTS.cleanupTimeout, 180_000, 5_000, 3_600_000),
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES, 'on-failure'),
    github: readGitHubSettings(inputs),
    environmentUrl: inputs.string(INPUTS.environmentUrl),
    failOnSuperseded: inputs.boolean(INPUTS.failOnSuperseded, false),
  });
}
