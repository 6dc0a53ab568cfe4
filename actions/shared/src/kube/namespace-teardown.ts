/**
 * Removes one namespace environment, idempotently and only if it is ours: `helm uninstall` of every
 * release in it (so cluster-scoped objects and uninstall hooks go too), then `kubectl delete namespace`,
 * then wait until the API no longer has it. A namespace that is still Terminating at the deadline is
 * reported with what holds it (its status conditions and the remaining objects with finalizers).
 *
 * Safety (checked before anything is touched; any failure means `refused` and nothing removed):
 * - `default` and `kube-*` never (`isProtectedNamespace`);
 * - never the namespace of the cluster's own control plane (it holds the kube-controller-manager /
 *   kube-scheduler leader-election Leases or `tier=control-plane` pods), nor the namespace this runner runs
 *   in (in-cluster service account);
 * - only a namespace labelled `ephemeral.dev/managed-by=ephemeral` AND `ephemeral.dev/environment=<this
 *   environment>`, as deploy-namespace labels it.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RunResult } from '../cli.js';
import type { TeardownResult } from '../compose-teardown.js';
import { LABELS, MANAGED_BY } from '../labels.js';
import type { Helm } from './helm.js';
import { isProtectedNamespace, type Kubectl, type NamespaceObject } from './kubectl.js';

/** Leader-election Leases that only the control plane's own namespace holds. */
export const CONTROL_PLANE_LEASES = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'];
/** Where a pod finds its own namespace (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/). */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** What `teardownNamespace` returns: the compose-shaped removal report plus the namespace facts. */
export interface NamespaceTeardownResult extends TeardownResult {
  namespace: string;
  /** Helm releases uninstalled. */
  releases: string[];
  /** What still holds a namespace stuck in Terminating (empty otherwise). */
  holders: string[];
}

/** Options. */
export interface NamespaceTeardownOptions {
  /** Deadline for the whole removal (uninstalls, delete, waiting for the namespace to go), in ms. */
  timeoutMs: number;
  /** Time between two looks at a Terminating namespace, in ms. Default 1000. */
  pollMs?: number;
  /** Called with progress lines. */
  log?: (line: string) => void;
  /** Namespaces the control plane or this runner live in (detected when omitted). */
  controlPlane?: string[];
  /** Injectable clock for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Why `name` must not be torn down for `environment`, or null when it may be (pure).
 * @param ns the namespace as the API returned it
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
  if (labels[LABELS.environment] !== environment)
    return `namespace "${name}" belongs to environment "${labels[LABELS.environment] ?? ''}", not "${environment}"; nothing was removed`;
  return null;
}

/** One object left in a Terminating namespace (fields used here). */
export interface RemainingObject {
  kind?: string;
  metadata?: { name?: string; finalizers?: string[]; deletionTimestamp?: string };
}

/**
 * What holds a Terminating namespace (pure): each remaining object with finalizers (`ConfigMap/held
 * (finalizers: example.com/hold)`), the namespace's own `spec.finalizers` beyond `kubernetes`, and the
 * True `Namespace*Remaining` / `*Failure` conditions' messages.
 */
export function namespaceHolders(
  ns: NamespaceObject & { spec?: { finalizers?: string[] } },
  remaining: RemainingObject[],
): string[] {
  const holders: string[] = [];
  for (const obj of remaining) {
    const finalizers = obj.metadata?.finalizers ?? [];
    if (finalizers.length > 0)
      holders.push(`${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'} (finalizers: ${finalizers.join(', ')})`);
  }
  const nsFinalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes');
  if (nsFinalizers.length > 0)
    holders.push(`Namespace/${ns.metadata.name} spec.finalizers: ${nsFinalizers.join(', ')}`);
  const metaFinalizers = (ns.metadata as { finalizers?: string[] }).finalizers ?? [];
  if (metaFinalizers.length > 0)
    holders.push(`Namespace/${ns.metadata.name} metadata.finalizers: ${metaFinalizers.join(', ')}`);
  for (const c of ns.status?.conditions ?? []) {
    if (c.status === 'True' && /Remaining|Failure/.test(c.type))
      holders.push(`${c.type}: ${c.message ?? ''}`.trim());
  }
  if (holders.length === 0 && remaining.length > 0)
    holders.push(
      `remaining: ${remaining
        .slice(0, 10)
        .map((o) => `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`)
        .join(', ')}`,
    );
  return holders;
}

/**
 * `helm list` arguments for every release of a namespace, whatever its status (pure). Helm 3 needs `--all`
 * for that; Helm 4 lists every status by default and refuses `--all` ("unknown flag"):
 * https://helm.sh/docs/helm/helm_list/.
 */
export function helmListArgs(namespace: string, major: 3 | 4): string[] {
  return [
    'list',
    '--namespace',
    namespace,
    ...(major === 3 ? ['--all'] : []),
    '--output',
    'json',
    '--max',
    '0',
  ];
}

/** `helm uninstall` arguments (pure). `timeoutS` bounds its hooks. */
export function helmUninstallArgs(release: string, namespace: string, timeoutS: number): string[] {
  return [
    'uninstall',
    release,
    '--namespace',
    namespace,
    '--timeout',
    `${Math.max(1, Math.round(timeoutS))}s`,
  ];
}

/** `kubectl delete namespace` arguments: returns at once; the caller waits with a deadline (pure). */
export function deleteNamespaceArgs(namespace: string): string[] {
  return ['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found'];
}

/**
 * The namespaces teardown must never touch beyond the name rules: those holding control-plane Leases or
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

/** Every namespaced object still in `namespace` (events excluded), best effort, for the holder report. */
export async function remainingObjects(kubectl: Kubectl, namespace: string): Promise<RemainingObject[]> {
  const types = await kubectl.tryRun(
    ['api-resources', '--verbs=list,delete', '--namespaced', '--output', 'name'],
    { timeoutMs: 30_000 },
  );
  const names = types.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n && n !== 'events' && !n.startsWith('events.'));
  if (names.length === 0) return [];
  const result = await kubectl.tryRun(
    ['get', names.join(','), '--namespace', namespace, '--ignore-not-found', '--output', 'json'],
    { timeoutMs: 60_000 },
  );
  try {
    return (JSON.parse(result.stdout || '{}') as { items?: RemainingObject[] }).items ?? [];
  } catch {
    return [];
  }
}

