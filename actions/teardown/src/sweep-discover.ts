/**
 * The sweep's discovery: every resource labelled `ephemeral.dev/managed-by=ephemeral`, with a bounded number
 * of calls: per Docker resource kind one `ls` printing the labels it needs (containers, networks, volumes), and one
 * `kubectl get namespaces -l …` for the cluster. Never a call per resource; unlabelled resources are never
 * listed, so never touched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Docker, type InventorySelector, type ResourceKind } from '../../shared/src/compose/docker.js';
import { LABELS, MANAGED_BY } from '../../shared/src/environment/labels.js';
import { FINGERPRINT_KEYS } from '../../shared/src/fingerprint/record.js';
import { type DiscoveredEnvironment, groupEnvironments } from '../../shared/src/github/sweep-decide.js';
import type { Kubectl, NamespaceObject } from '../../shared/src/kube/kubectl.js';
import { CONTROL_PLANE_LEASES, IN_CLUSTER_NAMESPACE_FILE } from '../../shared/src/kube/namespaces.js';

const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
const DOCKER_KINDS: ResourceKind[] = ['container', 'network', 'volume'];

/** Every managed Docker resource, grouped into Compose environments (3 docker calls, at once). */
export async function discoverCompose(docker = new Docker()): Promise<DiscoveredEnvironment[]> {
  const inventory = await docker.inventory(
    Object.fromEntries(DOCKER_KINDS.map((kind) => [kind, [SELECTOR]])) as InventorySelector,
  );
  return groupEnvironments(
    DOCKER_KINDS.flatMap((kind) => inventory[kind]).map((r) => ({
      kind: 'compose' as const,
      resource: `${r.kind} ${r.name}`,
      labels: r.labels,
    })),
  );
}

/** The namespace's fingerprint annotation as a one-key map, or {}. */
function fingerprintOf(ns: NamespaceObject): Record<string, string> {
  const value = ns.metadata.annotations?.[FINGERPRINT_KEYS.fingerprint];
  return value ? { [FINGERPRINT_KEYS.fingerprint]: value } : {};
}

/** Every managed namespace, one environment each (1 kubectl call). @throws ToolError when kubectl fails */
export async function discoverNamespaces(kubectl: Kubectl): Promise<DiscoveredEnvironment[]> {
  const result = await kubectl.run(['get', 'namespaces', '--selector', SELECTOR, '--output', 'json'], {
    timeoutMs: 120_000,
  });
  const items = (JSON.parse(result.stdout || '{}') as { items?: NamespaceObject[] }).items ?? [];
  // A namespace is its own group even when two carry the same environment label (never merged away).
  return items
    .map((ns) => ({
      kind: 'namespace' as const,
      environment: ns.metadata.labels?.[LABELS.environment] ?? '',
      // the fingerprint is an annotation (a digest is over the label value limit): it rides with the
      // labels, where the plan reads a Docker container's fingerprint label (fingerprint/record.ts)
      labels: { ...(ns.metadata.labels ?? {}), ...fingerprintOf(ns) },
      resources: [`namespace ${ns.metadata.name}`],
    }))
    .sort((a, b) => a.resources[0]!.localeCompare(b.resources[0]!));
}

/**
 * The namespaces of the control plane and of this runner, for the whole cluster at once (2 kubectl calls:
 * leader-election Leases and `tier=control-plane` pods in all namespaces), or null when either look-up
 * failed (RBAC): then teardown checks each namespace itself, as namespace mode does.
 */
export async function clusterControlPlane(kubectl: Kubectl): Promise<string[] | null> {
  const found = new Set<string>();
  if (existsSync(IN_CLUSTER_NAMESPACE_FILE)) {
    const own = readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
    if (own) found.add(own);
  }
  const [leases, pods] = await Promise.all([
    kubectl.tryRun(
      [
        'get',
        'leases.coordination.k8s.io',
        '--all-namespaces',
        '--output',
        'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}',
      ],
      { timeoutMs: 60_000 },
    ),
    kubectl.tryRun(
      [
        'get',
        'pods',
        '--all-namespaces',
        '--selector=tier=control-plane',
        '--output',
        'jsonpath={range .items[*]}{.metadata.namespace}{"\\n"}{end}',
      ],
      { timeoutMs: 60_000 },
    ),
  ]);
  if (leases.exitCode !== 0 || pods.exitCode !== 0) return null;
  for (const line of leases.stdout.split('\n')) {
    const [ns, name] = line.trim().split('/');
    if (ns && name && CONTROL_PLANE_LEASES.includes(name)) found.add(ns);
  }
  if (pods.exitCode === 0)
    for (const line of pods.stdout.split('\n')) if (line.trim()) found.add(line.trim());
  return [...found];
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
