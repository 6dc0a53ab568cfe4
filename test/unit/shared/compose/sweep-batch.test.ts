/**
 * The sweep's Compose removal in batches (compose/sweep-batch.ts), on a scripted engine: a fixed number of
 * docker processes for 100 environments, teardown's refusals (unlabelled, another environment's, another
 * repository's: nothing of it touched), `partial` naming what is left, `already-gone` only when proven.
 */
import { describe, expect, it } from 'vitest';
import { Docker } from '../../../../actions/shared/src/compose/docker.js';
import { removeComposeEnvironments } from '../../../../actions/shared/src/compose/sweep-batch.js';
import type { RunOptions } from '../../../../actions/shared/src/exec/cli.js';
import { runResult } from '../../helpers.js';
import { type FakeResource, fakeDocker } from './fake-docker.js';

const REPO = 'acme--app';
const labelsOf = (env: string, extra: Record<string, string> = {}) => ({
  'ephemeral.dev/managed-by': 'ephemeral',
  'ephemeral.dev/environment': env,
  'ephemeral.dev/repository': REPO,
  'com.docker.compose.project': env,
  ...extra,
});
const id = (name: string) => `${name}-`.padEnd(64, 'f');

/** Environment `env` as Compose leaves it: a container, a network, a volume, and an image it built. */
function environment(env: string, extra: Record<string, string> = {}): FakeResource[] {
  const labels = labelsOf(env, extra);
  return [
    { kind: 'container', id: id(`c${env}`), name: `${env}-web-1`, labels },
    { kind: 'network', id: id(`n${env}`), name: `${env}_default`, labels },
    { kind: 'volume', id: `${env}_data`, name: `${env}_data`, labels },
    { kind: 'image', id: `sha256:${id(`i${env}`)}`, name: '', labels },
  ];
}
const discovered = (env: string) => [
  `container ${env}-web-1`,
  `network ${env}_default`,
  `volume ${env}_data`,
];

/** The fake engine plus `image inspect --format` (the environment label of each image). */
function engine(resources: FakeResource[], options: { failRemoval?: string[]; failLs?: boolean } = {}) {
  const fake = fakeDocker(resources, options);
  const runner = async (argv: readonly string[], o?: RunOptions) => {
    if (options.failLs && argv[2] === 'ls')
      return runResult('', 1, 'Cannot connect to the Docker daemon', argv);
    if (argv[1] === 'image' && argv[2] === 'inspect') {
      fake.calls.push([...argv]);
      const ids = argv.slice(5);
      const rows = ids
        .map((i) => resources.find((r) => r.id === i && !fake.removed.includes(r.id)))
        .filter((r) => r !== undefined)
        .map((r) => `${r.id}\t${r.labels['ephemeral.dev/environment'] ?? ''}\n`);
      return runResult(rows.join(''), 0, '', argv);
    }
    return fake.runner(argv, o);
  };
  // The fake's `ls` for images prints only the ID and name; image rows are selected by their labels.
  return { ...fake, docker: new Docker(runner) };
}

const options = { repositoryLabel: REPO, timeoutMs: 60_000 };

