/**
 * The label-filtered inventory of Docker resources, and their removal, through the exec funnel. One
 * `docker <kind> ls` per kind, all kinds in parallel, each printing the ID, the name and exactly the labels
 * the actions read (`{{.Label "…"}}`), so no `inspect` round trip is needed; the same lists from the Engine
 * API where the socket is the CLI's (compose/engine.ts: a few ms each instead of a process). Removal always
 * goes through the CLI. Teardown finds an environment
 * with it (compose/teardown.ts); the sweep finds every environment with it (selector `managed-by`).
 * CLI reference: https://docs.docker.com/reference/cli/docker/.
 */
import { LABELS } from '../environment/labels.js';
import { mustSucceed, type Runner, type RunResult, run } from '../exec/cli.js';
import { type ContainerState, inspectContainers, projectContainers } from './containers.js';
import { viaEngine } from './engine.js';
import { inspectContainersApi, listResources } from './engine-reads.js';
import { type RemovalStep, removeThroughEngine, STEP_NAME, startThroughEngine } from './engine-writes.js';
import { PROJECT_LABEL } from './ownership.js';

export type ResourceKind = 'container' | 'network' | 'volume' | 'image';

/** One resource and the labels the actions read (see `INVENTORY_LABELS`). */
export interface DockerResource {
  kind: ResourceKind;
  /** Container ID, network ID, volume name or image ID: what `rm` takes. */
  id: string;
  /** Human name: container name, network name, volume name, or an image's `repository:tag` list. */
  name: string;
  labels: Record<string, string>;
}

/** The labels an inventory reads from containers, networks and volumes (images are selected by label). */
export const INVENTORY_LABELS: readonly string[] = [
  PROJECT_LABEL,
  'com.docker.compose.service',
  ...Object.values(LABELS),
  // the fingerprint a deploy recorded on its containers (fingerprint/record.ts): the sweep reports it
  'ephemeral.dev/fingerprint',
];

/** Resources by kind. */
export type Inventory = Record<ResourceKind, DockerResource[]>;

/** Label filters (`key=value` or `key`, ANDed) per kind; a kind without filters is not listed. */
export type InventorySelector = Partial<Record<ResourceKind, readonly string[]>>;

const LIST: Record<ResourceKind, { argv: string[]; id: string; name: string }> = {
  container: { argv: ['container', 'ls', '--all', '--no-trunc'], id: '{{.ID}}', name: '{{.Names}}' },
  network: { argv: ['network', 'ls', '--no-trunc'], id: '{{.ID}}', name: '{{.Name}}' },
  volume: { argv: ['volume', 'ls'], id: '{{.Name}}', name: '{{.Name}}' },
  image: { argv: ['image', 'ls', '--no-trunc'], id: '{{.ID}}', name: '{{.Repository}}:{{.Tag}}' },
};

/** `docker <kind> ls` argv selecting by every label filter in `labels` (AND), tab-separated fields. */
export function listArgs(kind: ResourceKind, labels: readonly string[]): string[] {
  const { argv, id, name } = LIST[kind];
  // `docker image ls` has no {{.Label}}: images are only ever listed by our own labels.
  const columns =
    kind === 'image' ? [id, name] : [id, name, ...INVENTORY_LABELS.map((l) => `{{.Label "${l}"}}`)];
  return [
    'docker',
    ...argv,
    ...labels.flatMap((label) => ['--filter', `label=${label}`]),
    '--format',
    columns.join('\t'),
  ];
}

/** Parses `listArgs` output (pure). Image rows of one ID merge into one resource. */
export function parseList(kind: ResourceKind, stdout: string, labels: readonly string[]): DockerResource[] {
  const out = new Map<string, DockerResource>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [id = '', name = '', ...values] = line.split('\t');
    if (kind === 'image') {
      const selected = Object.fromEntries(labels.map((l) => l.split('=')).map(([k, v = '']) => [k!, v]));
      const current = out.get(id);
      const tag = name === '<none>:<none>' ? '' : name;
      if (current) current.name = [current.name, tag].filter(Boolean).join(' ');
      else out.set(id, { kind, id, name: tag, labels: selected });
      continue;
    }
    const found: Record<string, string> = {};
    INVENTORY_LABELS.forEach((key, i) => {
      if (values[i]) found[key] = values[i]!;
    });
    out.set(id, { kind, id, name, labels: found });
  }
  return [...out.values()];
}

