/**
 * Waiting for a Compose project's services. Each look is one `docker container inspect` of the project's
 * containers (the engine's own state; a full listing only when a container may have appeared); between
 * looks the caller is woken by the event stream (watch.ts) the moment a container starts, dies or changes
 * health, with a short poll as the fallback. It returns when every expected service is ready or done, and
 * throws at once when one failed (the rules: status.ts).
 */

import { type Clock, realClock } from '../runtime/clock.js';
import { DeadlineError } from '../runtime/errors.js';
import { markTime } from '../runtime/run.js';
import type { ContainerState } from './containers.js';
import type { Docker } from './docker.js';
import { describe, failures, overall, type ServiceMap, summarise } from './status.js';
import type { ComposeWatch } from './watch.js';

/** Poll interval while the event stream is live (a fallback only), in ms. */
export const FALLBACK_POLL_MS = 1000;
/** Poll interval without an event stream, in ms. */
export const POLL_MS = 500;

/** Thrown when a service failed (exited non-zero, unhealthy, restarting, died); carries the last status. */
export class ServiceFailedError extends Error {
  override readonly name = 'ServiceFailedError';
  constructor(
    message: string,
    readonly services: ServiceMap,
  ) {
    super(message);
  }
}

/** Reads the current status of `expected` services (all in the project when empty). */
export async function readServices(
  docker: Docker,
  project: string,
  expected: readonly string[],
  watch: ComposeWatch | null = null,
): Promise<ServiceMap> {
  return summarise(await docker.containers(project), expected, watch?.watchFacts);
}

/** Options for `waitForServices`. Times in ms. */
export interface WaitOptions {
  deadlineMs: number;
  /** The event stream, started before `up` (or before the wait); null to poll every `POLL_MS`. */
  watch: ComposeWatch | null;
  onChange?: (lines: string[]) => void;
  clock?: Clock;
}

function pendingText(map: ServiceMap): string {
  return Object.entries(map)
    .filter(([, s]) => s.verdict === 'pending')
    .map(
      ([n, s]) =>
        `${n} (${s.state}${s.health ? `, ${s.health}` : ''}${s.oneShot && s.state === 'running' ? ', one-shot still running' : ''})`,
    )
    .join(', ');
}

/**
 * Waits until every service in `expected` is ready or done. Returns the final service map.
 * @throws ServiceFailedError at once when a service fails
 * @throws DeadlineError when the deadline passes first (the message lists the services not ready)
 */
export async function waitForServices(
  docker: Docker,
  project: string,
  expected: readonly string[],
  options: WaitOptions,
): Promise<ServiceMap> {
  const clock = options.clock ?? realClock;
  const started = clock.now();
  const { watch } = options;
  let known: ContainerState[] | null = null;
  let last = '';
  for (;;) {
    // One inspect of the known containers; a full listing when one may have appeared (or without events).
    const appeared =
      watch?.live && known ? [...watch.seen].some((id) => !known!.some((c) => c.id === id)) : true;
    markTime('wait: look'); // bench/compose-latency.ts reads the looks' debug lines
    const containers: ContainerState[] =
      known === null || appeared
        ? await docker.containers(project)
        : await docker.inspectContainers(known.map((c) => c.id));
    markTime('wait: looked');
    known = containers;
    const map = summarise(containers, expected, watch?.watchFacts);
    const lines = describe(map);
    if (lines.join('\n') !== last) {
      options.onChange?.(lines);
      last = lines.join('\n');
    }
    const verdict = overall(map);
    if (verdict === 'ready') return map;
    if (verdict === 'failed')
      throw new ServiceFailedError(`Service(s) failed: ${failures(map).join(', ')}`, map);
    const remaining = options.deadlineMs - (clock.now() - started);
    if (remaining <= 0)
      throw new DeadlineError('All services ready', options.deadlineMs, `not ready: ${pendingText(map)}`);
    if (watch?.live) await watch.next(Math.min(FALLBACK_POLL_MS, remaining));
    else await clock.sleep(Math.min(POLL_MS, remaining));
  }
}
