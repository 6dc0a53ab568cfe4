/**
 * Which cluster and namespace a Kubernetes step talks to, shared by wait-ready and teardown.
 *
 * - Namespace: an explicit input, else `EPHEMERAL_NAMESPACE` (exported by deploy-namespace), else the
 *   environment name (`EPHEMERAL_ENVIRONMENT`, or the one derived from the PR): deploy-namespace names the
 *   namespace after the environment.
 * - Cluster: the `kubeconfig` input (file *content*, written to a 0600 temp file and removed at the end),
 *   else the kubeconfig file deploy-namespace wrote earlier in the job (`EPHEMERAL_KUBECONFIG`, when it
 *   still exists), else whatever kubectl finds itself (`KUBECONFIG`, `~/.kube/config`, in-cluster).
 */
import { existsSync } from 'node:fs';
import { ENV_ENVIRONMENT, ENV_KUBECONFIG, ENV_NAMESPACE } from '../runtime/handoff.js';
import { maskKubeconfig, removeKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { Kubectl, type KubeTarget } from './kubectl.js';

/**
 * The default namespace: `explicit`, else EPHEMERAL_NAMESPACE, else EPHEMERAL_ENVIRONMENT, else `fallback`.
 * '' when none is known.
 */
export function defaultNamespace(explicit: string, env: NodeJS.ProcessEnv, fallback = ''): string {
  return explicit || env[ENV_NAMESPACE] || env[ENV_ENVIRONMENT] || fallback;
}

/** The kube connection settings an action reads from its inputs. */
export interface KubeConnection {
  /** kubeconfig file content ('' = kubectl's own lookup). Masked when read. */
  kubeconfig: string;
  /** kubeconfig context ('' = current). */
  context: string;
}

/** Masks the kubeconfig content's secrets as soon as settings read it (before anything could print them). */
export function readConnection(kubeconfig: string, context: string): KubeConnection {
  if (kubeconfig) maskKubeconfig(kubeconfig);
  return { kubeconfig, context };
}

/** The target for a kubeconfig file ('' = kubectl's own lookup) and a context ('' = current) (pure). */
export function kubeTarget(kubeconfigFile: string, context: string): KubeTarget {
  return {
    ...(kubeconfigFile ? { kubeconfig: kubeconfigFile } : {}),
    ...(context ? { context } : {}),
  };
}

/**
 * Runs `fn` with a kubectl bound to the connection; a kubeconfig given as content lives in a 0600 temp
 * file for exactly that long.
 * @param runnerTemp where the temporary kubeconfig goes (RUNNER_TEMP)
 * @throws UserInputError naming `kubeconfig` when the content is not a kubeconfig, or `context` when the
 *   kubeconfig has no such context
 */
export async function withKubectl<T>(
  connection: KubeConnection,
  runnerTemp: string,
  fn: (kubectl: Kubectl, target: KubeTarget) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const path = connection.kubeconfig ? writeKubeconfig(connection.kubeconfig, runnerTemp) : '';
  const handedOff = env[ENV_KUBECONFIG] && existsSync(env[ENV_KUBECONFIG]) ? env[ENV_KUBECONFIG] : '';
  const target = kubeTarget(path || handedOff, connection.context);
  try {
    const kubectl = new Kubectl(target);
    await kubectl.requireContext(); // a context the kubeconfig lacks is a bad input (issue 9)
    return await fn(kubectl, target);
  } finally {
    removeKubeconfig(path);
  }
}
