/**
 * Which cluster and namespace a Kubernetes step talks to, shared by wait-ready and teardown.
 *
 * - Namespace: an explicit input, else `EPHEMERAL_NAMESPACE` (exported by deploy-namespace), else the
 *   environment name (`EPHEMERAL_ENVIRONMENT`, or the one derived from the PR): deploy-namespace names the
 *   namespace after the environment.
 * - Cluster: the `kubeconfig` input (file *content*, written to a 0600 temp file and removed at the end),
 *   else the kubeconfig file deploy-namespace wrote earlier in the job (`EPHEMERAL_KUBECONFIG`, when it
 *   still exists), else whatever kubectl finds itself (`KUBECONFIG`, `~/.kube/config`, in-cluster). A step
 *   that reaches the workload (`reach: 'workload'`: wait-ready) first takes the virtual cluster's kubeconfig
 *   deploy-namespace handed off with `isolation: vcluster` (`EPHEMERAL_VCLUSTER_KUBECONFIG`), unless the
 *   step names a cluster itself (`kubeconfig` or `context` input); teardown (`'host'`) never does.
 */
import { existsSync } from 'node:fs';
import {
  ENV_ENVIRONMENT,
  ENV_KUBECONFIG,
  ENV_NAMESPACE,
  ENV_VCLUSTER_KUBECONFIG,
} from '../runtime/handoff.js';
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
 * What a step reaches: `workload` (wait-ready: the app, inside the virtual cluster with `isolation: vcluster`)
 * or `host` (teardown, the sweep: the host namespace, which holds the vcluster).
 */
export type KubeReach = 'workload' | 'host';

/**
 * The kubeconfig file handed off by an earlier deploy-namespace for `reach`, '' when none (or when its file
 * is gone, e.g. removed by a post step): for `workload`, `EPHEMERAL_VCLUSTER_KUBECONFIG` unless the step set
 * `context` (a context of the host's kubeconfig), then `EPHEMERAL_KUBECONFIG`; for `host`, only the latter.
 */
export function handedOffKubeconfig(env: NodeJS.ProcessEnv, reach: KubeReach, context = ''): string {
  const existing = (name: string) => (env[name] && existsSync(env[name]) ? env[name] : '');
  const virtual = reach === 'workload' && !context ? existing(ENV_VCLUSTER_KUBECONFIG) : '';
  return virtual || existing(ENV_KUBECONFIG);
}

/**
 * Runs `fn` with a kubectl bound to the connection; a kubeconfig given as content lives in a 0600 temp
 * file for exactly that long.
 * @param runnerTemp where the temporary kubeconfig goes (RUNNER_TEMP)
 * @param reach which hand-off applies when the connection names no kubeconfig (`handedOffKubeconfig`)
 * @throws UserInputError naming `kubeconfig` when the content is not a kubeconfig, or `context` when the
 *   kubeconfig has no such context
 */
export async function withKubectl<T>(
  connection: KubeConnection,
  runnerTemp: string,
  fn: (kubectl: Kubectl, target: KubeTarget) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
  reach: KubeReach = 'host',
): Promise<T> {
  const path = connection.kubeconfig ? writeKubeconfig(connection.kubeconfig, runnerTemp) : '';
  const handedOff = path ? '' : handedOffKubeconfig(env, reach, connection.context);
  const target = kubeTarget(path || handedOff, connection.context);
  try {
    const kubectl = new Kubectl(target);
    await kubectl.requireContext(); // a context the kubeconfig lacks is a bad input (issue 9)
    return await fn(kubectl, target);
  } finally {
    removeKubeconfig(path);
  }
}
