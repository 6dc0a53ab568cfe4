/**
 * Names shared between actions and steps. State (`core.saveState`) is private to one action instance
 * (main → post); one action hands off to the next through outputs and these exported variables
 * (https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#runspost).
 */

/** Exported for later steps: the environment name. */
export const ENV_ENVIRONMENT = 'EPHEMERAL_ENVIRONMENT';
/** Exported for later steps: the Compose project name (Compose itself reads it too). */
export const ENV_COMPOSE_PROJECT = 'COMPOSE_PROJECT_NAME';
/** Exported for later steps: the `services` output as JSON. */
export const ENV_SERVICES = 'EPHEMERAL_SERVICES';
/** Exported as `true` by `keep: true`; the post step's `post-if` skips cleanup on it. */
export const ENV_KEEP = 'EPHEMERAL_KEEP';
/** Exported: the Compose files (newline-separated, absolute) including the generated override. */
export const ENV_COMPOSE_FILES = 'EPHEMERAL_COMPOSE_FILES';
/** Exported: the Compose project directory. */
export const ENV_COMPOSE_DIRECTORY = 'EPHEMERAL_COMPOSE_DIRECTORY';

/** Exported for later steps and teardown: the GitHub Deployment id of this environment. */
export const ENV_DEPLOYMENT_ID = 'EPHEMERAL_DEPLOYMENT_ID';

/** The state provision-compose's main saves for its post step. */
export interface ComposeState {
  environment: string;
  files: string[];
  projectDirectory: string;
  profiles: string[];
  envFiles: string[];
  keep: boolean;
  downTimeoutMs: number;
  uploadPolicy: string;
  startedAt: string;
  /** The GitHub Deployment created by main, or null. */
  deploymentId?: number | null;
}
export const STATE_KEY = 'ephemeral-compose';
