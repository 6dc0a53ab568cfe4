/**
 * Removes one Compose environment, idempotently and only if it is ours: `down --volumes --remove-orphans`,
 * then every container, network and volume still labelled with the environment (left by crashed runs).
 * Shared by provision-compose's post step and the teardown action.
 *
 * Safety: the Compose refusal rule (ownership.ts): resources of the project that are not this environment's
 * mean the project is not ours; then nothing is touched and the result is `refused`.
 */
import { belongsTo, environmentSelector, LABELS } from '../environment/labels.js';
import type { ComposeRemoval } from '../report/removed.js';
import { type DockerCompose, downArgs } from './compose.js';
import { Docker, type DockerResource } from './docker.js';
import { foreignResources, projectResources, RESOURCE_KINDS, refusalReason } from './ownership.js';

/** Options. */
export interface TeardownOptions {
  /** Per-container stop grace for `down --timeout`, in seconds. Default 10. */
  stopTimeoutS?: number;
  /** Hard limit for `down`, in ms. Default 180000. */
  downTimeoutMs?: number;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

function empty(status: ComposeRemoval['status'], reason?: string): ComposeRemoval {
  return {
    kind: 'compose',
    status,
    containers: [],
    networks: [],
    volumes: [],
    failures: [],
    ...(reason ? { reason } : {}),
  };
}

/** The project's resources and those labelled with the environment, all six look-ups at once. */
async function snapshot(docker: Docker, name: string) {
  const [project, labelled] = await Promise.all([
    projectResources(docker, name),
    Promise.all(RESOURCE_KINDS.map((kind) => docker.list(kind, environmentSelector(name)))),
  ]);
  return { project, labelled: labelled.flat() };
}

/** Removes what `down` missed (crashed runs, services since renamed) by label, containers first. */
async function removeLeftovers(docker: Docker, name: string, log: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  // Networks and volumes cannot go while a container uses them: kinds in order.
  const leftovers = await Promise.all(
    RESOURCE_KINDS.map((kind) => docker.list(kind, environmentSelector(name))),
  );
  for (const left of leftovers) {
    const ours = left.filter((r) => belongsTo(r.labels, name));
    if (ours.length === 0) continue;
    log(`Removing ${ours.length} leftover ${ours[0]!.kind}(s) labelled ${LABELS.environment}=${name}`);
    for (const failure of await docker.remove(ours))
      failures.push(`${failure.resource.kind} ${failure.resource.name}: ${failure.error}`);
  }
  return failures;
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
): Promise<ComposeRemoval> {
  const log = options.log ?? (() => {});
  const { project, labelled } = await snapshot(docker, name);
  const foreign = foreignResources(project, name);
  if (foreign.length > 0) return empty('refused', refusalReason(name, foreign));
  const key = (r: DockerResource) => `${r.kind}:${r.id}`;
  const before = new Map<string, DockerResource>([...project, ...labelled].map((r) => [key(r), r]));
  if (before.size === 0) {
    log(`Environment "${name}" is already gone: no containers, networks or volumes.`);
    return empty('already-gone');
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
  failures.push(...(await removeLeftovers(docker, name, log)));
  // Only a failure can leave something behind; then look again to report exactly what remains.
  const after = new Set<string>();
  if (failures.length > 0) {
    const again = await snapshot(docker, name);
    for (const r of [...again.project, ...again.labelled]) after.add(key(r));
  }
  const removed = { container: [] as string[], network: [] as string[], volume: [] as string[] };
  for (const [k, resource] of before) if (!after.has(k)) removed[resource.kind].push(resource.name);
  return {
    kind: 'compose',
    status: after.size > 0 ? 'partial' : 'removed',
    containers: removed.container.sort(),
    networks: removed.network.sort(),
    volumes: removed.volume.sort(),
    failures,
  };
}
