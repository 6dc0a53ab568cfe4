/**
 * The sweep's Compose removal: N environments with a fixed number of docker processes, keeping every rule
 * of teardownCompose (compose/teardown.ts). Steps:
 * 1. one inventory, just before removal, of every container, network and volume carrying Compose's project
 *    label (3 `ls` calls) and, with `remove-images: local`, of this repository's managed images (1 `ls` +
 *    1 `image inspect` per chunk for their environment label);
 * 2. per environment, ownership from those labels: every resource of its Compose project must carry
 *    managed-by, this environment and this repository, or the environment is `refused` and nothing of it
 *    is touched (an unlabelled or foreign resource is never removed);
 * 3. `docker container stop` + `rm --force --volumes` per chunk of container IDs, then `network rm`,
 *    `volume rm` and `image rm` per chunk (networks and volumes only once every container is gone);
 * 4. one inventory again (same calls) to prove what is gone: anything of an environment still there makes
 *    it `partial`, naming what is left; `already-gone` only when the engine answered and nothing of it
 *    existed. Resources the sweep discovered by the environment label that carry no project label are not
 *    removed (as in teardownCompose) and make the environment `partial`, or `error` when nothing else was.
 * A chunk is ≤ `chunkChars` characters of IDs (≈ 250 64-character IDs), so argv stays far below ARG_MAX.
 */
import { LABELS, MANAGED_BY } from '../environment/labels.js';
import { chunkNames } from '../exec/chunks.js';
import { mustSucceed } from '../exec/cli.js';
import type { ComposeRemoval } from '../report/removed.js';
import type { Docker, DockerResource, Inventory, ResourceKind } from './docker.js';
import { foreignResources, PROJECT_LABEL, refusalReason } from './ownership.js';
import { empty, type RemoveImagesPolicy } from './teardown.js';

/** One doomed environment: its name (= Compose project) and what discovery saw (`<kind> <name>` each). */
export interface ComposeTarget {
  environment: string;
  discovered: readonly string[];
}

/** Options. */
export interface ComposeBatchOptions {
  /** This repository's label value (`labelValue(owner/name)`); a resource of another is foreign. */
  repositoryLabel: string;
  /** Hard limit for each docker command, in ms. */
  timeoutMs: number;
  /** Default `local`. */
  removeImages?: RemoveImagesPolicy;
  /** Per-container stop grace, in seconds. Default 10. */
  stopTimeoutS?: number;
  /** Characters of IDs per command. Default 16,384. */
  chunkChars?: number;
  log?: (line: string) => void;
}

const KINDS = ['container', 'network', 'volume'] as const;
const ENV_OF_IMAGE = `{{.Id}}\t{{index .Config.Labels "${LABELS.environment}"}}`;

/**
 * Every Compose-project resource on the engine and this repository's managed images with their
 * environment label: 3 `ls` calls at once, then 1 image `ls` and 1 `inspect` per chunk.
 * @throws ToolError when docker fails (the engine did not answer)
 */
