/** teardown's input and output names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  name: 'name',
  prNumber: 'pr-number',
  mode: 'mode',
  namespace: 'namespace',
  kubeconfig: 'kubeconfig',
  context: 'context',
  downTimeout: 'down-timeout',
  uploadReport: 'upload-report',
  githubToken: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
  githubDeployment: 'github-deployment',
  deploymentEnvironment: 'deployment-environment',
  githubAdminToken: 'github-admin-token',
  dryRun: 'dry-run',
  maxDeletions: 'max-deletions',
  maxPercentage: 'max-percentage',
  deleteNotFound: 'delete-not-found',
  closedGrace: 'closed-grace',
  sweepTargets: 'sweep-targets',
  sweepConcurrency: 'sweep-concurrency',
} as const;

export const OUTPUTS = {
  environmentName: 'environment-name',
  status: 'status',
  removed: 'removed',
  namespace: 'namespace',
  reportPath: 'report-path',
} as const;

/**
 * Teardown modes: Compose project (default), Kubernetes namespace, auto (see `resolveMode`), or sweep (every
 * orphaned or expired environment of this repository: see sweep.ts).
 */
export const MODES = ['compose', 'namespace', 'auto', 'sweep'] as const;
export type Mode = (typeof MODES)[number];
