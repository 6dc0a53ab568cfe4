/** teardown's input and output names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  name: 'name',
  prNumber: 'pr-number',
  downTimeout: 'down-timeout',
  uploadReport: 'upload-report',
} as const;

export const OUTPUTS = {
  environmentName: 'environment-name',
  status: 'status',
  removed: 'removed',
  reportPath: 'report-path',
} as const;