export async function composeInventory(
  docker: Docker,
  repositoryLabel: string,
  removeImages: RemoveImagesPolicy,
  chunkChars = 16_384,
): Promise<Inventory> {
  const images = [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.repository}=${repositoryLabel}`];
  const inv = await docker.inventory({
    container: [PROJECT_LABEL],
    network: [PROJECT_LABEL],
    volume: [PROJECT_LABEL],
    ...(removeImages === 'local' ? { image: images } : {}),
  });
  for (const ids of chunkNames(
    inv.image.map((i) => i.id),
    chunkChars,
  )) {
    const result = await docker.runner(['docker', 'image', 'inspect', '--format', ENV_OF_IMAGE, ...ids], {
      timeoutMs: 60_000,
    });
    // An image removed since the `ls` answers "No such image"; anything else means the engine failed.
    if (result.stderr.split('\n').some((l) => l.trim() && !/no such image/i.test(l))) mustSucceed(result);
    for (const line of result.stdout.split('\n')) {
      const [id = '', environment = ''] = line.split('\t');
      const image = inv.image.find((i) => i.id === id);
      if (image && environment) image.labels[LABELS.environment] = environment;
    }
  }
  inv.image = inv.image.filter((i) => i.labels[LABELS.environment]);
  return inv;
}

/** The part of `inv` that is environment `name`'s: its project's resources, the images labelled with it. */
function slice(inv: Inventory, name: string): Inventory {
  const project = (r: DockerResource) => r.labels[PROJECT_LABEL] === name;
  return {
    container: inv.container.filter(project),
    network: inv.network.filter(project),
    volume: inv.volume.filter(project),
    image: inv.image.filter((r) => r.labels[LABELS.environment] === name),
  };
}

const every = (inv: Inventory) => [...inv.container, ...inv.network, ...inv.volume, ...inv.image];
const label = (r: DockerResource) => `${r.kind} ${r.name || r.id}`;

/** Why environment `name` is not ours (pure): another environment's, unlabelled, another repository's. */
export function composeRefusal(name: string, own: Inventory, repositoryLabel: string): string | null {
  const resources = KINDS.flatMap((kind) => own[kind]);
  const foreign = foreignResources(resources, name);
  if (foreign.length > 0) return refusalReason(name, foreign);
  const other = resources.filter((r) => r.labels[LABELS.repository] !== repositoryLabel);
  if (other.length === 0) return null;
  return `Compose project "${name}" has resources of another repository (${other
    .slice(0, 5)
    .map(label)
    .join(', ')}: ${LABELS.repository} is not ${repositoryLabel}), so nothing was removed`;
}

function result(status: ComposeRemoval['status'], extra: Partial<ComposeRemoval> = {}): ComposeRemoval {
  return { ...empty(status), ...extra };
}

/** Removes `doomed` chunk by chunk: containers first, then networks, volumes and images. */
async function removeAll(docker: Docker, doomed: Inventory, options: ComposeBatchOptions): Promise<string[]> {
  const chunks = (kind: ResourceKind) => {
    const byId = new Map(doomed[kind].map((r) => [r.id, r]));
    return chunkNames([...byId.keys()], options.chunkChars ?? 16_384).map((ids) =>
      ids.map((id) => byId.get(id)!),
    );
  };
  const none = { container: [], network: [], volume: [], image: [] };
  const remove = (inv: Inventory) =>
    docker.remove(inv, { stopTimeoutS: options.stopTimeoutS ?? 10, timeoutMs: options.timeoutMs });
  const failures: string[] = [];
  for (const container of chunks('container')) failures.push(...(await remove({ ...none, container })));
  const [network, volume, image] = [chunks('network'), chunks('volume'), chunks('image')];
  for (let i = 0; i < Math.max(network.length, volume.length, image.length); i += 1)
    failures.push(
      ...(await remove({
        container: [],
        network: network[i] ?? [],
        volume: volume[i] ?? [],
        image: image[i] ?? [],
      })),
    );
  return failures;
}

/**
 * Removes the Compose environments `targets` (the sweep's doomed ones) with a fixed number of docker
 * processes: 2 inventories of 3–5 calls, plus per chunk of IDs 1 stop + 1 rm for containers and 1 rm each
 * for networks, volumes and images. Returns each environment's removal, keyed by environment name.
 * @throws ToolError when the first inventory fails (the engine did not answer): nothing was removed
 */
export async function removeComposeEnvironments(
  docker: Docker,
  targets: readonly ComposeTarget[],
  options: ComposeBatchOptions,
): Promise<Map<string, ComposeRemoval>> {
  const log = options.log ?? (() => {});
  const policy = options.removeImages ?? 'local';
  const before = await composeInventory(docker, options.repositoryLabel, policy, options.chunkChars);
  const out = new Map<string, ComposeRemoval>();
  const own = new Map<string, Inventory>();
  const doomed: Inventory = { container: [], network: [], volume: [], image: [] };
  for (const { environment } of targets) {
    const mine = slice(before, environment);
    const refusal = composeRefusal(environment, mine, options.repositoryLabel);
    if (refusal) out.set(environment, result('refused', { reason: refusal }));
    else if (every(mine).length > 0) {
      own.set(environment, mine);
      for (const kind of Object.keys(doomed) as ResourceKind[]) doomed[kind].push(...mine[kind]);
    }
  }
  const count = (kind: ResourceKind) => `${doomed[kind].length} ${kind}(s)`;
  log(
    `Compose: removing ${own.size} environment(s) at once: ${(['container', 'network', 'volume', 'image'] as const).map(count).join(', ')}`,
  );
  const failures = own.size > 0 ? await removeAll(docker, doomed, options) : [];
  const after =
    own.size > 0
      ? await composeInventory(docker, options.repositoryLabel, policy, options.chunkChars)
      : before;
  for (const { environment, discovered } of targets) {
    if (out.has(environment)) continue;
    const mine = own.get(environment);
    const seen = new Set(mine ? every(mine).map(label) : []);
    const stray = discovered.filter((r) => !seen.has(r));
    const strayFailure = `${stray.join(', ')} carry the environment label but not Compose's project label ${PROJECT_LABEL}=${environment}, so they were not removed; check who created them and remove them by hand`;
    if (!mine) {
      out.set(
        environment,
        stray.length > 0 ? result('error', { failures: [strayFailure] }) : result('already-gone'),
      );
      continue;
    }
    const left = every(slice(after, environment));
    const leftIds = new Set(left.map((r) => `${r.kind}:${r.id}`));
    const gone = (kind: ResourceKind) =>
      mine[kind]
        .filter((r) => !leftIds.has(`${kind}:${r.id}`))
        .map((r) => r.name || r.id)
        .sort();
    const problems = [
      ...(left.length > 0 ? [`still there after removal: ${left.map(label).join(', ')}`, ...failures] : []),
      ...(stray.length > 0 ? [strayFailure] : []),
    ];
    out.set(environment, {
      kind: 'compose',
      status: problems.length > 0 ? 'partial' : 'removed',
      containers: gone('container'),
      networks: gone('network'),
      volumes: gone('volume'),
      images: gone('image'),
      failures: problems,
    });
  }
  return out;
}
