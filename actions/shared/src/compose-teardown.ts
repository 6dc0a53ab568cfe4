/**
 * Removes one Compose environment, idempotently and only if it is ours: `down --volumes --remove-orphans`,
 * then every container, network and volume still labelled with the environment (left by crashed runs).
 * Shared by provision-compose's post step and the teardown action.
 *
 * Safety: resources of the Compose project that lack our managed-by label, or carry another environment's
 * label, mean the project is not ours; then nothing is touched and the result is `refused`.
 */
import { type DockerCompose, downArgs } from './compose.js';
import { Docker, type DockerResource, type ResourceKind } from './docker.js';
import { environmentSelector, LABELS, MANAGED_BY } from './labels.js';
import type { RemovedReport } from './report.js';

const KINDS: ResourceKind[] = ['container', 'network', 'volume'];
const PROJECT_LABEL = 'com.docker.compose.project';

/** Options. */
export interface TeardownOptions {
  /** Per-container stop grace for `down --timeout`, in seconds. Default 10. */
  stopTimeoutS?: number;
  /** Hard limit for `down`, in ms. Default 180000. */
  downTimeoutMs?: number;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

/** The result: what was removed, and why not when refused. */
export interface TeardownResult extends RemovedReport {
  /** Why the project was refused (status `refused`). */
  reason?: string;
}

function isOurs(resource: DockerResource, environment: string): boolean {
  return (
    resource.labels[LABELS.managedBy] === MANAGED_BY && resource.labels[LABELS.environment] === environment
  );
}

/**
 * Tears down environment `name` (its Compose project has the same name).
 * Never throws for a missing environment (status `already-gone`); throws only when docker itself fails.
 * @throws ToolError when docker cannot list resources
 */
export async function teardownCompose(
  compose: DockerCompose,
  name: string,
  options: TeardownOptions = {},
  docker = new Docker(),
): Promise<TeardownResult> {
  const log = options.log ?? (() => {});
  const project: ResourceMap = {};
  const labelled: ResourceMap = {};
  for (const kind of KINDS) {
    project[kind] = await docker.list(kind, [`${PROJECT_LABEL}=${name}`]);
    labelled[kind] = await docker.list(kind, environmentSelector(name));
  }
  const foreign = KINDS.flatMap((kind) => project[kind]!.filter((r) => !isOurs(r, name)));
  if (foreign.length > 0) {
    const list = foreign
      .slice(0, 5)
      .map((r) => `${r.kind} ${r.name}`)
      .join(', ');
    return {
      status: 'refused',
      reason: `Compose project "${name}" has resources without the ${LABELS.managedBy}=${MANAGED_BY} label for this environment (${list}); it was not created by these actions, so nothing was removed`,
      containers: [],
      networks: [],
      volumes: [],
      failures: [],
    };
  }
  const before = new Map<string, DockerResource>();
  for (const kind of KINDS)
    for (const r of [...project[kind]!, ...labelled[kind]!]) before.set(`${kind}:${r.id}`, r);
  if (before.size === 0) {
    log(`Environment "${name}" is already gone: no containers, networks or volumes.`);
    return { status: 'already-gone', containers: [], networks: [], volumes: [], failures: [] };
  }
  const failures: string[] = [];
  if (KINDS.some((kind) => project[kind]!.length > 0)) {
    log(`docker compose down --volumes --remove-orphans (project ${name})`);
    const down = await compose.tryRun({ name }, downArgs(options.stopTimeoutS ?? 10), {
      timeoutMs: options.downTimeoutMs ?? 180_000,
    });
    if (down.exitCode !== 0)
      failures.push(`compose down exited ${down.exitCode}: ${down.stderr.trim().slice(-300)}`);
  }
  // Whatever down missed (crashed runs, services since renamed): remove by label, containers first.
  for (const kind of KINDS) {
    const left = (await docker.list(kind, environmentSelector(name))).filter((r) => isOurs(r, name));
    if (left.length > 0)
      log(`Removing ${left.length} leftover ${kind}(s) labelled ${LABELS.environment}=${name}`);
    for (const failure of await docker.remove(left))
      failures.push(`${kind} ${failure.resource.name}: ${failure.error}`);
  }
  const after = new Set<string>();
  for (const kind of KINDS) {
    for (const r of await docker.list(kind, environmentSelector(name))) after.add(`${kind}:${r.id}`);
    for (const r of await docker.list(kind, [`${PROJECT_LABEL}=${name}`])) after.add(`${kind}:${r.id}`);
  }
  const removed = { container: [] as string[], network: [] as string[], volume: [] as string[] };
  for (const [key, resource] of before) if (!after.has(key)) removed[resource.kind].push(resource.name);
  return {
    status: after.size > 0 ? 'partial' : 'removed',
    containers: removed.container.sort(),
    networks: removed.network.sort(),
    volumes: removed.volume.sort(),
    failures,
  };
}

type ResourceMap = Partial<Record<ResourceKind, DockerResource[]>>;

/** The report's `removed` entry for a teardown result. */
export function removedReport(result: TeardownResult): RemovedReport {
  const { status, containers, networks, volumes, failures } = result;
  return { status, containers, networks, volumes, failures };
}
