/** verify-seed's input names with their action.yml defaults, and output names; a contract test keeps them equal to action.yml. */
import { COMMENT_DEFAULTS } from '../../shared/src/github/settings.js';

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
  githubToken: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
} as const;

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  spec: '',
  checks: '',
  'working-directory': '.',
  'seed-command': '',
  'seed-timeout': '5m',
  retries: '0',
  'retry-interval': '2s',
  'check-timeout': '30s',
  timeout: '5m',
  project: '',
  'upload-report': 'on-failure',
  ...COMMENT_DEFAULTS,
};

export const OUTPUTS = {
  passed: 'passed',
  failed: 'failed',
  checks: 'checks',
  reportPath: 'report-path',
  status: 'status',
} as const;
