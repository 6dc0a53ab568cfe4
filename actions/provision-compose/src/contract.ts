/**
 * provision-compose's names: inputs with their action.yml defaults, outputs, and the state main saves for
 * post. A contract test keeps INPUTS, DEFAULTS and OUTPUTS equal to action.yml.
 */
import { DEPLOY_GITHUB_DEFAULTS, DEPLOY_GITHUB_INPUTS } from '../../shared/src/github/settings.js';

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
  containerName: 'container-name',
  oneShots: 'one-shots',
  removeImages: 'remove-images',
  downTimeout: 'down-timeout',
  logLines: 'log-lines',
  uploadReport: 'upload-report',
  ...DEPLOY_GITHUB_INPUTS,
  lock: 'lock',
  lockFile: 'lock-file',
  lockFiles: 'lock-files',
  requireDigests: 'require-digests',
  fingerprintTools: 'fingerprint-tools',
  fingerprintKey: 'fingerprint-key',
} as const;

/** Every input's default, as action.yml declares it (the code has no other fallback). */
export const DEFAULTS: Record<(typeof INPUTS)[keyof typeof INPUTS], string> = {
  'compose-files': '',
  'working-directory': '.',
  services: '',
  profiles: '',
  'env-files': '',
  build: 'auto',
  pull: 'missing',
  wait: 'true',
  'wait-timeout': '5m',
  'up-timeout': '15m',
  ttl: '72h',
  name: '',
  'pr-number': '',
  keep: 'false',
  'allow-fixed-ports': 'false',
  'container-name': 'alias',
  'one-shots': '',
  'remove-images': 'local',
  'down-timeout': '3m',
  'log-lines': '500',
  'upload-report': 'on-failure',
  ...DEPLOY_GITHUB_DEFAULTS,
  lock: 'auto',
  'lock-file': 'ephemeral.lock.json',
  'lock-files': '',
  'require-digests': 'false',
  'fingerprint-tools': 'false',
  'fingerprint-key': '',
};

export const OUTPUTS = {
  environmentName: 'environment-name',
  projectName: 'project-name',
  concurrencyKey: 'concurrency-key',
  services: 'services',
  reportPath: 'report-path',
  diagnosticsPath: 'diagnostics-path',
  status: 'status',
  deploymentId: 'deployment-id',
  fingerprint: 'fingerprint',
} as const;

/** The `core.saveState` key main writes for post. */
export const STATE_KEY = 'ephemeral-compose';

/** What main saves for post (private to this action instance). Durations in ms. */
export interface ComposeState {
  environment: string;
  files: string[];
  projectDirectory: string;
  profiles: string[];
  envFiles: string[];
  keep: boolean;
  downTimeoutMs: number;
  /** `remove-images` (`local` when absent: state saved by an older main). */
  removeImages?: 'local' | 'none';
  uploadPolicy: string;
  startedAt: string;
  /** The GitHub Deployment main created, or null. */
  deploymentId?: number | null;
}
