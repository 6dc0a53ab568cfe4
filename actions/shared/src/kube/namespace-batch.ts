/**
 * Removes many namespace environments at once (the orphan sweep) with a handful of kubectl/helm processes
 * instead of ~5 per namespace: (1) the name rules of namespaces.ts, nothing looked up; (2) one label-selected
 * `kubectl get namespaces` re-reads them just before deleting, so the label rule is checked on what the API
 * holds now; (3) one `helm list --all-namespaces` (else one `kubectl get secrets -A -l owner=helm`) finds the
 * namespaces holding Helm releases; (4) one `kubectl delete namespace a b c … --wait=false --output name` per
 * chunk: `namespace/x` is deleted, `NotFound` for x is proven already gone; (5) one label-selected poll per
 * round until every deleted namespace has left the list or the deadline; those still there are reported with
 * what holds them. The one-by-one way (teardownNamespace) takes the namespaces holding releases, those missing
 * from the re-read (it proves NotFound or refuses), those the delete said nothing about, and all of them when
 * the control plane (RBAC) or the releases could not be looked up.
 */
import { chunkNames } from '../exec/chunks.js';
import type { NamespaceRemoval } from '../report/removed.js';
import { type Clock, pollUntil, realClock } from '../runtime/clock.js';
import type { Helm } from './helm.js';
import type { Kubectl, NamespaceObject } from './kubectl.js';
import { namespaceHolders, remainingObjects, teardownNamespace } from './namespace-teardown.js';
import { namespaceRefusal } from './namespaces.js';

/** `kubectl delete namespace` processes at once. */
const DELETERS = 8;

/** One namespace to remove and the environment it must belong to. */
export interface NamespaceTarget {
  namespace: string;
  environment: string;
}

/** Options. */
export interface NamespaceBatchOptions {
  /** Deadline for the whole batch (each one-by-one removal gets the same), in ms. */
  timeoutMs: number;
  /** Label selector every target carries (e.g. managed-by + repository): the re-read and the poll use it. */
  selector: string;
  /** Namespaces of the control plane / this runner for the whole cluster, or null when unknown (RBAC). */
  controlPlane: string[] | null;
  /** One-by-one removals in flight at once. */
  concurrency: number;
  /** Time between two polls, in ms. Default 1000. */
  pollMs?: number;
  /** Most characters of namespace names in one `kubectl delete` argv. Default 16,384 (≈ 250 names). */
  chunkChars?: number;
  log?: (line: string) => void;
  clock?: Clock;
}

/**
 * What one `kubectl delete namespace … --output name` said, per name (pure): `deleted` for a
 * `namespace/<name>` line, `gone` for `(NotFound): namespaces "<name>" not found`; names in neither are
 * unknown (the caller removes them one by one).
 */
export function parseDeleteOutput(
  stdout: string,
  stderr: string,
): { deleted: Set<string>; gone: Set<string> } {
  const deleted = new Set<string>();
  for (const line of stdout.split('\n')) {
    const m = /^namespace\/(\S+)/.exec(line.trim());
    if (m) deleted.add(m[1]!);
  }
  const gone = new Set<string>();
  for (const m of stderr.matchAll(/\(NotFound\): namespaces "([^"]+)" not found/g)) gone.add(m[1]!);
  return { deleted, gone };
}

/** The namespaces holding Helm releases, in one call (helm, else Helm's release Secrets); null if unknown. */
export async function namespacesWithReleases(helm: Helm, kubectl: Kubectl): Promise<Set<string> | null> {
  const major = await helm.version().then(
    (v) => v.major,
    () => null,
  );
  if (major !== null) {
    const args = ['list', '--all-namespaces', ...(major === 3 ? ['--all'] : []), '--output', 'json'];
    const listed = await helm.tryRun([...args, '--max', '0'], { timeoutMs: 120_000 });
    if (listed.exitCode === 0) {
      try {
        const releases = JSON.parse(listed.stdout || '[]') as Array<{ namespace?: string }>;
        return new Set(releases.map((r) => r.namespace ?? ''));
      } catch {
        // fall through to the Secrets
      }
    }
  }
  const secrets = await kubectl.tryRun(
    [
      'get',
      'secrets',
      '--all-namespaces',
      '--selector=owner=helm',
      '--output',
      'jsonpath={range .items[*]}{.metadata.namespace}{"\\n"}{end}',
    ],
    { timeoutMs: 120_000 },
  );
  if (secrets.exitCode !== 0) return null;
  return new Set(secrets.stdout.split('\n').filter((l) => l.trim() !== ''));
}