interface HelmRelease {
  name: string;
  status?: string;
}

/** The releases of `namespace`; [] when helm is absent and the namespace has no Helm release Secrets. */
async function listReleases(
  helm: Helm,
  kubectl: Kubectl,
  namespace: string,
  failures: string[],
): Promise<HelmRelease[]> {
  // No helm (version fails): the list fails too, and the release Secrets decide below.
  const major = await helm.version().then(
    (v) => v.major,
    () => 3 as const,
  );
  const result: RunResult = await helm.tryRun(helmListArgs(namespace, major), { timeoutMs: 60_000 });
  if (result.exitCode === 0) {
    try {
      return JSON.parse(result.stdout || '[]') as HelmRelease[];
    } catch {
      failures.push(`helm list printed no JSON: ${result.stdout.slice(0, 200)}`);
      return [];
    }
  }
  // Without helm, only a namespace that holds Helm's release Secrets needs it.
  const secrets = await kubectl.tryRun(
    ['get', 'secrets', '--namespace', namespace, '--selector=owner=helm', '--output', 'name'],
    { timeoutMs: 30_000 },
  );
  if (secrets.exitCode === 0 && secrets.stdout.trim() === '') return [];
  failures.push(
    `helm list failed (${result.spawnError ? `could not start helm: ${result.spawnError}` : `exit ${result.exitCode}`}): ${result.stderr.trim().slice(-300)}; releases were not uninstalled before the namespace was deleted`,
  );
  return [];
}

function empty(
  namespace: string,
  status: TeardownResult['status'],
  reason?: string,
): NamespaceTeardownResult {
  return {
    status,
    namespace,
    releases: [],
    holders: [],
    containers: [],
    networks: [],
    volumes: [],
    failures: [],
    ...(reason ? { reason } : {}),
  };
}

/**
 * Tears down namespace `name` of environment `environment`. Never throws for a missing namespace (status
 * `already-gone`) or a refused one (status `refused`, `reason` set, nothing touched).
 * @returns status `removed`, or `partial` when something failed or the namespace was still there at the
 *   deadline (then `holders` and `failures` say why)
 * @throws ToolError when kubectl cannot read the namespace at all (no cluster, no permission)
 */
export async function teardownNamespace(
  kubectl: Kubectl,
  helm: Helm,
  name: string,
  environment: string,
  options: NamespaceTeardownOptions,
): Promise<NamespaceTeardownResult> {
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  const early = namespaceRefusal(name, null, environment);
  if (early) return empty(name, 'refused', early);
  const ns = await kubectl.namespace(name);
  if (!ns) {
    log(`Namespace "${name}" is already gone.`);
    return empty(name, 'already-gone');
  }
  const controlPlane = options.controlPlane ?? (await controlPlaneNamespaces(kubectl, name));
  const refusal = namespaceRefusal(name, ns, environment, controlPlane);
  if (refusal) return empty(name, 'refused', refusal);

  const failures: string[] = [];
  const releases: string[] = [];
  for (const release of await listReleases(helm, kubectl, name, failures)) {
    const leftS = Math.max(1, (deadline - now()) / 1000);
    log(`helm uninstall ${release.name} (namespace ${name}, status ${release.status ?? '?'})`);
    const result = await helm.tryRun(helmUninstallArgs(release.name, name, leftS), {
      timeoutMs: leftS * 1000 + 10_000,
    });
    if (result.exitCode === 0 || /not found/i.test(result.stderr)) releases.push(release.name);
    else
      failures.push(
        `helm uninstall ${release.name} exited ${result.exitCode}: ${result.stderr.trim().slice(-300)}`,
      );
  }

  if (ns.status?.phase !== 'Terminating') {
    log(`kubectl delete namespace ${name}`);
    const deleted = await kubectl.tryRun(deleteNamespaceArgs(name), { timeoutMs: 60_000 });
    if (deleted.exitCode !== 0)
      failures.push(
        `kubectl delete namespace exited ${deleted.exitCode}: ${deleted.stderr.trim().slice(-300)}`,
      );
  } else log(`Namespace "${name}" is already Terminating; waiting for it to go.`);

  let current: NamespaceObject | null = ns;
  let lastLog = now();
  for (;;) {
    current = await kubectl.namespace(name);
    if (!current || now() >= deadline) break;
    if (now() - lastLog >= 10_000) {
      log(`… namespace ${name} still ${current.status?.phase ?? 'present'}`);
      lastLog = now();
    }
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - now())));
  }
  const base = { namespace: name, releases, containers: [], networks: [], volumes: [] };
  if (!current) {
    log(`Namespace "${name}" is gone.`);
    return { ...base, status: failures.length > 0 ? 'partial' : 'removed', holders: [], failures };
  }
  const holders = namespaceHolders(current, await remainingObjects(kubectl, name));
  failures.push(
    `namespace ${name} is still ${current.status?.phase ?? 'present'} after ${Math.round(options.timeoutMs / 1000)} s${holders.length ? `; held by: ${holders.join('; ')}` : ''}`,
  );
  return { ...base, status: 'partial', holders, failures };
}