/** The removal argv for resources of one kind (containers forced, with their anonymous volumes). */
export function removeArgs(kind: ResourceKind, resources: readonly DockerResource[]): string[] {
  if (kind === 'container')
    return ['docker', 'container', 'rm', '--force', '--volumes', ...resources.map((r) => r.id)];
  // Images by tag, so an image with several tags goes without --force; an untagged one by ID.
  if (kind === 'image')
    return ['docker', 'image', 'rm', ...resources.flatMap((r) => (r.name ? r.name.split(' ') : [r.id]))];
  return ['docker', kind, 'rm', ...resources.map((r) => r.id)];
}

/** Stops containers gracefully (SIGTERM, then SIGKILL after `stopTimeoutS` seconds), all at once. */
export function stopArgs(resources: readonly DockerResource[], stopTimeoutS: number): string[] {
  return ['docker', 'container', 'stop', '--time', String(stopTimeoutS), ...resources.map((r) => r.id)];
}

/**
 * The error lines of a removal command, "no such …" / "… not found" (already gone) left out, and the
 * `exit status 1` line the docker CLI adds after the errors of `network rm` (seen with docker 20.10: a
 * network already gone was a failure before); [] when it succeeded.
 */
export function removalErrors(what: string, result: RunResult): string[] {
  if (result.exitCode === 0) return [];
  const errors = result.stderr
    .split('\n')
    .filter((l) => l.trim() && !/no such|not found/i.test(l) && !/^exit status \d+$/.test(l.trim()));
  if (errors.length === 0 && !result.timedOut && !result.spawnError) return [];
  const why = errors.join('; ') || result.spawnError || `timed out after ${result.durationMs} ms`;
  return [`${what}: ${why.slice(-500)}`];
}

/** Docker access bound to a runner (the funnel by default); tests pass a scripted runner. */
export class Docker {
  constructor(readonly runner: Runner = run) {}

  /**
   * Lists resources of every kind in `selector`, all kinds at once.
   * @throws ToolError when docker fails: the engine did not answer, so nothing can be said about what exists
   */
  async inventory(selector: InventorySelector): Promise<Inventory> {
    const kinds = Object.keys(selector) as ResourceKind[];
    const lists = await Promise.all(
      kinds.map(async (kind) => {
        const labels = selector[kind]!;
        const list = await viaEngine(
          this.runner,
          (engine) => listResources(engine, kind, labels, INVENTORY_LABELS),
          async () => {
            const result = mustSucceed(await this.runner(listArgs(kind, labels), { timeoutMs: 60_000 }));
            return parseList(kind, result.stdout, labels);
          },
        );
        return [kind, list] as const;
      }),
    );
    const inv: Inventory = { container: [], network: [], volume: [], image: [] };
    for (const [kind, list] of lists) inv[kind] = list;
    return inv;
  }

  /**
   * Every label of the containers matching `labels` (AND): one `ls`, one `inspect` (the inventory reads only
   * `INVENTORY_LABELS`). [] when none matches.
   * @throws ToolError when docker fails
   */
  async containerLabels(labels: readonly string[]): Promise<Record<string, string>[]> {
    const ids = (await this.inventory({ container: labels })).container.map((c) => c.id);
    return this.labelsOf(ids);
  }

  /**
   * Every label of containers `ids` (IDs or names): one `inspect`, in the order given; [] for no ids
   * (no call).
   * @throws ToolError when docker fails (a container removed meanwhile included)
   */
  async labelsOf(ids: readonly string[]): Promise<Record<string, string>[]> {
    if (ids.length === 0) return [];
    const items = await viaEngine(
      this.runner,
      (engine) => inspectContainersApi(engine, ids, 'fail'),
      async () => {
        const argv = ['docker', 'container', 'inspect', '--', ...ids];
        const result = mustSucceed(await this.runner(argv, { timeoutMs: 60_000 }));
        return JSON.parse(result.stdout) as Array<{ Config?: { Labels?: Record<string, string> | null } }>;
      },
    );
    return items.map((item) => item.Config?.Labels ?? {});
  }

