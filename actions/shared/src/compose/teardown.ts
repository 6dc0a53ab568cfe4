/**
 * Removes one Compose environment, idempotently and only if it is ours. One label-filtered inventory (the
 * project's containers, networks and volumes, and the images this environment built, listed at once) is
 * both the ownership check and the list of what to remove; then the resources go directly through the
 * engine (no `compose down`: it would list them all again). Shared by provision-compose's post step and the
 * teardown action; the sweep removes what `environmentInventory` finds the same way.
 *
 * Safety rules:
 * - the Compose refusal rule (ownership.ts): a resource of the project that is not this environment's means
 *   the project is not ours: nothing is touched and the result is `refused`;
 * - "already gone" only when the engine answered and nothing of the environment exists (a docker failure
 *   throws instead);
 * - images are removed only when they carry this environment's labels, which provision-compose puts on the
 *   images it builds (`remove-images: local`); an image it did not build is never touched;
 * - external networks and volumes carry no project label, so they are never in the inventory.
 */
import { environmentSelector } from '../environment/labels.js';
import type { ComposeRemoval } from '../report/removed.js';
import { Docker, type Inventory } from './docker.js';
import { foreignResources, PROJECT_LABEL, refusalReason } from './ownership.js';

/** `remove-images` input: the images this environment built (`local`), or none. */
export type RemoveImagesPolicy = 'local' | 'none';

/** Options. */
export interface TeardownOptions {
  /** Per-container stop grace, in seconds. Default 10. */
  stopTimeoutS?: number;
  /** Hard limit for each removal command, in ms. Default 180000. */
  downTimeoutMs?: number;
  /** Default `local`. */
  removeImages?: RemoveImagesPolicy;
  /** Called with progress lines. */
  log?: (line: string) => void;
  /**
   * Called once the removal has begun (the ownership check passed and the first removal command started),
   * never for a refused or already-gone environment: work to overlap with the engine's (`Docker.remove`).
   */
  whileRemoving?: () => void;
}

/** A removal of nothing: `status`, empty lists, and `reason` when given. */
export function empty(status: ComposeRemoval['status'], reason?: string): ComposeRemoval {
  return {
    kind: 'compose',
    status,
    containers: [],
    networks: [],
    volumes: [],
    images: [],
    failures: [],
    ...(reason ? { reason } : {}),
  };
}

/**
 * The inventory of environment `name`: its Compose project's containers, networks and volumes and, with
 * `local`, the images labelled with the environment — four `ls` calls at once, no `inspect`.
 * @throws ToolError when docker fails (the engine did not answer)
 */
export function environmentInventory(
  docker: Docker,
  name: string,
  removeImages: RemoveImagesPolicy = 'local',
): Promise<Inventory> {
  const project = [`${PROJECT_LABEL}=${name}`];
  return docker.inventory({
    container: project,
    network: project,
    volume: project,
    ...(removeImages === 'local' ? { image: environmentSelector(name) } : {}),
  });
}

const all = (inv: Inventory) => [...inv.container, ...inv.network, ...inv.volume, ...inv.image];

/**
 * Tears down environment `name` (its Compose project has the same name).
 * Never throws for a missing environment (status `already-gone`).
 * @throws ToolError when docker cannot list resources (the engine did not answer)
 */
export async function teardownCompose(
  name: string,
  options: TeardownOptions = {},
  docker = new Docker(),
): Promise<ComposeRemoval> {
  const log = options.log ?? (() => {});
  const policy = options.removeImages ?? 'local';
  const before = await environmentInventory(docker, name, policy);
  const foreign = foreignResources([...before.container, ...before.network, ...before.volume], name);
  if (foreign.length > 0) return empty('refused', refusalReason(name, foreign));
  if (all(before).length === 0) {
    log(
      `Environment "${name}" is already gone: the engine has no container, network, volume or image of it.`,
    );
    return empty('already-gone');
  }
  const failures = await docker.remove(before, {
    stopTimeoutS: options.stopTimeoutS ?? 10,
    timeoutMs: options.downTimeoutMs ?? 180_000,
    log,
    whileRemoving: options.whileRemoving,
  });
  // Only a failure can leave something behind; then look again to report exactly what remains.
  const left = new Set<string>();
  if (failures.length > 0)
    for (const r of all(await environmentInventory(docker, name, policy))) left.add(`${r.kind}:${r.id}`);
  const removed = (kind: keyof Inventory) =>
    before[kind]
      .filter((r) => !left.has(`${kind}:${r.id}`))
      .map((r) => r.name || r.id)
      .sort();
  return {
    kind: 'compose',
    status: left.size > 0 ? 'partial' : 'removed',
    containers: removed('container'),
    networks: removed('network'),
    volumes: removed('volume'),
    images: removed('image'),
    failures,
  };
}
