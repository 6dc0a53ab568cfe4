/**
 * Service status and the readiness verdict, from the containers the engine reports (compose-containers.ts)
 * and what the event stream saw during the wait (compose-watch.ts).
 *
 * The rules (README, "Ready means ready"):
 * - a service is ready when each of its containers is running and, if it has a healthcheck, healthy;
 * - a one-shot is done once it exited 0 — while it runs it is pending, so the environment is not ready
 *   before it finished (docker/compose#10596 gets one-shots wrong the other way);
 * - a container that exited non-zero, is unhealthy, is restarting, was restarted by its restart policy, or
 *   died with a non-zero code during the wait has failed — and a failure ends the wait at once.
 */
import type { ContainerState } from './containers.js';

/** The state of one service, as put in the `services` output. */
export interface ServiceStatus {
  /** `running`, `exited`, `restarting`, `created`, …, or `missing` when it has no container yet. */
  state: string;
  /** `healthy`, `unhealthy`, `starting`, or '' when it has no healthcheck. */
  health: string;
  /** Exit code of a container that exited (or is restarting), else null. */
  exitCode: number | null;
  /** `ready`, `done` (a one-shot or a service that exited 0), `pending` or `failed`. */
  verdict: 'ready' | 'done' | 'pending' | 'failed';
  /** Published ports: `"<container port>/<protocol>"` → `"host:port"` (IPv4 loopback when bound to all interfaces). */
  ports: Record<string, string>;
  containers: string[];
  /** True for a one-shot service (it must exit 0); absent in `services` JSON written by older versions. */
  oneShot?: boolean;
  /** Why it failed, when it did: `exit 3`, `restarted 2 time(s)`, `unhealthy`, `died (exit 137) during the wait`. */
  reason?: string;
}

/** Service name → status. */
export type ServiceMap = Record<string, ServiceStatus>;

/** What the event stream saw for one container during the wait. */
export interface ContainerEvents {
  /** Exit codes of the `die` events, in order. */
  died: number[];
  /** A `start` came after a `die`: the container was restarted. */
  restarted: boolean;
}

/** Container ID → events seen during the wait. */
export type WatchFacts = ReadonlyMap<string, ContainerEvents>;

type Verdict = ServiceStatus['verdict'];

function containerVerdict(
  c: ContainerState,
  events: ContainerEvents | undefined,
): { verdict: Verdict; reason?: string } {
  const died = events?.died.find((code) => code !== 0);
  if (died !== undefined) return { verdict: 'failed', reason: `died (exit ${died}) during the wait` };
  if (c.state === 'restarting')
    return {
      verdict: 'failed',
      reason: `restarting${c.exitCode !== null ? ` after exit ${c.exitCode}` : ''}`,
    };
  if (c.restartCount > 0 || events?.restarted)
    return { verdict: 'failed', reason: `restarted ${Math.max(c.restartCount, 1)} time(s)` };
  if (c.state === 'exited' || c.state === 'dead') {
    if (c.state === 'exited' && c.exitCode === 0) return { verdict: 'done' };
    return { verdict: 'failed', reason: `exit ${c.exitCode ?? '?'}` };
  }
  if (c.state === 'running') {
    if (c.oneShot) return { verdict: 'pending' };
    if (c.health === 'unhealthy') return { verdict: 'failed', reason: 'unhealthy' };
    return c.health === '' || c.health === 'healthy' ? { verdict: 'ready' } : { verdict: 'pending' };
  }
  return { verdict: 'pending' };
}

const ORDER: Verdict[] = ['failed', 'pending', 'ready', 'done'];

function missing(oneShot: boolean): ServiceStatus {
  return {
    state: 'missing',
    health: '',
    exitCode: null,
    verdict: 'pending',
    ports: {},
    containers: [],
    oneShot,
  };
}

/**
 * Summarises containers per service. `expected` lists the services that must exist (the selected set); one
 * with no container is `missing` and `pending`. Containers of other services are left out when `expected`
 * is not empty.
 */
export function summarise(
  containers: readonly ContainerState[],
  expected: readonly string[],
  facts: WatchFacts = new Map(),
): ServiceMap {
  const map: ServiceMap = {};
  for (const service of expected) map[service] = missing(false);
  for (const c of containers) {
    if (expected.length > 0 && !expected.includes(c.service)) continue;
    const { verdict, reason } = containerVerdict(c, facts.get(c.id));
    const current = map[c.service];
    const status: ServiceStatus =
      current && current.state !== 'missing'
        ? current
        : { ...missing(c.oneShot), state: c.state, health: c.health, exitCode: c.exitCode, verdict };
    status.containers.push(c.name);
    status.oneShot ||= c.oneShot;
    // The worst container decides the service's verdict.
    if (ORDER.indexOf(verdict) <= ORDER.indexOf(status.verdict)) {
      status.verdict = verdict;
      status.state = c.state;
      status.health = c.health;
      status.exitCode = c.exitCode;
      if (reason) status.reason = reason;
    }
    for (const [key, value] of Object.entries(c.ports)) status.ports[key] ??= value;
    map[c.service] = status;
  }
  return map;
}

/** The overall verdict: `failed` if any service failed, `pending` if any is pending, else `ready`. */
export function overall(map: ServiceMap, only: readonly string[] = []): 'ready' | 'pending' | 'failed' {
  const services = Object.entries(map).filter(([name]) => only.length === 0 || only.includes(name));
  if (services.some(([, s]) => s.verdict === 'failed')) return 'failed';
  if (services.length === 0 || services.some(([, s]) => s.verdict === 'pending')) return 'pending';
  return 'ready';
}

/** `worker (restarting after exit 3)` for each failed service of `only` (all when empty). */
export function failures(map: ServiceMap, only: readonly string[] = []): string[] {
  return Object.entries(map)
    .filter(([n, s]) => s.verdict === 'failed' && (only.length === 0 || only.includes(n)))
    .map(
      ([n, s]) =>
        `${n} (${s.state}${s.health ? `, ${s.health}` : ''}${s.exitCode !== null ? `, exit ${s.exitCode}` : ''}${s.reason ? `: ${s.reason}` : ''})`,
    );
}

/** One line per service for logs: `db: running (healthy) 5432/tcp→127.0.0.1:49153`. */
export function describe(map: ServiceMap): string[] {
  return Object.entries(map).map(([name, s]) => {
    const health = s.health ? ` (${s.health})` : '';
    const exit = s.exitCode !== null && s.state !== 'running' ? ` exit ${s.exitCode}` : '';
    const shot = s.oneShot ? ' [one-shot]' : '';
    const ports = Object.entries(s.ports)
      .map(([k, v]) => ` ${k}→${v}`)
      .join('');
    return `${name}: ${s.state}${health}${exit}${shot}${ports}`;
  });
}
