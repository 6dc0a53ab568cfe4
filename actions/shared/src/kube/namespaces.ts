/**
 * Which namespaces the actions may touch. One rule for every removal (the teardown action, deploy-namespace's
 * post step, later the sweeper), checked before anything is touched:
 * - `default` and `kube-*` never;
 * - never the namespace of the cluster's own control plane (it holds the kube-controller-manager /
 *   kube-scheduler leader-election Leases, or `tier=control-plane` pods), nor the namespace this runner runs
 *   in (in-cluster service account);
 * - only a namespace labelled `ephemeral.dev/managed-by=ephemeral` AND `ephemeral.dev/environment=<this
 *   environment>`, as deploy-namespace labels it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { belongsTo, LABELS, MANAGED_BY } from '../environment/labels.js';
import type { Kubectl, NamespaceObject } from './kubectl.js';

/** Leader-election Leases that only the control plane's own namespace holds. */
export const CONTROL_PLANE_LEASES = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'];
/** Where a pod finds its own namespace (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/). */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Namespaces never created, labelled or deleted by the actions: `default` and every `kube-*`. */
export function isProtectedNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

/**
 * Why `name` must not be removed for `environment`, or null when it may be (pure).
 * @param ns the namespace as the API returned it (null: not looked up yet, only the name rules apply)
 * @param controlPlane namespaces of the control plane / this runner
 */
export function namespaceRefusal(
  name: string,
  ns: NamespaceObject | null,
  environment: string,
  controlPlane: readonly string[] = [],
): string | null {
  if (isProtectedNamespace(name))
    return `namespace "${name}" is a system namespace (default and kube-* are never removed)`;
  if (controlPlane.includes(name))
    return `namespace "${name}" runs the cluster's control plane or this runner; it is never removed`;
  if (!ns) return null;
  const labels = ns.metadata.labels ?? {};
  if (labels[LABELS.managedBy] !== MANAGED_BY)
    return `namespace "${name}" has no ${LABELS.managedBy}=${MANAGED_BY} label; it was not created by these actions, so nothing was removed`;
  if (!belongsTo(labels, environment))
    return `namespace "${name}" belongs to environment "${labels[LABELS.environment] ?? ''}", not "${environment}"; nothing was removed`;
  return null;
}

/**
 * The namespaces a removal must never touch beyond the name rules: those holding control-plane Leases or
 * `tier=control-plane` pods (only `namespace` is looked at: two cheap calls), and the runner's own
 * namespace when it runs in-cluster. Look-ups the runner may not make (RBAC) count as "not control plane".
 */
export async function controlPlaneNamespaces(kubectl: Kubectl, namespace: string): Promise<string[]> {
  const found: string[] = [];
  if (existsSync(IN_CLUSTER_NAMESPACE_FILE)) {
    const own = readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
    if (own) found.push(own);
  }
  const [leases, pods] = await Promise.all([
    kubectl.tryRun(['get', 'leases.coordination.k8s.io', '--namespace', namespace, '--output', 'name'], {
      timeoutMs: 30_000,
    }),
    kubectl.tryRun(
      ['get', 'pods', '--namespace', namespace, '--selector=tier=control-plane', '--output', 'name'],
      { timeoutMs: 30_000 },
    ),
  ]);
  const leaseNames =
    leases.exitCode === 0 ? leases.stdout.split('\n').map((l) => l.trim().replace(/^.*\//, '')) : [];
  if (leaseNames.some((n) => CONTROL_PLANE_LEASES.includes(n))) found.push(namespace);
  if (pods.exitCode === 0 && pods.stdout.trim() !== '') found.push(namespace);
  return found;
}
