/** deploy-namespace's input, output and state names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  name: 'name',
  prNumber: 'pr-number',
  kubeconfig: 'kubeconfig',
  context: 'context',
  kubectl: 'kubectl',
  helm: 'helm',
  chart: 'chart',
  chartVersion: 'chart-version',
  repo: 'repo',
  release: 'release',
  values: 'values',
  set: 'set',
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
  githubToken: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
  githubDeployment: 'github-deployment',
  deploymentEnvironment: 'deployment-environment',
  environmentUrl: 'environment-url',
  failOnSuperseded: 'fail-on-superseded',
} as const;

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
  /** The GitHub Deployment main created, or null. */
  deploymentId?: number | null;
}