  /**
   * Removes an inventory: containers first (stopped gracefully, then removed with their anonymous volumes;
   * their networks removed meanwhile, since a stopped container holds no endpoint), then volumes and
   * images at once as soon as the containers are gone, without waiting for the networks (the engine refuses
   * a volume or an image while any container, even a stopped one, uses it; a network's removal, slow with
   * its firewall rules, has no bearing on them). A network refused while a container still held it (one
   * that did not stop) is tried once more after the containers' removal. A resource already gone counts as
   * removed. Returns the error text of each step that failed. Each step goes through the Engine API when
   * the CLI's engine is the local socket (engine-writes.ts: one request per resource, no `docker` process),
   * else through the CLI (`stopArgs`, `removeArgs`); both count and name failures alike.
   *
   * `whileRemoving` is called once, right after the first removal command has started (the `stop`, with
   * containers): work the caller overlaps with the engine's (provision-compose's post sends its GitHub reads
   * then); it must not throw.
   */
  async remove(
    inv: Inventory,
    options: {
      stopTimeoutS: number;
      timeoutMs: number;
      log?: (line: string) => void;
      whileRemoving?: () => void;
    },
  ): Promise<string[]> {
    const failures: string[] = [];
    const limit = { timeoutMs: options.timeoutMs };
    const through = { stopTimeoutS: options.stopTimeoutS, timeoutMs: options.timeoutMs };
    // Each step through the Engine API when the CLI's engine is the local socket, else (or once it cannot
    // be reached) through the CLI: the same steps, done and failed alike (engine-writes.ts).
    const step = (name: RemovalStep, argv: string[]): Promise<string[]> =>
      viaEngine(
        this.runner,
        (engine) => removeThroughEngine(engine, name, name === 'stop' ? inv.container : inv[name], through),
        async () => removalErrors(STEP_NAME[name], await this.runner(argv, limit)),
      );
    const removeKind = async (kind: ResourceKind): Promise<string[]> => {
      if (inv[kind].length === 0) return [];
      const names = inv[kind].map((r) => r.name || r.id.slice(0, 19)).join(', ');
      options.log?.(`Removing ${inv[kind].length} ${kind}(s): ${names}`);
      return step(kind, removeArgs(kind, inv[kind]));
    };
    if (inv.container.length > 0) {
      options.log?.(`Stopping and removing ${inv.container.length} container(s)`);
      const stopping = step('stop', stopArgs(inv.container, options.stopTimeoutS));
      options.whileRemoving?.();
      failures.push(...(await stopping));
    } else options.whileRemoving?.();
    const containers =
      inv.container.length > 0 ? step('container', removeArgs('container', inv.container)) : null;
    const networks = removeKind('network');
    if (containers) failures.push(...(await containers));
    const rest = Promise.all((['volume', 'image'] as const).map(removeKind));
    const refused = await networks;
    failures.push(...(refused.length > 0 ? await removeKind('network') : []));
    return [...failures, ...(await rest).flat()];
  }

  /**
   * Starts created containers (`docker container start`): through the Engine API when the CLI's engine is
   * the local socket (engine-writes.ts `startThroughEngine`, one request each, no `docker` process), else
   * through the CLI. A container already running counts as started.
   * @param timeoutMs the deadline of the start, in ms
   * @throws ToolError naming the container and the engine's (or the CLI's) message when one cannot start
   */
  async start(containers: readonly DockerResource[], timeoutMs: number): Promise<void> {
    if (containers.length === 0) return;
    await viaEngine(
      this.runner,
      (engine) => startThroughEngine(engine, containers, timeoutMs),
      async () => {
        mustSucceed(
          await this.runner(['docker', 'container', 'start', ...containers.map((c) => c.id)], { timeoutMs }),
        );
      },
    );
  }

  /** Every container of Compose project `project` with its state (compose/containers.ts). */
  containers(project: string): Promise<ContainerState[]> {
    return projectContainers(project, this.runner);
  }

  /** The state of containers by ID (one inspect). */
  inspectContainers(ids: readonly string[]): Promise<ContainerState[]> {
    return inspectContainers(ids, this.runner);
  }
}
