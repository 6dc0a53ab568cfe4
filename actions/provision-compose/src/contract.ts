/** provision-compose's input and output names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  composeFiles: 'compose-files',
  workingDirectory: 'working-directory',
  services: 'services',
  profiles: 'profiles',
  envFiles: 'env-files',
  build: 'build',
  pull: 'pull',
  wait: 'wait',
  waitTimeout: 'wait-timeout',
  upTimeout: 'up-timeout',
  ttl: 'ttl',
  name: 'name',
  prNumber: 'pr-number',
  keep: 'keep',
  allowFixedPorts: 'allow-fixed-ports',
  downTimeout: 'down-timeout',
  logLines: 'log-lines',
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
  environmentName: 'environment-name',
  projectName: 'project-name',
  concurrencyKey: 'concurrency-key',
  services: 'services',
  reportPath: 'report-path',
  diagnosticsPath: 'diagnostics-path',
  status: 'status',
  deploymentId: 'deployment-id',
} as const;

/** The `status` output: ready, or why not. */
export type ProvisionStatus = 'ready' | 'aborted-closed' | 'superseded' | 'failed';
