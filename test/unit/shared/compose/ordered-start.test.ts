/**
 * The ordered start (compose/ordered-start.ts): when its rules are all of Compose's (`orderedStartPlan`),
 * what each `depends_on` condition needs (`conditionState`), and `startInOrder` on a scripted engine: each
 * service started once its dependencies hold, in Compose's order, nothing started after a dependency
 * failed, a deadline.
 */
import { describe, expect, it } from 'vitest';
import type { ContainerState } from '../../../../actions/shared/src/compose/containers.js';
import type { Docker, DockerResource } from '../../../../actions/shared/src/compose/docker.js';
import type { ComposeModel } from '../../../../actions/shared/src/compose/model.js';
import {
  conditionState,
  orderedStartPlan,
  startInOrder,
} from '../../../../actions/shared/src/compose/ordered-start.js';
import { ServiceFailedError } from '../../../../actions/shared/src/compose/wait.js';
import type { ComposeWatch } from '../../../../actions/shared/src/compose/watch.js';
import type { Clock } from '../../../../actions/shared/src/runtime/clock.js';
import { DeadlineError, ToolError } from '../../../../actions/shared/src/runtime/errors.js';

const HEALTH = { test: ['CMD', 'true'] };

/** examples/compose-app's order: db healthy → migrate done → seed done (and cache healthy) → api. */
const APP: ComposeModel = {
  services: {
    db: { image: 'postgres:15', healthcheck: HEALTH },
    cache: { image: 'redis:7', healthcheck: HEALTH },
    migrate: { image: 'postgres:15', depends_on: { db: { condition: 'service_healthy' } } },
    seed: {
      image: 'app',
      depends_on: {
        migrate: { condition: 'service_completed_successfully' },
        cache: { condition: 'service_healthy' },
      },
    },
    api: {
      image: 'app',
      depends_on: {
        seed: { condition: 'service_completed_successfully' },
        db: { condition: 'service_healthy', required: true },
      },
    },
  },
} as ComposeModel;
const ALL = ['api', 'cache', 'db', 'migrate', 'seed'];

const container = (service: string, state: Partial<ContainerState> = {}): ContainerState => ({
  id: `id-${service}`,
  name: `p-${service}-1`,
  service,
  oneShot: false,
  state: 'created',
  health: '',
  exitCode: null,
  restartCount: 0,
  healthOutput: '',
  healthExitCode: null,
  ports: {},
  addresses: [],
  ...state,
});

describe('orderedStartPlan', () => {
  it("plans compose-app: each service with its dependencies and Compose's conditions", () => {
    const choice = orderedStartPlan(APP, ALL);
    expect(choice).toEqual({
      plan: {
        api: [
          { service: 'seed', condition: 'service_completed_successfully' },
          { service: 'db', condition: 'service_healthy' },
        ],
        cache: [],
        db: [],
        migrate: [{ service: 'db', condition: 'service_healthy' }],
        seed: [
          { service: 'migrate', condition: 'service_completed_successfully' },
          { service: 'cache', condition: 'service_healthy' },
        ],
      },
    });
  });

  it('leaves the start to Compose where its rules are not all followed here, saying why', () => {
    const edit = (service: string, patch: Record<string, unknown>): ComposeModel => ({
      services: { ...APP.services, [service]: { ...APP.services![service]!, ...patch } },
    });
    const reason = (model: ComposeModel, selected = ALL) => {
      const choice = orderedStartPlan(model, selected);
      return 'reason' in choice ? choice.reason : 'planned';
    };
    expect(
      reason({ services: { a: { image: 'x' }, b: { image: 'y', depends_on: { a: null } } } }, ['a', 'b']),
    ).toBe('no service waits for a healthy or completed dependency');
    expect(
      reason(edit('api', { depends_on: { db: { condition: 'service_healthy', required: false } } })),
    ).toMatch(/optional dependency \(db, required: false\)/);
    expect(reason(edit('migrate', { depends_on: { db: { condition: 'service_ready' } } }))).toMatch(
      /condition service_ready/,
    );
    expect(reason(edit('db', { healthcheck: undefined }))).toBe('db has no healthcheck in the compose files');
    expect(reason(edit('db', { healthcheck: { disable: true } }))).toBe(
      'db has no healthcheck in the compose files',
    );
    expect(reason(edit('api', { links: ['db'] }))).toMatch(/links or volumes_from/);
    expect(reason(edit('seed', { network_mode: 'service:cache' }))).toMatch(/network_mode: service:cache/);
    expect(reason(APP, ['api', 'db', 'migrate', 'seed'])).toBe('cache is not started with seed');
  });
});

