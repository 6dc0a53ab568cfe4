/** teardown `mode: sweep` settings: inputs read once, validated, frozen. */

import type { RemoveImagesPolicy } from '../../shared/src/compose/teardown.js';
import { type GitHubSettings, readGitHubSettings } from '../../shared/src/github/settings.js';
import type { KubeConnection } from '../../shared/src/kube/connection.js';
import type { UploadPolicy } from '../../shared/src/report/artifact.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import type { Inputs } from '../../shared/src/runtime/inputs.js';
import { INPUTS } from './contract.js';

/** What to sweep. */
export const SWEEP_TARGETS = ['auto', 'compose', 'namespace', 'all'] as const;

export interface SweepSettings {
  dryRun: boolean;
  maxDeletions: number;
  /** 1..100. */
  maxPercentage: number;
  deleteNotFound: boolean;
  /** Keep a closed PR's environment this long after closing, in s. */
  closedGraceS: number;
  /** Sweep Compose environments on this Docker host. */
  compose: boolean;
  /** Sweep namespaces in the cluster of `kube`. */
  namespace: boolean;
  kube: KubeConnection;
  /** Namespaces removed at once. */
  concurrency: number;
  /** Per environment, in ms. */
  downTimeoutMs: number;
  /** Compose environments: remove the images they built (`local`) or none (`remove-images`). */
  removeImages: RemoveImagesPolicy;
  github: GitHubSettings;
  uploadReport: UploadPolicy;
}

/**
 * `auto`: Compose always, namespaces when a kubeconfig is given (the input, or KUBECONFIG).
 * @throws UserInputError for any bad input, naming it
 */
export function readSweepSettings(
  inputs: Inputs,
  kube: KubeConnection,
  common: { downTimeoutMs: number; removeImages: RemoveImagesPolicy; uploadReport: UploadPolicy },
  env: NodeJS.ProcessEnv = process.env,
): SweepSettings {
  const github = readGitHubSettings(inputs);
  if (!github.token)
    throw new UserInputError(
      'github-token',
      'is empty; the sweep asks GitHub which pull requests are still open',
      'leave it at its default (the workflow token) and grant `pull-requests: read`',
    );
  const targets = inputs.choice(INPUTS.sweepTargets, SWEEP_TARGETS);
  const hasCluster = kube.kubeconfig !== '' || (env.KUBECONFIG ?? '') !== '';
  if (targets === 'namespace' || targets === 'all') {
    if (!hasCluster)
      throw new UserInputError(
        INPUTS.sweepTargets,
        `"${targets}" sweeps namespaces, but no cluster is given`,
        'pass the kubeconfig input (or set KUBECONFIG), or use sweep-targets: compose',
      );
  }
  return Object.freeze({
    dryRun: inputs.boolean(INPUTS.dryRun),
    maxDeletions: inputs.integer(INPUTS.maxDeletions, 0, 100_000),
    maxPercentage: inputs.integer(INPUTS.maxPercentage, 1, 100),
    deleteNotFound: inputs.boolean(INPUTS.deleteNotFound),
    closedGraceS: Math.round(inputs.durationMs(INPUTS.closedGrace, 0, 30 * 86_400_000) / 1000),
    compose: targets !== 'namespace',
    namespace: targets === 'namespace' || targets === 'all' || (targets === 'auto' && hasCluster),
    kube,
    concurrency: inputs.integer(INPUTS.sweepConcurrency, 1, 32),
    downTimeoutMs: common.downTimeoutMs,
    removeImages: common.removeImages,
    github,
    uploadReport: common.uploadReport,
  });
}
