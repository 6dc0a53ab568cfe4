/**
 * The ordered start (issue 12): the project's containers created by `up --no-start`, then started here in
 * the order of their `depends_on`, each service the moment its dependencies' conditions hold, as the
 * engine's events tell (watch.ts). Compose's own `up` checks a dependency's condition on a ticker of 500 ms
 * (docker/compose pkg/compose/convergence.go `waitDependencies`): on a chain of healthy or completed
 * dependencies (examples/compose-app: db healthy → migrate done → seed done → api) that is ~250 ms per link
 * on average, measured as 186, 454 and 358 ms between a dependency's event and its dependant's start there.
 *
 * The conditions are Compose's (https://docs.docker.com/reference/compose-file/services/#depends_on):
 * - `service_started`: the dependency's containers were started;
 * - `service_healthy`: each of its containers runs and is healthy; one that is unhealthy or exited fails;
 * - `service_completed_successfully`: each of its containers exited 0; a non-zero exit fails.
 * A service whose dependency failed is not started (its containers stay created), as Compose leaves it.
 *
 * `orderedStartPlan` says when these rules are all of Compose's for a project; anything else keeps
 * Compose's `up` (provision-compose's start.ts decides, and also keeps it for a redeploy).
 */
import { type Clock, realClock } from '../runtime/clock.js';
import { DeadlineError } from '../runtime/errors.js';
import { isCancelled } from '../runtime/run.js';
import type { ContainerState } from './containers.js';
import type { Docker, DockerResource } from './docker.js';
import { type ComposeModel, hasHealthcheck } from './model.js';
import { failures, summarise } from './status.js';
import { FALLBACK_POLL_MS, POLL_MS, ServiceFailedError } from './wait.js';
import type { ComposeWatch } from './watch.js';

/** A `depends_on` condition the ordered start follows. */
export type StartCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

const CONDITIONS: readonly string[] = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];

/** Service → the services it waits for, each with its condition (every selected service is a key). */
export type StartPlan = Record<string, Array<{ service: string; condition: StartCondition }>>;

/** Keys that order services without `depends_on` (Compose starts the named service first). */
const IMPLICIT = ['network_mode', 'ipc', 'pid'] as const;

/**
 * The ordered start's plan for the selected services, or why Compose's `up` starts them instead (pure):
 * - no selected service waits for a healthy or completed dependency (Compose then waits for nothing);
 * - a dependency that is not required (`required: false`), a condition other than the three, a
 *   `service_healthy` dependency without a healthcheck in the model (one from the image's Dockerfile is
 *   known only to the engine), or an order the model does not spell as `depends_on` (`links`,
 *   `volumes_from`, `network_mode`/`ipc`/`pid: service:…`).
 * @param selected the services the run starts (their dependencies included)
 */
export function orderedStartPlan(
  model: ComposeModel,
  selected: readonly string[],
): { plan: StartPlan } | { reason: string } {
  const services = model.services ?? {};
  const plan: StartPlan = {};
  let waits = false;
  for (const name of selected) {
    const service = services[name];
    if (!service) return { reason: `service ${name} is not in the model` };
    const raw = service as Record<string, unknown>;
    if (raw.links !== undefined || raw.volumes_from !== undefined)
      return { reason: `service ${name} uses links or volumes_from` };
    for (const key of IMPLICIT)
      if (typeof raw[key] === 'string' && (raw[key] as string).startsWith('service:'))
        return { reason: `service ${name} has ${key}: ${raw[key]}` };
    plan[name] = [];
    for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
      const condition = spec?.condition ?? 'service_started';
      if (!CONDITIONS.includes(condition))
        return { reason: `service ${name} waits for ${dependency} with condition ${condition}` };
      if (spec?.required === false)
        return { reason: `service ${name} has an optional dependency (${dependency}, required: false)` };
      if (!selected.includes(dependency)) return { reason: `${dependency} is not started with ${name}` };
      if (condition === 'service_healthy' && !hasHealthcheck(services[dependency]))
        return { reason: `${dependency} has no healthcheck in the compose files` };
      if (condition !== 'service_started') waits = true;
      plan[name]!.push({ service: dependency, condition: condition as StartCondition });
    }
  }
  if (!waits) return { reason: 'no service waits for a healthy or completed dependency' };
  return { plan };
}

