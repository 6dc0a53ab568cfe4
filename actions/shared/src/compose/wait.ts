/**
 * Waiting for a Compose project's services: polls `ps --all --format json` until every expected service is
 * ready (running and healthy, or running without a healthcheck) or done (a one-shot that exited 0), fails
 * fast when one exited non-zero or went unhealthy, and gives up at the deadline.
 */

import { DeadlineError } from '../runtime/errors.js';
import { type DockerCompose, type ProjectRef, psArgs } from './compose.js';
import { describe, overall, parsePs, type ServiceMap, summarise } from './status.js';

/** Reads the current status of `expected` services (all in the project when empty). */
export async function readServices(
  compose: DockerCompose,
  project: ProjectRef,
  expected: string[],
): Promise<ServiceMap> {
  const ps = await compose.run(project, psArgs(), { timeoutMs: 30_000 });
  return summarise(parsePs(ps.stdout), expected);
}

/** Options for `waitForServices`. Times in ms. */
export interface WaitOptions {
  /** Services that must be ready; empty means every service in `expected`. */
  only?: string[];
  deadlineMs: number;
  /** Poll interval in ms. Default 500. */
  intervalMs?: number;
  onChange?: (lines: string[]) => void;
}

/** Thrown when a service failed (exited non-zero, unhealthy); carries the last status. */
export class ServiceFailedError extends Error {
  override readonly name = 'ServiceFailedError';
  constructor(
    message: string,
    readonly services: ServiceMap,
  ) {
    super(message);
  }
}

/**
 * Polls until ready. Returns the final service map.
 * @throws ServiceFailedError when a service exits non-zero or is unhealthy
 * @throws DeadlineError when the deadline passes first (message lists the services not ready)
 */
export async function waitForServices(
  compose: DockerCompose,
  project: ProjectRef,
  expected: string[],
  options: WaitOptions,
): Promise<ServiceMap> {
  const started = Date.now();
  const interval = options.intervalMs ?? 500;
  let last = '';
  for (;;) {
    const map = await readServices(compose, project, expected);
    const only = options.only ?? [];
    const lines = describe(
      only.length ? Object.fromEntries(Object.entries(map).filter(([n]) => only.includes(n))) : map,
    );
    const text = lines.join('\n');
    if (text !== last) {
      options.onChange?.(lines);
      last = text;
    }
    const verdict = overall(map, only);
    if (verdict === 'ready') return map;
    if (verdict === 'failed') {
      const failed = Object.entries(map)
        .filter(([n, s]) => s.verdict === 'failed' && (only.length === 0 || only.includes(n)))
        .map(
          ([n, s]) =>
            `${n} (${s.state}${s.health ? `, ${s.health}` : ''}${s.exitCode !== null ? `, exit ${s.exitCode}` : ''})`,
        );
      throw new ServiceFailedError(`Service(s) failed: ${failed.join(', ')}`, map);
    }
    if (Date.now() - started + interval > options.deadlineMs) {
      const pending = Object.entries(map)
        .filter(([n, s]) => s.verdict === 'pending' && (only.length === 0 || only.includes(n)))
        .map(([n, s]) => `${n} (${s.state}${s.health ? `, ${s.health}` : ''})`);
      throw new DeadlineError('All services ready', options.deadlineMs, `not ready: ${pending.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
