/**
 * The Engine API reads (compose/engine.ts, engine-reads.ts) answer exactly what their CLI paths answer, on
 * the real engine (issue 12): a Compose project with a container that has labels and a healthcheck, a
 * one-shot that exited, a built image with labels, a network and a volume is read both ways (the exec funnel
 * itself reads through the socket, the same funnel behind a wrapper reads through the CLI) and every result
 * is compared; a socket that cannot be reached falls back to the CLI with the same answers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inspectContainers,
  projectContainerIds,
  projectContainers,
} from '../../actions/shared/src/compose/containers.js';
import { Docker, type InventorySelector } from '../../actions/shared/src/compose/docker.js';
import { EngineApi, engineFor, withEngine } from '../../actions/shared/src/compose/engine.js';
import { existingObjects } from '../../actions/shared/src/compose/foreign-objects.js';
import { type Runner, run } from '../../actions/shared/src/exec/cli.js';
import { engineVersion } from '../../actions/shared/src/fingerprint/compose-phase.js';
import { readContainers } from '../../actions/shared/src/fingerprint/drift.js';
import { inspectImages } from '../../actions/shared/src/fingerprint/images.js';
import { forceRemove } from './helpers.js';

const project = `engine-api-t${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'ephemeral-engine-api-'));
/** The same funnel, but not `run` itself: engineFor answers null, so every read takes its CLI path. */
const cli: Runner = (argv, options) => run(argv, options);
const labels = {
  'ephemeral.dev/managed-by': 'ephemeral',
  'ephemeral.dev/environment': project,
};

function compose(args: string[]): void {
  execFileSync('docker', ['compose', '-p', project, '-f', join(dir, 'compose.yaml'), ...args], {
    stdio: 'pipe',
  });
}

beforeAll(() => {
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox:1.35\nLABEL ephemeral.dev/managed-by=ephemeral\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    JSON.stringify({
      services: {
        cache: {
          image: 'redis:7',
          labels,
          healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '1s', retries: 30 },
          volumes: ['data:/data'],
          networks: ['back'],
        },
        once: {
          build: { context: '.', labels },
          command: ['true'],
          labels,
          networks: ['back'],
        },
      },
      networks: { back: { labels } },
      volumes: { data: { labels } },
    }),
  );
  compose(['up', '-d', '--wait', 'cache']);
  compose(['up', '-d', 'once']);
  execFileSync('docker', ['wait', `${project}-once-1`]);
}, 120_000);

afterAll(() => {
  forceRemove(project);
  try {
    execFileSync('docker', ['image', 'rm', `${project}-once`], { stdio: 'ignore' });
  } catch {
    // gone already
  }
  rmSync(dir, { recursive: true, force: true });
});

const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

describe('Engine API reads against the CLI, on the real engine', () => {
  it('the exec funnel reads through the socket the CLI uses; a wrapper of it does not', () => {
    expect(engineFor(run)?.socketPath).toBe('/var/run/docker.sock');
    expect(engineFor(cli)).toBeNull();
  });

  it('the label-filtered inventory of every kind is the same', async () => {
    const selector: InventorySelector = {
      container: [`com.docker.compose.project=${project}`],
      network: [`com.docker.compose.project=${project}`],
      volume: [`com.docker.compose.project=${project}`, 'ephemeral.dev/managed-by=ephemeral'],
      image: ['ephemeral.dev/managed-by=ephemeral', `com.docker.compose.project=${project}`],
    };
    const [api, viaCli] = await Promise.all([
      new Docker(run).inventory(selector),
      new Docker(cli).inventory(selector),
    ]);
    expect(api.container).toHaveLength(2);
    expect(api.network).toHaveLength(1);
    expect(api.volume).toHaveLength(1);
    expect(api.image).toHaveLength(1);
    for (const kind of ['container', 'network', 'volume', 'image'] as const)
      expect(byId(api[kind]), kind).toEqual(byId(viaCli[kind]));
    expect(api.container.map((c) => c.labels['ephemeral.dev/environment'])).toEqual([project, project]);
    expect(api.image[0]?.name).toBe(`${project}-once:latest`);
  });

  it('containers, their states and their labels are the same', async () => {
    const ids = await projectContainerIds(project, run);
    expect(ids.sort()).toEqual((await projectContainerIds(project, cli)).sort());
    const [api, viaCli] = await Promise.all([
      projectContainers(project, run),
      projectContainers(project, cli),
    ]);
    const sorted = (list: typeof api) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(sorted(api)).toEqual(sorted(viaCli));
    expect(sorted(api).map((c) => [c.service, c.state, c.health, c.exitCode])).toEqual([
      ['cache', 'running', 'healthy', null],
      ['once', 'exited', '', 0],
    ]);
    expect(await new Docker(run).labelsOf(ids)).toEqual(await new Docker(cli).labelsOf(ids));
    expect(await readContainers(project, run)).toEqual(await readContainers(project, cli));
  });

  it('a container removed meanwhile is left out of an inspect, and fails a labels read, both ways', async () => {
    const ids = await projectContainerIds(project, run);
    const gone = 'f'.repeat(64);
    expect(await inspectContainers([...ids, gone], run)).toEqual(
      await inspectContainers([...ids, gone], cli),
    );
    await expect(new Docker(run).labelsOf([gone])).rejects.toThrow(/404|no such container/i);
    await expect(new Docker(cli).labelsOf([gone])).rejects.toThrow(/no such/i);
  });

  it('networks and volumes by name, the engine version and images (one missing) are the same', async () => {
    const objects = await existingObjects(project, run);
    expect([...objects.keys()].sort()).toEqual([`network:${project}_back`, `volume:${project}_data`]);
    expect(objects).toEqual(await existingObjects(project, cli));
    const version = await engineVersion(run);
    expect(version).toMatch(/^\d+\.\d+/);
    expect(version).toBe(await engineVersion(cli));
    const refs = [
      'redis:7',
      `${project}-once`,
      'ephemeral-standin/redis:7',
      `127.0.0.1:5999/nothing/here:${project}`,
    ];
    const [api, viaCli] = await Promise.all([inspectImages(refs, run), inspectImages(refs, cli)]);
    expect(api).toEqual(viaCli);
    expect([...api.values()].map((f) => f.present)).toEqual([true, true, true, false]);
  });

  it('a socket that cannot be reached: the CLI answers, and the socket is not tried again', async () => {
    const engine = new EngineApi(join(dir, 'no-such.sock'));
    const runner = withEngine(cli, engine);
    expect(engineFor(runner)).toBe(engine);
    expect(await projectContainers(project, runner)).toHaveLength(2);
    expect(engine.unavailable).toBe(true);
    expect(engineFor(runner)).toBeNull();
  });
});