describe('conditionState', () => {
  it('service_started holds once the dependency was started', () => {
    expect(conditionState('service_started', [container('a')], false)).toBe('waiting');
    expect(conditionState('service_started', [container('a')], true)).toBe('holds');
  });

  it('service_healthy holds when every container runs healthy; unhealthy or exited fails', () => {
    const running = (health: string) => container('db', { state: 'running', health });
    expect(conditionState('service_healthy', [running('starting')], true)).toBe('waiting');
    expect(conditionState('service_healthy', [running('healthy'), running('starting')], true)).toBe(
      'waiting',
    );
    expect(conditionState('service_healthy', [running('healthy'), running('healthy')], true)).toBe('holds');
    expect(conditionState('service_healthy', [running('unhealthy')], true)).toBe('failed');
    expect(conditionState('service_healthy', [container('db', { state: 'exited', exitCode: 0 })], true)).toBe(
      'failed',
    );
  });

  it('service_completed_successfully holds at exit 0 only; another exit fails', () => {
    const done = (exitCode: number) => container('m', { state: 'exited', exitCode });
    expect(
      conditionState('service_completed_successfully', [container('m', { state: 'running' })], true),
    ).toBe('waiting');
    expect(conditionState('service_completed_successfully', [done(0)], true)).toBe('holds');
    expect(conditionState('service_completed_successfully', [done(0), done(2)], true)).toBe('failed');
  });
});

/**
 * A scripted engine: containers change state on each look after they were started, as `script` says
 * (service → the states it goes through, one per look); records the order of the starts.
 */
function scriptedEngine(script: Record<string, Array<Partial<ContainerState>>>, refuse: string[] = []) {
  const containers = new Map(Object.keys(script).map((s) => [s, container(s)]));
  const startedAt = new Map<string, number>();
  const starts: string[][] = [];
  let looks = 0;
  const look = () => {
    looks += 1;
    for (const [service, at] of startedAt) {
      const steps = script[service]!;
      const step = steps[Math.min(looks - at - 1, steps.length - 1)];
      if (step) containers.set(service, container(service, { state: 'running', ...step }));
    }
    return [...containers.values()];
  };
  const docker = {
    containers: async () => look(),
    inspectContainers: async () => look(),
    start: async (list: readonly DockerResource[]) => {
      const names = list.map((c) => c.id.replace('id-', ''));
      const refused = names.find((n) => refuse.includes(n));
      if (refused)
        throw new ToolError(
          ['docker', 'container', 'start', refused],
          null,
          'port is already allocated',
          'refused',
        );
      starts.push(names.sort());
      for (const name of names) {
        startedAt.set(name, looks);
        containers.set(name, container(name, { state: 'running', health: script[name]![0]?.health ?? '' }));
      }
    },
  } as unknown as Docker;
  return { docker, starts };
}

const fakeClock = (): Clock & { slept: number } => {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.slept += ms;
    },
  };
  return clock;
};

