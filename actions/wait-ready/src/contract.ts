/** wait-ready's input and output names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  url: 'url',
  expectStatus: 'expect-status',
  expectJson: 'expect-json',
  expectCommit: 'expect-commit',
  headers: 'headers',
  insecureTls: 'insecure-tls',
  tcp: 'tcp',
  composeServices: 'compose-services',
  rollout: 'rollout',
  probes: 'probes',
  project: 'project',
  namespace: 'namespace',
  kubeconfig: 'kubeconfig',
  context: 'context',
  timeout: 'timeout',
  attemptTimeout: 'attempt-timeout',
  interval: 'interval',
  maxInterval: 'max-interval',
  backoff: 'backoff',
  consecutive: 'consecutive',
  uploadReport: 'upload-report',
} as const;

export const OUTPUTS = {
  ready: 'ready',
  timeToReady: 'time-to-ready-ms',
  probes: 'probes',
  reportPath: 'report-path',
  diagnosticsPath: 'diagnostics-path',
} as const;
