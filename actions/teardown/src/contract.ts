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
} as const;

export const OUTPUTS = {
  environmentName: 'environment-name',
  status: 'status',
  removed: 'removed',
  namespace: 'namespace',
  reportPath: 'report-path',
} as const;

/** Teardown modes: Compose project (default), Kubernetes namespace, or auto (see `resolveMode`). */
export const MODES = ['compose', 'namespace', 'auto'] as const;
export type Mode = (typeof MODES)[number];
