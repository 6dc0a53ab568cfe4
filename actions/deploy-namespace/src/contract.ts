/** deploy-namespace's input names with their action.yml defaults, output and state names; a contract test keeps INPUTS, DEFAULTS and OUTPUTS equal to action.yml. */
import { DEPLOY_GITHUB_DEFAULTS, DEPLOY_GITHUB_INPUTS } from '../../shared/src/github/settings.js';

export const INPUTS = {
  name: 'name',
  prNumber: 'pr-number',
  kubeconfig: 'kubeconfig',
  context: 'context',
  kubectl: 'kubectl',
  helm: 'helm',
  isolation: 'isolation',
  vcluster: 'vcluster',
  vclusterChart: 'vcluster-chart',
  vclusterValues: 'vcluster-values',
  vclusterServer: 'vcluster-server',
  chart: 'chart',
  chartVersion: 'chart-version',
  repo: 'repo',
  release: 'release',
  values: 'values',
  set: 'set',
  setPublic: 'set-public',
  manifests: 'manifests',
  kustomize: 'kustomize',
  host: 'host',
  timeout: 'timeout',
  ttl: 'ttl',
  janitorAnnotations: 'janitor-annotations',
  resourceQuota: 'resource-quota',
  limitRange: 'limit-range',
  networkPolicy: 'network-policy',
  imagePullSecrets: 'image-pull-secrets',
  pullSecretsNamespace: 'pull-secrets-namespace',
  cleanup: 'cleanup',
  cleanupTimeout: 'cleanup-timeout',
  uploadReport: 'upload-report',
  ...DEPLOY_GITHUB_INPUTS,
  lock: 'lock',
  lockFile: 'lock-file',
  lockFiles: 'lock-files',
  lockRendered: 'lock-rendered',
  fingerprintTools: 'fingerprint-tools',
  fingerprintKey: 'fingerprint-key',
} as const;

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  name: '',
  'pr-number': '',
  kubeconfig: '',
  context: '',
  kubectl: 'kubectl',
  helm: 'helm',
  isolation: 'namespace',
  vcluster: 'vcluster',
  'vcluster-chart': '',
  'vcluster-values': '',
  'vcluster-server': '',
  chart: '',
  'chart-version': '',
  repo: '',
  release: 'preview',
  values: '',
  set: '',
  'set-public': '',
  manifests: '',
  kustomize: '',
  host: '',
  timeout: '5m',
  ttl: '72h',
  'janitor-annotations': 'false',
  'resource-quota': '',
  'limit-range': '',
  'network-policy': 'none',
  'image-pull-secrets': '',
  'pull-secrets-namespace': '',
  cleanup: 'always',
  'cleanup-timeout': '3m',
  'upload-report': 'on-failure',
  ...DEPLOY_GITHUB_DEFAULTS,
  lock: 'auto',
  'lock-file': 'ephemeral.lock.json',
  'lock-files': '',
  'lock-rendered': 'false',
  'fingerprint-tools': 'false',
  'fingerprint-key': '',
};

export const OUTPUTS = {
  namespace: 'namespace',
  environmentName: 'environment-name',
  release: 'release',
  url: 'url',
  workloads: 'workloads',
  reportPath: 'report-path',
  diagnosticsPath: 'diagnostics-path',
  status: 'status',
  deploymentId: 'deployment-id',
  fingerprint: 'fingerprint',
  kubeconfigPath: 'kubeconfig-path',
} as const;

/** The `core.saveState` key main writes for post. */
export const STATE_KEY = 'ephemeral-deploy-namespace';

/** What main saves for post (private to this action instance). */
export interface DeployState {
  environment: string;
  namespace: string;
  /** The Helm release, or '' when not a Helm deploy. */
  release: string;
  helm: string;
  kubectl: string;
  /** The kubeconfig file main wrote (removed by post), or '' when the runner's default was used. */
  kubeconfigPath: string;
  context: string;
  cleanup: 'always' | 'on-failure' | 'never';
  cleanupTimeoutMs: number;
  uploadPolicy: string;
  /** Set to true by main when it finished successfully; absent/false after a failure or cancellation. */
  succeeded: boolean;
  /** `isolation: vcluster`: the virtual cluster's kubeconfig file (removed by post), else ''. */
  vclusterKubeconfigPath?: string;
  /** `isolation: vcluster`: the private vcluster CLI config file (its folder removed by post), else ''. */
  vclusterConfigPath?: string;
  /** The GitHub Deployment main created, or null. */
  deploymentId?: number | null;
}