/** The namespaces matching `selector` now, by name; null when kubectl failed. */
async function listSelected(
  kubectl: Kubectl,
  selector: string,
): Promise<Map<string, NamespaceObject> | null> {
  const result = await kubectl.tryRun(['get', 'namespaces', '--selector', selector, '--output', 'json'], {
    timeoutMs: 120_000,
  });
  if (result.exitCode !== 0) return null;
  try {
    const items = (JSON.parse(result.stdout || '{}') as { items?: NamespaceObject[] }).items ?? [];
    return new Map(items.map((ns) => [ns.metadata.name, ns]));
  } catch {
    return null;
  }
}

function removal(
  namespace: string,
  status: NamespaceRemoval['status'],
  extra: Partial<NamespaceRemoval> = {},
) {
  return { kind: 'namespace' as const, status, namespace, releases: [], holders: [], failures: [], ...extra };
}

/**
 * Deletes `names` in `DELETERS` chunks at once (more only past `chunkChars`); returns deleted / proven gone /
 * unknown. kubectl's REST client sends ≤ 5 requests/s (client-go's default QPS; kubectl raises only its
 * discovery client's), one per namespace, so a single process deletes ≈ 5 namespaces/s whatever the cluster.
 */
async function deleteChunks(kubectl: Kubectl, names: string[], options: NamespaceBatchOptions) {
  const deleted = new Set<string>();
  const gone = new Set<string>();
  const chunks = chunkNames(names, options.chunkChars ?? 16_384, Math.ceil(names.length / DELETERS));
  const log = options.log ?? (() => {});
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      log(`kubectl delete namespace (${chunk.length}: ${chunk[0]} … ${chunk.at(-1)}) --wait=false`);
      const result = await kubectl.tryRun(
        ['delete', 'namespace', ...chunk, '--wait=false', '--output', 'name'],
        { timeoutMs: 300_000 },
      );
      const said = parseDeleteOutput(result.stdout, result.stderr);
      for (const n of said.deleted) deleted.add(n);
      for (const n of said.gone) gone.add(n);
    }
  };
  await Promise.all(Array.from({ length: DELETERS }, worker));
  return { deleted, gone, unknown: names.filter((n) => !deleted.has(n) && !gone.has(n)) };
}

/** Polls the selector until none of `waiting` is listed or the deadline; returns those still listed. */
async function pollGone(
  kubectl: Kubectl,
  waiting: Set<string>,
  deadline: number,
  options: NamespaceBatchOptions,
): Promise<Set<string>> {
  let left = new Set(waiting);
  if (left.size === 0) return left;
  await pollUntil(
    async () => {
      const now = await listSelected(kubectl, options.selector);
      if (now) left = new Set([...left].filter((n) => now.has(n)));
      return left.size;
    },
    {
      done: (size) => size === 0,
      deadline,
      intervalMs: options.pollMs ?? 1000,
      clock: options.clock ?? realClock,
      progress: (size) => options.log?.(`… ${size} namespace(s) still terminating`),
    },
  );
  return left;
}

/** A namespace still listed at the deadline: gone after all, or partial with what holds it. */
async function stuck(kubectl: Kubectl, name: string, timeoutMs: number): Promise<NamespaceRemoval> {
  const current = await kubectl.namespace(name);
  if (!current) return removal(name, 'removed');
  const holders = namespaceHolders(current, await remainingObjects(kubectl, name));
  return removal(name, 'partial', {
    holders,
    failures: [
      `namespace ${name} is still ${current.status?.phase ?? 'present'} after ${Math.round(timeoutMs / 1000)} s${holders.length ? `; held by: ${holders.join('; ')}` : ''}`,
    ],
  });
}

