/**
 * Names shared between actions and steps: every `EPHEMERAL_*` variable is defined here and nowhere else.
 * State (`core.saveState`) is private to one action instance (main → post, see each action's contract.ts);
 * one action hands off to the next through outputs and these exported variables
 * (https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#runspost).
 */

/** Exported for later steps: the environment name (provision-compose, deploy-namespace). */
export const ENV_ENVIRONMENT = 'EPHEMERAL_ENVIRONMENT';
/** Exported as `true` by `keep: true`; the post step's `post-if` skips cleanup on it. */
export const ENV_KEEP = 'EPHEMERAL_KEEP';
/** Exported for later steps: the `services` output as JSON (provision-compose). */
export const ENV_SERVICES = 'EPHEMERAL_SERVICES';
/** Exported: the Compose files (newline-separated, absolute) including the generated override. */
export const ENV_COMPOSE_FILES = 'EPHEMERAL_COMPOSE_FILES';
/** Exported: the Compose project directory. */
export const ENV_COMPOSE_DIRECTORY = 'EPHEMERAL_COMPOSE_DIRECTORY';
/**
 * Exported by the first step of a job that detects Compose: the CLI found, as JSON `{"argv": ["docker",
 * "compose"], "version": "2.26.1"}`, so later steps (posts included) skip `docker compose version`.
 */
export const ENV_COMPOSE_CLI = 'EPHEMERAL_COMPOSE_CLI';
/** Exported for later steps and teardown: the GitHub Deployment id of this environment. */
export const ENV_DEPLOYMENT_ID = 'EPHEMERAL_DEPLOYMENT_ID';
/** Exported for later steps: the namespace deploy-namespace deployed to. */
export const ENV_NAMESPACE = 'EPHEMERAL_NAMESPACE';
/** Exported for later steps: the kubeconfig file deploy-namespace wrote (when given the `kubeconfig` input). */
export const ENV_KUBECONFIG = 'EPHEMERAL_KUBECONFIG';
/**
 * Exported by deploy-namespace with `isolation: vcluster`: the virtual cluster's kubeconfig file. The steps
 * that reach the workload read it (wait-ready's Kubernetes probes, verify-seed's seed command); the steps that
 * remove the environment (teardown, the posts, the sweep) never do: they act on the host namespace.
 */
export const ENV_VCLUSTER_KUBECONFIG = 'EPHEMERAL_VCLUSTER_KUBECONFIG';

/** Exported: the Compose project name; Compose itself reads it, so later `docker compose` commands address the environment. */
export const ENV_COMPOSE_PROJECT = 'COMPOSE_PROJECT_NAME';
/** Exported: the kubeconfig deploy-namespace wrote; kubectl and helm read it in later steps. */
export const ENV_KUBECONFIG_STANDARD = 'KUBECONFIG';
