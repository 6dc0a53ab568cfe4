/**
 * Removes one namespace environment, idempotently and only if it is ours (namespaces.ts): `helm uninstall`
 * of every release in it (so cluster-scoped objects and uninstall hooks go too), then `kubectl delete
 * namespace`, then wait until the API no longer has it. A namespace that is still Terminating at the deadline
 * is reported with what holds it (its status conditions and the remaining objects with finalizers).
 *
 * The one namespace removal: the teardown action and deploy-namespace's post step both call it.
 */
import type { NamespaceRemoval } from '../report/removed.js';
import { type Clock, pollUntil, realClock } from '../runtime/clock.js';
import { type Helm, listArgs, uninstallArgs } from './helm.js';
import type { Kubectl, NamespaceObject } from './kubectl.js';
import { controlPlaneNamespaces, namespaceRefusal } from './namespaces.js';

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
  /** The clock (tests pass a fake one). */
  clock?: Clock;
  /**
   * Called once the removal has begun (the namespace exists and the ownership check passed, right before the
   * uninstalls and the delete), never for a refused or already-gone namespace: work to overlap with the
   * removal (deploy-namespace's post sends its GitHub reads then). Must not throw.
   */
  whileRemoving?: () => void;
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

/** `kubectl delete namespace` arguments: returns at once; the caller waits with a deadline (pure). */
export function deleteNamespaceArgs(namespace: string): string[] {
  return ['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found'];
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
  const result = await helm.tryRun(listArgs(namespace, major), { timeoutMs: 60_000 });
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

/** Uninstalls every release of the namespace within the deadline; returns the names uninstalled. */
async function uninstallReleases(
  helm: Helm,
  kubectl: Kubectl,
  name: string,
  leftMs: () => number,
  log: (line: string) => void,
  failures: string[],
): Promise<string[]> {
  const releases: string[] = [];
  for (const release of await listReleases(helm, kubectl, name, failures)) {
    const leftS = Math.max(1, leftMs() / 1000);
    log(`helm uninstall ${release.name} (namespace ${name}, status ${release.status ?? '?'})`);
    const result = await helm.tryRun(uninstallArgs(release.name, name, leftS, { wait: false }), {
      timeoutMs: leftS * 1000 + 10_000,
    });
    if (result.exitCode === 0 || /not found/i.test(result.stderr)) releases.push(release.name);
    else
      failures.push(
        `helm uninstall ${release.name} exited ${result.exitCode}: ${result.stderr.trim().slice(-300)}`,
      );
  }
  return releases;
}

/** Looks at the namespace until it is gone or the deadline passed; returns it, or null once gone. */
async function awaitGone(
  kubectl: Kubectl,
  name: string,
  deadline: number,
  options: NamespaceTeardownOptions,
  log: (line: string) => void,
): Promise<NamespaceObject | null> {
  const { value } = await pollUntil(() => kubectl.namespace(name), {
    done: (current) => !current,
    deadline,
    intervalMs: options.pollMs ?? 1000,
    clock: options.clock ?? realClock,
    progress: (current) => log(`… namespace ${name} still ${current?.status?.phase ?? 'present'}`),
  });
  return value;
}

function refused(namespace: string, reason: string): NamespaceRemoval {
  return { kind: 'namespace', status: 'refused', namespace, releases: [], holders: [], failures: [], reason };
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
): Promise<NamespaceRemoval> {
  const log = options.log ?? (() => {});
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  const early = namespaceRefusal(name, null, environment);
  if (early) return refused(name, early);
  const ns = await kubectl.namespace(name);
  if (!ns) {
    log(`Namespace "${name}" is already gone.`);
    return {
      kind: 'namespace',
      status: 'already-gone',
      namespace: name,
      releases: [],
      holders: [],
      failures: [],
    };
  }
  const controlPlane = options.controlPlane ?? (await controlPlaneNamespaces(kubectl, name));
  const refusal = namespaceRefusal(name, ns, environment, controlPlane);
  if (refusal) return refused(name, refusal);
  options.whileRemoving?.();

  const failures: string[] = [];
  const releases = await uninstallReleases(helm, kubectl, name, () => deadline - clock.now(), log, failures);
  if (ns.status?.phase !== 'Terminating') {
    log(`kubectl delete namespace ${name}`);
    const deleted = await kubectl.tryRun(deleteNamespaceArgs(name), { timeoutMs: 60_000 });
    if (deleted.exitCode !== 0)
      failures.push(
        `kubectl delete namespace exited ${deleted.exitCode}: ${deleted.stderr.trim().slice(-300)}`,
      );
  } else log(`Namespace "${name}" is already Terminating; waiting for it to go.`);

  const current = await awaitGone(kubectl, name, deadline, options, log);
  const base = { kind: 'namespace' as const, namespace: name, releases };
  if (!current) {
    log(`Namespace ${name} deleted.`);
    return { ...base, status: failures.length > 0 ? 'partial' : 'removed', holders: [], failures };
  }
  const holders = namespaceHolders(current, await remainingObjects(kubectl, name));
  failures.push(
    `namespace ${name} is still ${current.status?.phase ?? 'present'} after ${Math.round(options.timeoutMs / 1000)} s${holders.length ? `; held by: ${holders.join('; ')}` : ''}`,
  );
  return { ...base, status: 'partial', holders, failures };
}
