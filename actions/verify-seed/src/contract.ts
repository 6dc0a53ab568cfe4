/** verify-seed's input and output names; a contract test keeps them equal to action.yml. */
export const INPUTS = {
  spec: 'spec',
  checks: 'checks',
  workingDirectory: 'working-directory',
  seedCommand: 'seed-command',
  seedTimeout: 'seed-timeout',
  retries: 'retries',
  retryInterval: 'retry-interval',
  checkTimeout: 'check-timeout',
  timeout: 'timeout',
  project: 'project',
  uploadReport: 'upload-report',
} as const;

export const OUTPUTS = {
  passed: 'passed',
  failed: 'failed',
  checks: 'checks',
  reportPath: 'report-path',
} as const;
