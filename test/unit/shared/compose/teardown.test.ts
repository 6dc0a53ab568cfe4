/**
 * The one Compose removal: one inventory (four `ls` calls, no inspect) that is both the ownership check and
 * the list of what goes; refused unless the project is ours (nothing touched); idempotent; the images the
 * environment built and never an image it did not build.
 */
import { describe, expect, it } from 'vitest';
import { Docker } from '../../../../actions/shared/src/compose/docker.js';
import { teardownCompose } from '../../../../actions/shared/src/compose/teardown.js';
import { type FakeResource, fakeDocker } from './fake-docker.js';

const ENV = 'app-pr-7-abc123';
const OURS = {
  'ephemeral.dev/managed-by': 'ephemeral',
  'ephemeral.dev/environment': ENV,
  'com.docker.compose.project': ENV,
};
const ours = (kind: FakeResource['kind'], name: string): FakeResource => ({
  kind,
  id: name,
  name,
  labels: OURS,
});
const image = (id: string, name: string, environment = ENV): FakeResource => ({
  kind: 'image',
  id,
  name,
  labels: { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': environment },
});

function tools(
  resources: FakeResource[],
  failRemoval: string[] = [],
  failStop: string[] = [],
  slowNetworks = 0,
) {
  const fake = fakeDocker(resources, { failRemoval, failStop, slowNetworks });
  return { ...fake, docker: new Docker(fake.runner) };
}

const removing = (calls: string[][]) => calls.filter((a) => a.includes('rm') || a.includes('stop'));

describe('teardownCompose', () => {
  it('refuses a project with a resource that is not ours: no stop, no rm', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      { kind: 'container', id: 'hand', name: `${ENV}-web-1`, labels: { 'com.docker.compose.project': ENV } },
    ]);
    const result = await teardownCompose(ENV, {}, t.docker);
    expect(result).toMatchObject({ kind: 'compose', status: 'refused', containers: [], failures: [] });
    expect(result.reason).toMatch(/container app-pr-7-abc123-web-1/);
    expect(removing(t.calls)).toEqual([]);
  });

  it('refuses a project holding another environment’s volume', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      {
        kind: 'volume',
        id: `${ENV}_data`,
        name: `${ENV}_data`,
        labels: { ...OURS, 'ephemeral.dev/environment': 'app-pr-8-def456' },
      },
    ]);
    expect((await teardownCompose(ENV, {}, t.docker)).status).toBe('refused');
    expect(t.removed).toEqual([]);
  });

  it('already gone: the engine answered and nothing of the environment exists', async () => {
    const t = tools([image('sha256:other', 'other:latest', 'app-pr-8-def456')]);
    expect(await teardownCompose(ENV, {}, t.docker)).toEqual({
      kind: 'compose',
      status: 'already-gone',
      containers: [],
      networks: [],
      volumes: [],
      images: [],
      failures: [],
    });
    // one inventory: containers, networks, volumes by project, images by the environment's labels
    expect(t.calls.map((a) => a.slice(0, 3).join(' ')).sort()).toEqual([
      'docker container ls',
      'docker image ls',
      'docker network ls',
      'docker volume ls',
    ]);
    expect(t.calls.some((a) => a.includes('inspect'))).toBe(false);
  });

  it('ours: stop, remove containers, then networks, volumes and the images it built at once', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      ours('network', `${ENV}_default`),
      ours('volume', `${ENV}_data`),
      image('sha256:a', `${ENV}-api:latest`),
      image('sha256:b', '<none>:<none>'),
      image('sha256:base', 'busybox:1.35', 'someone-else'),
    ]);
    const result = await teardownCompose(ENV, { stopTimeoutS: 3 }, t.docker);
    expect(result).toEqual({
      kind: 'compose',
      status: 'removed',
      containers: [`${ENV}-db-1`],
      networks: [`${ENV}_default`],
      volumes: [`${ENV}_data`],
      images: [`${ENV}-api:latest`, 'sha256:b'],
      failures: [],
    });
    const steps = removing(t.calls);
    expect(steps[0]).toEqual(['docker', 'container', 'stop', '--time', '3', `${ENV}-db-1`]);
    expect(steps[1]).toEqual(['docker', 'container', 'rm', '--force', '--volumes', `${ENV}-db-1`]);
    expect(
      steps
        .slice(2)
        .map((a) => a.slice(1, 3).join(' '))
        .sort(),
    ).toEqual(['image rm', 'network rm', 'volume rm']);
    expect(t.removed).not.toContain('busybox:1.35');
  });

  it('removes the networks while the stopped containers are removed; volumes and images after them', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      ours('network', `${ENV}_default`),
      ours('volume', `${ENV}_data`),
      image('sha256:a', `${ENV}-api:latest`),
    ]);
    expect((await teardownCompose(ENV, {}, t.docker)).status).toBe('removed');
    const at = (event: string) => t.events.indexOf(event);
    expect(at('end container stop')).toBeLessThan(at('start network rm'));
    expect(at('start network rm')).toBeLessThan(at('end container rm'));
    for (const later of ['start volume rm', 'start image rm'])
      expect(at(later)).toBeGreaterThan(at('end container rm'));
    expect(t.calls.filter((a) => a[1] === 'network' && a[2] === 'rm')).toHaveLength(1);
  });

  it('volumes and images go as soon as the containers are gone, while a slow network is still going', async () => {
    const t = tools(
      [
        ours('container', `${ENV}-db-1`),
        ours('network', `${ENV}_default`),
        ours('volume', `${ENV}_data`),
        image('sha256:a', `${ENV}-api:latest`),
      ],
      [],
      [],
      5,
    );
    const result = await teardownCompose(ENV, {}, t.docker);
    expect(result).toMatchObject({
      status: 'removed',
      networks: [`${ENV}_default`],
      volumes: [`${ENV}_data`],
      images: [`${ENV}-api:latest`],
      failures: [],
    });
    const at = (event: string) => t.events.indexOf(event);
    for (const later of ['start volume rm', 'start image rm']) {
      expect(at(later)).toBeGreaterThan(at('end container rm'));
      expect(at(later)).toBeLessThan(at('end network rm'));
    }
  });

  it('whileRemoving: once, after the stop has started; never for a refused or already-gone environment', async () => {
    const t = tools([ours('container', `${ENV}-db-1`), ours('network', `${ENV}_default`)]);
    const seen: number[] = [];
    const whileRemoving = () => seen.push(t.events.length);
    expect((await teardownCompose(ENV, { whileRemoving }, t.docker)).status).toBe('removed');
    expect(seen).toHaveLength(1);
    expect(t.events.slice(0, seen[0])).toContain('start container stop');
    expect(t.events.slice(0, seen[0])).not.toContain('end container stop');

    const refused = tools([
      { kind: 'container', id: 'hand', name: `${ENV}-web-1`, labels: { 'com.docker.compose.project': ENV } },
    ]);
    const gone = tools([]);
    const never = () => {
      throw new Error('whileRemoving called');
    };
    expect((await teardownCompose(ENV, { whileRemoving: never }, refused.docker)).status).toBe('refused');
    expect((await teardownCompose(ENV, { whileRemoving: never }, gone.docker)).status).toBe('already-gone');
  });

  it('a container that did not stop: its network is tried again once the containers are removed', async () => {
    const t = tools(
      [ours('container', `${ENV}-db-1`), ours('network', `${ENV}_default`)],
      [],
      [`${ENV}-db-1`],
    );
    const result = await teardownCompose(ENV, {}, t.docker);
    expect(result).toMatchObject({
      status: 'removed',
      containers: [`${ENV}-db-1`],
      networks: [`${ENV}_default`],
    });
    expect(result.failures).toEqual([
      `docker container stop: Error response from daemon: cannot stop ${ENV}-db-1`,
    ]);
    expect(t.calls.filter((a) => a[1] === 'network' && a[2] === 'rm')).toHaveLength(2);
    expect(t.removed).toContain(`${ENV}_default`);
  });

  it('remove-images: none leaves the built images', async () => {
    const t = tools([ours('container', `${ENV}-db-1`), image('sha256:a', `${ENV}-api:latest`)]);
    const result = await teardownCompose(ENV, { removeImages: 'none' }, t.docker);
    expect(result).toMatchObject({ status: 'removed', images: [] });
    expect(t.calls.some((a) => a[1] === 'image')).toBe(false);
  });

  it('a removal that fails: partial, with what remains looked up again', async () => {
    const t = tools(
      [ours('container', `${ENV}-db-1`), ours('network', `${ENV}_default`)],
      [`${ENV}_default`],
    );
    const result = await teardownCompose(ENV, {}, t.docker);
    expect(result).toMatchObject({ status: 'partial', containers: [`${ENV}-db-1`], networks: [] });
    expect(result.failures).toEqual([
      `docker network rm: Error response from daemon: ${ENV}_default is in use`,
    ]);
  });
});
