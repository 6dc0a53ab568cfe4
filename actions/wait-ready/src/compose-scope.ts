/**
 * Which Compose services a wait depends on, and the guard that fails the wait at once when one of them
 * fails (issue 9, defect 4): a `compose` probe's services (all when it says `all`), an `exec` or `log`
 * probe's service, and the service behind an `http`/`tcp` address (`{api:8080}`, or a port the service
 * publishes). The guard looks again each time the event stream reports a change (and on a slow poll as a
 * fallback) and stops every probe when a service in scope exited non-zero, died, restarted or turned
 * unhealthy.
 */
import type { Docker } from '../../shared/src/compose/docker.js';
import { failures, overall, type ServiceMap, summarise } from '../../shared/src/compose/status.js';
import type { ComposeWatch } from '../../shared/src/compose/watch.js';
import type { Halt } from './poll.js';
import type { AddressLookup } from './probes/tcp.js';
import { composeTarget, type ProbeSpec } from './spec.js';

/** The services in scope; `services` empty with `all` true means every service of the project. */
export interface Scope {
  all: boolean;
  services: string[];
}

/** Poll interval of the guard when no event arrives, in ms. */
export const GUARD_POLL_MS = 2000;

/** The services the probes depend on; null when none is a Compose service. */
export function probeScope(probes: readonly ProbeSpec[], services: ServiceMap): Scope | null {
  const names = new Set<string>();
  let all = false;
  for (const probe of probes) {
    if (probe.kind === 'compose') {
      if (probe.services.length === 0) all = true;
      for (const s of probe.services) names.add(s);
    } else if (probe.kind === 'exec' || probe.kind === 'log') names.add(probe.service);
    else if (probe.kind === 'tcp' && probe.service) names.add(probe.service);
    else if (probe.kind === 'http') {
      const url = new URL(probe.url);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const target = composeTarget('', { host: url.hostname, port }, services);
      if (target.service) names.add(target.service);
    }
  }
  if (!all && names.size === 0) return null;
  return { all, services: all ? [] : [...names].sort() };
}

/**
 * Watches the services in scope until `halt` stops; on a failure stops `halt` and resolves with the
 * failed services (`web (exited, exit 137: died (exit 137) during the wait)`), else with null.
 */
export async function guardScope(
  docker: Docker,
  project: string,
  scope: Scope,
  watch: ComposeWatch,
  halt: Halt,
): Promise<string[] | null> {
  while (!halt.stopped) {
    try {
      const map = summarise(await docker.containers(project), scope.services, watch.watchFacts);
      if (overall(map) === 'failed') {
        halt.stop();
        return failures(map);
      }
    } catch {
      // The engine did not answer this time; the probes report their own errors.
    }
    await Promise.race([watch.next(GUARD_POLL_MS), halt.promise]);
  }
  return null;
}

/** Looks up a service's container addresses with one inspect of the project. */
export function serviceAddresses(docker: Docker, project: string): AddressLookup {
  return async (service) =>
    (await docker.containers(project))
      .filter((c) => c.service === service && c.state === 'running')
      .flatMap((c) => c.addresses);
}