/**
 * Removes every target (see the module comment). Never throws for a refused, missing or stuck namespace.
 * @returns one NamespaceRemoval per target, by namespace name
 * (a one-by-one removal that cannot read its namespace at all is `partial`, its error in `failures`)
 */
export async function removeNamespaces(
  kubectl: Kubectl,
  helm: Helm,
  targets: readonly NamespaceTarget[],
  options: NamespaceBatchOptions,
): Promise<Map<string, NamespaceRemoval>> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  const log = options.log ?? (() => {});
  const results = new Map<string, NamespaceRemoval>();
  const oneByOne: NamespaceTarget[] = [];
  const batch: NamespaceTarget[] = [];
  for (const t of targets) {
    const early = namespaceRefusal(t.namespace, null, t.environment, options.controlPlane ?? []);
    if (early) results.set(t.namespace, removal(t.namespace, 'refused', { reason: early }));
    else batch.push(t);
  }
  const [current, withReleases] =
    options.controlPlane === null || batch.length === 0
      ? [null, null]
      : await Promise.all([listSelected(kubectl, options.selector), namespacesWithReleases(helm, kubectl)]);
  const toDelete: string[] = [];
  const waiting = new Set<string>();
  for (const t of batch) {
    const ns = current?.get(t.namespace);
    if (!current || !withReleases || !ns || withReleases.has(t.namespace)) {
      oneByOne.push(t);
      continue;
    }
    const refusal = namespaceRefusal(t.namespace, ns, t.environment, options.controlPlane ?? []);
    if (refusal) results.set(t.namespace, removal(t.namespace, 'refused', { reason: refusal }));
    else if (ns.status?.phase === 'Terminating') waiting.add(t.namespace);
    else toDelete.push(t.namespace);
  }
  log(
    `Namespaces: ${toDelete.length} deleted in batches, ${waiting.size} already terminating, ${oneByOne.length} one by one (Helm releases, or not in the label-selected list), ${results.size} refused.`,
  );
  const byName = new Map(batch.map((t) => [t.namespace, t]));
  const oneByOneRun = mapOneByOne(kubectl, helm, oneByOne, options, results);
  const batchRun = (async () => {
    const started = clock.now();
    const said = await deleteChunks(kubectl, toDelete, options);
    log(
      `kubectl accepted ${said.deleted.size} deletion(s) in ${Math.round(clock.now() - started)} ms; waiting for the control plane to remove the namespaces.`,
    );
    for (const n of said.gone) results.set(n, removal(n, 'already-gone'));
    for (const n of said.deleted) waiting.add(n);
    const left = await pollGone(kubectl, waiting, deadline, options);
    for (const n of waiting) if (!left.has(n)) results.set(n, removal(n, 'removed'));
    for (const n of left) results.set(n, await stuck(kubectl, n, options.timeoutMs));
    await mapOneByOne(
      kubectl,
      helm,
      said.unknown.map((n) => byName.get(n)!),
      options,
      results,
    );
  })();
  await Promise.all([oneByOneRun, batchRun]);
  return results;
}

/** teardownNamespace for each, `concurrency` at a time, into `results`. */
async function mapOneByOne(
  kubectl: Kubectl,
  helm: Helm,
  targets: NamespaceTarget[],
  options: NamespaceBatchOptions,
  results: Map<string, NamespaceRemoval>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++]!;
      const log = (line: string) => options.log?.(`[${t.namespace}] ${line}`);
      try {
        results.set(
          t.namespace,
          await teardownNamespace(kubectl, helm, t.namespace, t.environment, {
            timeoutMs: options.timeoutMs,
            log,
            ...(options.pollMs ? { pollMs: options.pollMs } : {}),
            ...(options.controlPlane ? { controlPlane: options.controlPlane } : {}),
            ...(options.clock ? { clock: options.clock } : {}),
          }),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results.set(t.namespace, removal(t.namespace, 'partial', { failures: [message] }));
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, targets.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
