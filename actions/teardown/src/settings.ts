/** teardown settings: inputs read once, validated, frozen. */

import type { RemoveImagesPolicy } from '../../shared/src/compose/teardown.js';
import { checkNamespace } from '../../shared/src/environment/names.js';
import { type GitHubSettings, readGitHubSettings } from '../../shared/src/github/settings.js';
import { type KubeConnection, readConnection } from '../../shared/src/kube/connection.js';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/report/artifact.js';
import { ENV_NAMESPACE } from '../../shared/src/runtime/handoff.js';
import { actionInputs, type InputSource, Inputs } from '../../shared/src/runtime/inputs.js';
import { registerSecret } from '../../shared/src/runtime/secrets.js';
import { DEFAULTS, INPUTS, MODES } from './contract.js';
import { readSweepSettings, type SweepSettings } from './sweep-settings.js';

export interface TeardownSettings {
  /** Explicit environment name, or '' to derive it from the PR / ref exactly as provision-compose does. */
  name: string;
  prNumber: number | null;
  /** `compose`, `namespace` or `sweep` (`auto` is resolved here). */
  mode: 'compose' | 'namespace' | 'sweep';
  /** Namespace mode: the namespace to remove, or '' for the environment name (deploy-namespace's default). */
  namespace: string;
  /** Namespace mode: the cluster (kubeconfig content masked as it is read). */
  kube: KubeConnection;
  /**
   * Compose: hard limit for each removal command (the graceful stop included); namespace: deadline for
   * uninstall + delete + waiting for it to go. In ms.
   */
  downTimeoutMs: number;
  /** Compose mode: remove the images this environment built (`local`) or none. */
  removeImages: RemoveImagesPolicy;
  uploadReport: UploadPolicy;
  /** The sticky comment and Deployments (compose / namespace modes). */
  github: GitHubSettings;
  /** A token with Administration: write, to delete the GitHub environment too ('' = leave it). */
  adminToken: string;
  /** `mode: sweep` only. */
  sweep: SweepSettings | null;
}

/**
 * `auto`: namespace mode when a namespace or kubeconfig input is given or deploy-namespace exported
 * EPHEMERAL_NAMESPACE earlier in the job; else compose. No cluster or Docker call is needed to decide.
 */
export function resolveMode(
  mode: (typeof MODES)[number],
  namespace: string,
  kubeconfig: string,
  env: NodeJS.ProcessEnv,
): 'compose' | 'namespace' | 'sweep' {
  if (mode !== 'auto') return mode;
  return namespace || kubeconfig || env[ENV_NAMESPACE] ? 'namespace' : 'compose';
}

/**
 * Reads and validates the inputs.
 * @param source the raw inputs (the runner's by default); empty ones read as their action.yml default
 * @param env the environment, for what earlier steps handed off
 * @throws UserInputError for any bad input, naming it
 */
export function getSettings(
  source: InputSource = actionInputs,
  env: NodeJS.ProcessEnv = process.env,
): TeardownSettings {
  const inputs = new Inputs(source, DEFAULTS);
  const kube = readConnection(inputs.string(INPUTS.kubeconfig), inputs.string(INPUTS.context));
  const explicit = inputs.string(INPUTS.namespace);
  if (explicit) checkNamespace(INPUTS.namespace, explicit);
  const mode = resolveMode(inputs.choice(INPUTS.mode, MODES), explicit, kube.kubeconfig, env);
  const handedOff = env[ENV_NAMESPACE] ?? '';
  if (mode === 'namespace' && !explicit && handedOff)
    checkNamespace(`${INPUTS.namespace} (from ${ENV_NAMESPACE})`, handedOff);
  const downTimeoutMs = inputs.durationMs(INPUTS.downTimeout, 1000, 3_600_000);
  const uploadReport = inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES);
  const removeImages = inputs.choice(INPUTS.removeImages, ['local', 'none'] as const);
  const adminToken = inputs.string(INPUTS.githubAdminToken);
  if (adminToken) registerSecret(adminToken);
  return Object.freeze({
    name: inputs.string(INPUTS.name),
    prNumber: inputs.prNumber(INPUTS.prNumber),
    mode,
    namespace: mode === 'namespace' ? explicit || handedOff : '',
    kube,
    downTimeoutMs,
    removeImages,
    uploadReport,
    github: readGitHubSettings(inputs),
    adminToken,
    sweep:
      mode === 'sweep'
        ? readSweepSettings(inputs, kube, { downTimeoutMs, removeImages, uploadReport }, env)
        : null,
  });
}
