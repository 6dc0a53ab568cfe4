/** teardown's input names with their action.yml defaults, and output names; a contract test keeps them equal to action.yml. */
import { GITHUB_DEFAULTS } from '../../shared/src/github/settings.js';

export const INPUTS = {
  name: 'name',
  prNumber: 'pr-number',
  mode: 'mode',
  namespace: 'namespace',
  kubeconfig: 'kubeconfig',
  context: 'context',
  removeImages: 'remove-images',
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

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  name: '',
  'pr-number': '',
  mode: 'compose',
  namespace: '',
  kubeconfig: '',
  context: '',
  'remove-images': 'local',
  'down-timeout': '3m',
  'upload-report': 'on-failure',
  ...GITHUB_DEFAULTS,
  'github-admin-token': '',
  'dry-run': 'false',
  'max-deletions': '20',
  'max-percentage': '100',
  'delete-not-found': 'false',
  'closed-grace': '0',
  'sweep-targets': 'auto',
  'sweep-concurrency': '4',
};

export const OUTPUTS = {
  environmentName: 'environment-name',
  status: 'status',
  removed: 'removed',
  namespace: 'namespace',
  reportPath: 'report-path',
  fingerprint: 'fingerprint',
} as const;

/**
 * Teardown modes: Compose project (default), Kubernetes namespace, auto (see `resolveMode`), or sweep (every
 * orphaned or expired environment of this repository: see sweep.ts).
 */
export const MODES = ['compose', 'namespace', 'auto', 'sweep'] as const;