/** Whether a dependency's condition holds for its containers, does not hold yet, or can no longer hold. */
export function conditionState(
  condition: StartCondition,
  containers: readonly ContainerState[],
  started: boolean,
): 'holds' | 'waiting' | 'failed' {
  if (!started) return 'waiting';
  if (condition === 'service_started') return 'holds';
  if (condition === 'service_healthy') {
    if (containers.some((c) => c.health === 'unhealthy' || c.state === 'exited' || c.state === 'dead'))
      return 'failed';
    return containers.every((c) => c.state === 'running' && c.health === 'healthy') ? 'holds' : 'waiting';
  }
  if (containers.some((c) => c.state === 'dead' || (c.state === 'exited' && c.exitCode !== 0)))
    return 'failed';
  return containers.every((c) => c.state === 'exited' && c.exitCode === 0) ? 'holds' : 'waiting';
}

/** What `startInOrder` takes. Times in ms. */
export interface OrderedStartOptions {
  docker: Docker;
  project: string;
  plan: StartPlan;
  /** The event stream, started before the containers were created; null to poll every `POLL_MS`. */
  watch: ComposeWatch | null;
  deadlineMs: number;
  /** Receives Compose's own progress lines (` Container <name>  Started`, `  Healthy`, `  Exited`). */
  log: (line: string) => void;
  clock?: Clock;
}

/** A progress line as `docker compose up` prints it without a terminal. */
const progress = (c: ContainerState, what: string) => ` Container ${c.name}  ${what}`;

/** What a dependency's container is once its condition holds, in Compose's words. */
const HELD: Record<StartCondition, string> = {
  service_started: '',
  service_healthy: 'Healthy',
  service_completed_successfully: 'Exited',
};

const asResource = (c: ContainerState): DockerResource => ({
  kind: 'container',
  id: c.id,
  name: c.name,
  labels: {},
});

/**
 * Starts the planned services' created containers in dependency order, each service as soon as every
 * dependency's condition holds (woken by the event stream, a poll of `FALLBACK_POLL_MS` as its fallback);
 * returns once every planned service was started.
 * @throws ServiceFailedError when a dependency failed (unhealthy, exited, a non-zero exit), naming it and
 *   the services left unstarted; ToolError when the engine refuses a start (a host port taken);
 *   DeadlineError when `deadlineMs` passes first; Error once the step was cancelled (nothing more starts)
 */
export async function startInOrder(o: OrderedStartOptions): Promise<void> {
  const clock = o.clock ?? realClock;
  const began = clock.now();
  const services = Object.keys(o.plan);
  const started = new Set<string>();
  const told = new Set<string>();
  let known = await o.docker.containers(o.project);
  for (;;) {
    const of = (service: string) => known.filter((c) => c.service === service);
    const startable: string[] = [];
    for (const service of services) {
      if (started.has(service)) continue;
      const states = o.plan[service]!.map((d) => ({
        ...d,
        state: conditionState(d.condition, of(d.service), started.has(d.service)),
      }));
      const failed = states.find((d) => d.state === 'failed');
      if (failed) {
        // What the stream saw during `up` is forgotten, as after Compose's own `up` (provision.ts): the
        // containers' state says what failed, and no death is reported as one "during the wait".
        o.watch?.forget();
        const map = summarise(known, services);
        const unstarted = services.filter((s) => !started.has(s));
        throw new ServiceFailedError(
          `Service(s) failed: ${failures(map, [failed.service]).join(', ') || failed.service} (${failed.condition.replace('service_', '').replace(/_/g, ' ')} was required); not started: ${unstarted.join(', ')}`,
          map,
        );
      }
      for (const d of states) {
        if (d.state !== 'holds' || !HELD[d.condition] || told.has(d.service)) continue;
        told.add(d.service);
        for (const c of of(d.service)) o.log(progress(c, HELD[d.condition]));
      }
      if (states.every((d) => d.state === 'holds')) startable.push(service);
    }
    const remaining = o.deadlineMs - (clock.now() - began);
    // A cancelled step starts nothing more (its post step removes what exists once this process ended).
    if (isCancelled()) throw new Error('the step was cancelled during the ordered start');
    if (startable.length > 0) {
      const containers = startable.flatMap(of);
      for (const c of containers) o.log(progress(c, 'Starting'));
      await o.docker.start(containers.map(asResource), Math.max(1, remaining));
      for (const c of containers) o.log(progress(c, 'Started'));
      for (const service of startable) started.add(service);
      if (started.size === services.length) return;
    } else {
      if (remaining <= 0)
        throw new DeadlineError(
          'docker compose up (the ordered start)',
          o.deadlineMs,
          `not started: ${services.filter((s) => !started.has(s)).join(', ')}`,
        );
      if (o.watch?.live) await o.watch.next(Math.min(FALLBACK_POLL_MS, remaining));
      else await clock.sleep(Math.min(POLL_MS, remaining));
    }
    known = await o.docker.inspectContainers(known.map((c) => c.id));
  }
}
