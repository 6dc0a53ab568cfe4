/** wait-ready's input names with their action.yml defaults, and output names; a contract test keeps them equal to action.yml. */
import { COMMENT_DEFAULTS } from '../../shared/src/github/settings.js';

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
  githubToken: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
} as const;

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  url: '',
  'expect-status': '200-399',
  'expect-json': '',
  'expect-commit': '',
  headers: '',
  'insecure-tls': 'false',
  tcp: '',
  'compose-services': '',
  rollout: '',
  probes: '',
  project: '',
  namespace: '',
  kubeconfig: '',
  context: '',
  timeout: '5m',
  'attempt-timeout': '5s',
  interval: '1s',
  'max-interval': '5s',
  backoff: '1.5',
  consecutive: '1',
  'upload-report': 'on-failure',
  ...COMMENT_DEFAULTS,
};

export const OUTPUTS = {
  ready: 'ready',
  timeToReady: 'time-to-ready-ms',
  probes: 'probes',
  reportPath: 'report-path',
  diagnosticsPath: 'diagnostics-path',
  status: 'status',
} as const;
