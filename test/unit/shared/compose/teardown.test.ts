/** The one Compose removal: refused unless the project is ours (nothing touched), idempotent, leftovers by label. */
import { describe, expect, it } from 'vitest';
import { DockerCompose } from '../../../../actions/shared/src/compose/compose.js';
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

function tools(resources: FakeResource[]) {
  const fake = fakeDocker(resources);
  const compose = new DockerCompose({ argv: ['docker', 'compose'], version: '2.29.7' }, fake.runner);
  return { ...fake, compose, docker: new Docker(fake.runner) };
}

describe('teardownCompose', () => {
  it('refuses a project with a resource that is not ours: no down, no rm', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      { kind: 'container', id: 'hand', name: `${ENV}-web-1`, labels: { 'com.docker.compose.project': ENV } },
    ]);
    const result = await teardownCompose(t.compose, ENV, {}, t.docker);
    expect(result).toMatchObject({ kind: 'compose', status: 'refused', containers: [], failures: [] });
    expect(result.reason).toMatch(/container app-pr-7-abc123-web-1/);
    expect(t.calls.some((a) => a.includes('down') || a.includes('rm'))).toBe(false);
    expect(t.removed).toEqual([]);
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
    expect((await teardownCompose(t.compose, ENV, {}, t.docker)).status).toBe('refused');
    expect(t.removed).toEqual([]);
  });

  it('already gone: nothing of the project and nothing labelled', async () => {
    const t = tools([]);
    expect(await teardownCompose(t.compose, ENV, {}, t.docker)).toEqual({
      kind: 'compose',
      status: 'already-gone',
      containers: [],
      networks: [],
      volumes: [],
      failures: [],
    });
    expect(t.calls.some((a) => a.includes('down'))).toBe(false);
  });

  it('ours: compose down, then what it left (labelled), containers before networks and volumes', async () => {
    const t = tools([
      ours('container', `${ENV}-db-1`),
      ours('network', `${ENV}_default`),
      ours('volume', `${ENV}_data`),
    ]);
    const result = await teardownCompose(t.compose, ENV, {}, t.docker);
    expect(result).toEqual({
      kind: 'compose',
      status: 'removed',
      containers: [`${ENV}-db-1`],
      networks: [`${ENV}_default`],
      volumes: [`${ENV}_data`],
      failures: [],
    });
    const down = t.calls.findIndex((a) => a.includes('down'));
    expect(t.calls[down]).toEqual([
      'docker',
      'compose',
      '--project-name',
      ENV,
      'down',
      '--volumes',
      '--remove-orphans',
      '--timeout',
      '10',
    ]);
    expect(t.removed).toEqual([`${ENV}-db-1`, `${ENV}_default`, `${ENV}_data`]);
  });
});
