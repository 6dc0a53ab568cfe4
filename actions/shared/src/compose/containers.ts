/**
 * A Compose project's containers as the engine sees them: `docker container ls` by the project label, then
 * one `docker container inspect` (two plain docker calls, ~15 ms each, instead of `compose ps` at ~60 ms;
 * two Engine API reads of a few ms where the socket is the CLI's, compose/engine.ts).
 * Inspect is the authority on state, exit code, restart count, health and its output, published ports and
 * the container's own addresses (https://docs.docker.com/reference/cli/docker/container/inspect/).
 */

import { LABELS } from '../environment/labels.js';
import { mustSucceed, type Runner, run } from '../exec/cli.js';
import { registerArgvSecrets, registerEnvSecrets } from '../runtime/secrets.js';
import { viaEngine } from './engine.js';
import { containerIds, inspectContainersApi } from './engine-reads.js';
import { PROJECT_LABEL } from './ownership.js';

export const SERVICE_LABEL = 'com.docker.compose.service';
const ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** One container of the project. */
export interface ContainerState {
  /** Full container ID. */
  id: string;
  name: string;
  service: string;
  /** Carries the one-shot label provision-compose sets (see compose-model.ts `oneShots`). */
  oneShot: boolean;
  /** `created`, `running`, `restarting`, `exited`, `dead`, `paused` or `removing`. */
  state: string;
  /** `starting`, `healthy`, `unhealthy`, or '' without a healthcheck. */
  health: string;
  /** The last exit code (also while restarting); null while it never exited. */
  exitCode: number | null;
  /** Restarts by the restart policy since the container was created. */
  restartCount: number;
  /** Output of the latest healthcheck run (bounded to 1000 characters), '' when none. */
  healthOutput: string;
  /** Exit code of the latest healthcheck run, null when none ran. */
  healthExitCode: number | null;
  /** Published ports: `"<port>/<protocol>"` → `"host:port"` (IPv4 loopback for all-interface bindings). */
  ports: Record<string, string>;
  /** The container's own IP addresses on its networks (IPv4 first). */
  addresses: string[];
}

/** One `docker container inspect` entry: the fields the actions read. */
export interface InspectedContainer {
  Id: string;
  Name?: string;
  /** The image ID the container runs. */
  Image?: string;
  RestartCount?: number;
  Args?: string[] | null;
  Config?: {
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
  };
  State?: {
    Status?: string;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; Log?: Array<{ ExitCode?: number; Output?: string }> | null } | null;
  };
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
  };
}

/** `docker container ls` argv for a project's containers (IDs only, one-off `compose run` ones included). */
export function projectContainersArgs(project: string): string[] {
  return [
    'docker',
    'container',
    'ls',
    '--all',
    '--quiet',
    '--no-trunc',
    '--filter',
    `label=${PROJECT_LABEL}=${project}`,
  ];
}

function hostPort(bindings: Array<{ HostIp?: string; HostPort?: string }>): string | null {
  const usable = bindings.filter((b) => b.HostPort && b.HostPort !== '0');
  const pick = usable.find((b) => b.HostIp === '0.0.0.0' || b.HostIp === '') ?? usable[0];
  if (!pick) return null;
  const ip = pick.HostIp ?? '';
  const host = ip === '' || ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip.includes(':') ? `[${ip}]` : ip;
  return `${host}:${pick.HostPort}`;
}

/** Maps one `docker container inspect` entry (pure; unit-tested). */
export function fromInspect(item: InspectedContainer): ContainerState {
  const labels = item.Config?.Labels ?? {};
  const status = (item.State?.Status ?? '').toLowerCase();
  const exited = status === 'exited' || status === 'dead' || status === 'restarting';
  const finished = item.State?.FinishedAt ?? '';
  const everExited = exited || (finished !== '' && !finished.startsWith('0001-'));
  const log = item.State?.Health?.Log ?? [];
  const ports: Record<string, string> = {};
  for (const [key, bindings] of Object.entries(item.NetworkSettings?.Ports ?? {})) {
    const value = bindings ? hostPort(bindings) : null;
    if (value) ports[key] = value;
  }
  const networks = Object.values(item.NetworkSettings?.Networks ?? {});
  return {
    id: item.Id,
    name: (item.Name ?? item.Id).replace(/^\//, ''),
    service: labels['com.docker.compose.service'] ?? '',
    oneShot: labels[LABELS.oneShot] === 'true',
    state: status,
    health: (item.State?.Health?.Status ?? '').toLowerCase(),
    exitCode: everExited ? (item.State?.ExitCode ?? null) : null,
    restartCount: item.RestartCount ?? 0,
    healthOutput: (log.at(-1)?.Output ?? '').trim().slice(-1000),
    healthExitCode: log.at(-1)?.ExitCode ?? null,
    ports,
    addresses: [
      ...networks.map((n) => n.IPAddress ?? '').filter(Boolean),
      ...networks.map((n) => n.GlobalIPv6Address ?? '').filter(Boolean),
    ],
  };
}

/**
 * Registers what a container holds that is secret — secret-named environment values, URL passwords, secret
 * values on its command line — so its logs and states are redacted in any action, not only the one that read
 * the compose file.
 */
function registerContainerSecrets(item: InspectedContainer): void {
  registerEnvSecrets(item.Config?.Env ?? []);
  for (const argv of [item.Config?.Cmd, item.Config?.Entrypoint, item.Args])
    if (argv) registerArgvSecrets(argv);
}

/**
 * Inspects containers by ID (and registers their secrets, registerContainerSecrets). A container removed
 * meanwhile is left out.
 * @throws ToolError when docker fails for another reason
 */
export async function inspectContainers(
  ids: readonly string[],
  runner: Runner = run,
): Promise<ContainerState[]> {
  if (ids.length === 0) return [];
  const items = await viaEngine(
    runner,
    (engine) => inspectContainersApi(engine, ids, 'skip'),
    async () => {
      const result = await runner(['docker', 'container', 'inspect', ...ids], { timeoutMs: 60_000 });
      // Exit 1 with "No such container" for some IDs still prints the others.
      if (result.exitCode !== 0 && !/no such (container|object)/i.test(result.stderr)) mustSucceed(result);
      return JSON.parse(result.stdout.trim() || '[]') as InspectedContainer[];
    },
  );
  const project = items.filter((item) => item.Config?.Labels?.[ONEOFF_LABEL] !== 'True');
  for (const item of project) registerContainerSecrets(item);
  return project.map(fromInspect);
}

/**
 * Every container of Compose project `project` (one-off `compose run` containers left out).
 * @throws ToolError when docker fails (the engine did not answer)
 */
export async function projectContainers(project: string, runner: Runner = run): Promise<ContainerState[]> {
  return inspectContainers(await projectContainerIds(project, runner), runner);
}

/**
 * The Container IDs of every container of Compose project `project`, any state (`projectContainersArgs`).
 * @throws ToolError when docker fails (the engine did not answer)
 */
export function projectContainerIds(project: string, runner: Runner = run): Promise<string[]> {
  return viaEngine(
    runner,
    (engine) => containerIds(engine, `${PROJECT_LABEL}=${project}`),
    async () =>
      mustSucceed(await runner(projectContainersArgs(project), { timeoutMs: 60_000 }))
        .stdout.split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
  );
}