describe('a teardown removal through the socket against the CLI, on the real engine', () => {
  /** A small project of its own: a running container with a named volume on a network of the project. */
  function startProject(name: string): void {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        services: { app: { image: 'busybox:1.35', command: ['sleep', '300'], volumes: ['data:/data'] } },
        volumes: { data: {} },
      }),
    );
    execFileSync('docker', ['compose', '-p', name, '-f', file, 'up', '-d'], { stdio: 'pipe' });
  }
  const selector = (name: string): InventorySelector => ({
    container: [`com.docker.compose.project=${name}`],
    network: [`com.docker.compose.project=${name}`],
    volume: [`com.docker.compose.project=${name}`],
  });
  const names = [`${project}-rm-api`, `${project}-rm-cli`];
  afterAll(() => {
    for (const name of names) forceRemove(name);
    execFileSync('docker', ['rm', '-f', `${project}-holder`], { stdio: 'ignore' });
  });

  it('removes the same things both ways, and a second removal of the same inventory is done, not failed', async () => {
    const [viaApi, viaCli] = names;
    for (const name of names) startProject(name!);
    for (const [name, runner] of [
      [viaApi!, run],
      [viaCli!, cli],
    ] as const) {
      const docker = new Docker(runner);
      const before = await docker.inventory(selector(name));
      expect([before.container.length, before.network.length, before.volume.length], name).toEqual([1, 1, 1]);
      expect(await docker.remove(before, { stopTimeoutS: 1, timeoutMs: 60_000 }), name).toEqual([]);
      const after = await docker.inventory(selector(name));
      expect([...after.container, ...after.network, ...after.volume], name).toEqual([]);
      // Already stopped and already gone count as done (304, 404 / "No such …"), both ways.
      expect(await docker.remove(before, { stopTimeoutS: 1, timeoutMs: 60_000 }), name).toEqual([]);
    }
  }, 120_000);

  it("a volume another container still uses is a failure line both ways, naming the step and the engine's reason", async () => {
    const [viaApi, viaCli] = names;
    const failures: string[][] = [];
    for (const [name, runner] of [
      [viaApi!, run],
      [viaCli!, cli],
    ] as const) {
      startProject(name);
      const docker = new Docker(runner);
      const inv = await docker.inventory(selector(name));
      const volume = inv.volume[0]!.id;
      execFileSync(
        'docker',
        ['run', '-d', '--name', `${project}-holder`, '-v', `${volume}:/held`, 'busybox:1.35', 'sleep', '300'],
        { stdio: 'pipe' },
      );
      try {
        failures.push(await docker.remove(inv, { stopTimeoutS: 1, timeoutMs: 60_000 }));
        const left = await docker.inventory(selector(name));
        expect(left.container, name).toEqual([]);
        expect(
          left.volume.map((v) => v.id),
          name,
        ).toEqual([volume]);
      } finally {
        execFileSync('docker', ['rm', '-f', `${project}-holder`], { stdio: 'ignore' });
      }
    }
    for (const lines of failures) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^docker volume rm: .*volume is in use/);
    }
  }, 120_000);
});
