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
  // All six look-ups at once: on a busy runner each docker call costs tens of ms.
  const snapshot = async () => {
    const [project, labelled] = await Promise.all([
      Promise.all(KINDS.map((kind) => docker.list(kind, [`${PROJECT_LABEL}=${name}`]))),
      Promise.all(KINDS.map((kind) => docker.list(kind, environmentSelector(name)))),
    ]);
    return { project: project.flat(), labelled: labelled.flat() };
  };
  const { project, labelled } = await snapshot();
  const foreign = project.filter((r) => !isOurs(r, name));
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
  const key = (r: DockerResource) => `${r.kind}:${r.id}`;
  const before = new Map<string, DockerResource>([...project, ...labelled].map((r) => [key(r), r]));
  if (before.size === 0) {
    log(`Environment "${name}" is already gone: no containers, networks or volumes.`);
    return { status: 'already-gone', containers: [], networks: [], volumes: [], failures: [] };
  }
  const failures: string[] = [];
  if (project.length > 0) {
    log(`docker compose down --volumes --remove-orphans (project ${name})`);
    const down = await compose.tryRun({ name }, downArgs(options.stopTimeoutS ?? 10), {
      timeoutMs: options.downTimeoutMs ?? 180_000,
    });
    if (down.exitCode !== 0)
      failures.push(`compose down exited ${down.exitCode}: ${down.stderr.trim().slice(-300)}`);
  }
  // Whatever down missed (crashed runs, services since renamed): remove by label, containers first
  // (networks and volumes cannot go while a container uses them).
  const leftovers = await Promise.all(KINDS.map((kind) => docker.list(kind, environmentSelector(name))));
  for (const left of leftovers) {
    const ours = left.filter((r) => isOurs(r, name));
    if (ours.length === 0) continue;
    log(`Removing ${ours.length} leftover ${ours[0]!.kind}(s) labelled ${LABELS.environment}=${name}`);
    for (const failure of await docker.remove(ours))
      failures.push(`${failure.resource.kind} ${failure.resource.name}: ${failure.error}`);
  }
  // Only a failure can leave something behind; then look again to report exactly what remains.
  const after = new Set<string>();
  if (failures.length > 0) {
    const again = await snapshot();
    for (const r of [...again.project, ...again.labelled]) after.add(key(r));
  }
  const removed = { container: [] as string[], network: [] as string[], volume: [] as string[] };
  for (const [k, resource] of before) if (!after.has(k)) removed[resource.kind].push(resource.name);
  return {
    status: after.size > 0 ? 'partial' : 'removed',
    containers: removed.container.sort(),
    networks: removed.network.sort(),
    volumes: removed.volume.sort(),
    failures,
  };
}

/** The report's `removed` entry for a teardown result. */
export function removedReport(result: TeardownResult): RemovedReport {
  const { status, containers, networks, volumes, failures } = result;
  return { status, containers, networks, volumes, failures };
}
