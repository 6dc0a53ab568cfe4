/** teardown's input names with their action.yml defaults, and output names; a contract test keeps them equal to action.yml. */
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

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  name: '',
  'pr-number': '',
  mode: 'compose',
  namespace: '',
  kubeconfig: '',
  context: '',
  'down-timeout': '3m',
  'upload-report': 'on-failure',
};

export const OUTPUTS = {
  environmentName: 'environment-name',
  status: 'status',
  removed: 'removed',
  namespace: 'namespace',
  reportPath: 'report-path',
} as const;

/** Teardown modes: Compose project (default), Kubernetes namespace, or auto (see `resolveMode`). */
export const MODES = ['compose', 'namespace', 'auto'] as const;