describe('removeComposeEnvironments', () => {
  it('removes 100 environments with a fixed number of docker processes, each argv bounded', async () => {
    const envs = Array.from({ length: 100 }, (_, i) => `app-pr-${i + 1}`);
    const t = engine(envs.flatMap((e) => environment(e)));
    const results = await removeComposeEnvironments(
      t.docker,
      envs.map((environment) => ({ environment, discovered: discovered(environment) })),
      options,
    );
    expect([...results.values()].map((r) => r.status)).toEqual(envs.map(() => 'removed'));
    expect(results.get('app-pr-7')).toMatchObject({
      containers: ['app-pr-7-web-1'],
      networks: ['app-pr-7_default'],
      volumes: ['app-pr-7_data'],
      failures: [],
    });
    expect(t.removed).toHaveLength(400);
    // inventory (4 ls + 1 image inspect) ×2, stop + rm of containers, rm of networks, volumes, images
    expect(t.calls.length).toBeLessThanOrEqual(14);
    for (const argv of t.calls) expect(argv.join(' ').length).toBeLessThan(20_000);
    expect(t.calls.filter((a) => a[2] === 'rm' && a[1] === 'container')).toHaveLength(1);
  });

  it('splits the IDs into chunks of at most chunkChars characters', async () => {
    const envs = Array.from({ length: 100 }, (_, i) => `app-pr-${i + 1}`);
    const t = engine(envs.flatMap((e) => environment(e)));
    const results = await removeComposeEnvironments(
      t.docker,
      envs.map((environment) => ({ environment, discovered: discovered(environment) })),
      { ...options, chunkChars: 1_000 },
    );
    expect([...results.values()].every((r) => r.status === 'removed')).toBe(true);
    const rms = t.calls.filter((a) => a[1] === 'container' && a[2] === 'rm');
    expect(rms.length).toBe(7); // 100 IDs of 64 characters, 15 a chunk
    for (const argv of rms) expect(argv.slice(5).join(' ').length).toBeLessThanOrEqual(1_000);
  });

  it('refuses an environment with an unlabelled, another environment’s or another repository’s resource, touching nothing of it', async () => {
    const t = engine([
      ...environment('hand'),
      {
        kind: 'container',
        id: id('manual'),
        name: 'hand-db-1',
        labels: { 'com.docker.compose.project': 'hand' },
      },
      ...environment('other-env'),
      {
        kind: 'volume',
        id: 'other-env_x',
        name: 'other-env_x',
        labels: labelsOf('someone', { 'com.docker.compose.project': 'other-env' }),
      },
      ...environment('other-repo', { 'ephemeral.dev/repository': 'acme--elsewhere' }),
      ...environment('mine'),
    ]);
    const results = await removeComposeEnvironments(
      t.docker,
      ['hand', 'other-env', 'other-repo', 'mine'].map((environment) => ({ environment, discovered: [] })),
      options,
    );
    expect(results.get('hand')).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/container hand-db-1/),
    });
    expect(results.get('other-env')).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/volume other-env_x/),
    });
    expect(results.get('other-repo')).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/another repository/),
    });
    expect(results.get('mine')?.status).toBe('removed');
    expect(t.removed.sort()).toEqual(
      environment('mine')
        .map((r) => r.id)
        .sort(),
    );
  });

  it('is partial, naming what is left, when a resource survives removal; the others are removed', async () => {
    const t = engine([...environment('stuck'), ...environment('fine')], { failRemoval: ['stuck_data'] });
    const results = await removeComposeEnvironments(
      t.docker,
      ['stuck', 'fine'].map((environment) => ({ environment, discovered: discovered(environment) })),
      options,
    );
    const stuck = results.get('stuck')!;
    expect(stuck.status).toBe('partial');
    expect(stuck.volumes).toEqual([]);
    expect(stuck.containers).toEqual(['stuck-web-1']);
    expect(stuck.failures[0]).toBe('still there after removal: volume stuck_data');
    expect(stuck.failures.join('\n')).toMatch(/docker volume rm: .*stuck_data is in use/);
    expect(results.get('fine')).toMatchObject({ status: 'removed', failures: [] });
  });

  it('says already-gone only when the engine shows nothing of it; unprojected leftovers are not removed and said', async () => {
    const stray: FakeResource = {
      kind: 'volume',
      id: 'loose_data',
      name: 'loose_data',
      labels: { ...labelsOf('loose'), 'com.docker.compose.project': '' },
    };
    delete (stray.labels as Record<string, string>)['com.docker.compose.project'];
    const half: FakeResource = {
      kind: 'volume',
      id: 'half_extra',
      name: 'half_extra',
      labels: { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': 'half' },
    };
    const t = engine([stray, half, ...environment('half')]);
    const results = await removeComposeEnvironments(
      t.docker,
      [
        { environment: 'gone', discovered: [] },
        { environment: 'loose', discovered: ['volume loose_data'] },
        { environment: 'half', discovered: [...discovered('half'), 'volume half_extra'] },
      ],
      options,
    );
    expect(results.get('gone')?.status).toBe('already-gone');
    expect(results.get('loose')).toMatchObject({
      status: 'error',
      failures: [
        expect.stringMatching(
          /volume loose_data carry the environment label but not Compose's project label/,
        ),
      ],
    });
    expect(results.get('half')).toMatchObject({
      status: 'partial',
      volumes: ['half_data'],
      failures: [expect.stringMatching(/volume half_extra/)],
    });
    expect(t.removed).not.toContain('loose_data');
    expect(t.removed).not.toContain('half_extra');
  });

  it('never removes an image of another environment, and keeps images with remove-images: none', async () => {
    const t = engine([...environment('a'), ...environment('b')]);
    await removeComposeEnvironments(t.docker, [{ environment: 'a', discovered: [] }], options);
    expect(t.removed).toContain(`sha256:${id('ia')}`);
    expect(t.removed).not.toContain(`sha256:${id('ib')}`);
    const u = engine(environment('c'));
    const results = await removeComposeEnvironments(u.docker, [{ environment: 'c', discovered: [] }], {
      ...options,
      removeImages: 'none',
    });
    expect(results.get('c')).toMatchObject({ status: 'removed', images: [] });
    expect(u.removed).not.toContain(`sha256:${id('ic')}`);
  });

  it('throws, removing nothing, when the engine does not answer the inventory', async () => {
    const t = engine(environment('a'), { failLs: true });
    await expect(
      removeComposeEnvironments(t.docker, [{ environment: 'a', discovered: [] }], options),
    ).rejects.toThrow(/Cannot connect/);
    expect(t.removed).toEqual([]);
  });
});