describe('startInOrder', () => {
  const plan = (orderedStartPlan(APP, ALL) as { plan: Record<string, never> }).plan;

  it("starts each service once its dependencies hold, in Compose's order", async () => {
    const { docker, starts } = scriptedEngine({
      db: [{ health: 'starting' }, { health: 'healthy' }],
      cache: [{ health: 'healthy' }],
      migrate: [{}, { state: 'exited', exitCode: 0 }],
      seed: [{ state: 'exited', exitCode: 0 }],
      api: [{}],
    });
    const lines: string[] = [];
    await startInOrder({
      docker,
      project: 'p',
      plan,
      watch: null,
      deadlineMs: 60_000,
      log: (l) => lines.push(l),
      clock: fakeClock(),
    });
    expect(starts).toEqual([['cache', 'db'], ['migrate'], ['seed'], ['api']]);
    // Compose's own progress lines, in the order things happened.
    expect(lines).toEqual([
      ' Container p-cache-1  Starting',
      ' Container p-db-1  Starting',
      ' Container p-cache-1  Started',
      ' Container p-db-1  Started',
      ' Container p-cache-1  Healthy',
      ' Container p-db-1  Healthy',
      ' Container p-migrate-1  Starting',
      ' Container p-migrate-1  Started',
      ' Container p-migrate-1  Exited',
      ' Container p-seed-1  Starting',
      ' Container p-seed-1  Started',
      ' Container p-seed-1  Exited',
      ' Container p-api-1  Starting',
      ' Container p-api-1  Started',
    ]);
  });

  it('a failed dependency fails the start and leaves its dependants unstarted', async () => {
    const { docker, starts } = scriptedEngine({
      db: [{ health: 'healthy' }],
      cache: [{ health: 'healthy' }],
      migrate: [{ state: 'exited', exitCode: 3 }],
      seed: [{}],
      api: [{}],
    });
    // The stream saw migrate die during `up`: that is forgotten, as after Compose's own `up`.
    const facts = new Map([['id-migrate', { died: [3], restarted: false }]]);
    const watch = {
      live: false,
      watchFacts: facts,
      forget: () => facts.clear(),
    } as unknown as ComposeWatch;
    const error = await startInOrder({
      docker,
      project: 'p',
      plan,
      watch,
      deadlineMs: 60_000,
      log: () => {},
      clock: fakeClock(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceFailedError);
    expect(facts.size).toBe(0);
    expect((error as Error).message).not.toMatch(/during the wait/);
    expect((error as Error).message).toMatch(/^Service\(s\) failed: migrate \(exited, exit 3: exit 3\)/);
    expect((error as Error).message).toMatch(
      /completed successfully was required\); not started: api, seed$/,
    );
    expect((error as ServiceFailedError).services.migrate?.verdict).toBe('failed');
    expect(starts).toEqual([['cache', 'db'], ['migrate']]);
  });

  it('an unhealthy dependency fails it too; an engine refusal is thrown as it is', async () => {
    const sick = scriptedEngine({
      db: [{ health: 'starting' }, { health: 'unhealthy' }],
      cache: [{ health: 'healthy' }],
      migrate: [{}],
      seed: [{}],
      api: [{}],
    });
    const options = { project: 'p', plan, watch: null, deadlineMs: 60_000, log: () => {} };
    await expect(startInOrder({ ...options, docker: sick.docker, clock: fakeClock() })).rejects.toThrow(
      /failed: db \(running, unhealthy: unhealthy\) \(healthy was required\); not started: api, migrate, seed/,
    );
    const taken = scriptedEngine({ db: [{}], cache: [{}], migrate: [{}], seed: [{}], api: [{}] }, ['cache']);
    await expect(startInOrder({ ...options, docker: taken.docker, clock: fakeClock() })).rejects.toThrow(
      /docker container start cache.*port is already allocated/,
    );
  });

  it('gives up at the deadline, naming what was not started', async () => {
    const { docker } = scriptedEngine({
      db: [{ health: 'starting' }],
      cache: [{ health: 'healthy' }],
      migrate: [{}],
      seed: [{}],
      api: [{}],
    });
    const clock = fakeClock();
    const error = await startInOrder({
      docker,
      project: 'p',
      plan,
      watch: null,
      deadlineMs: 5_000,
      log: () => {},
      clock,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(/not started: api, migrate, seed/);
    expect(clock.slept).toBe(5_000);
  });
});
