/** provision-compose's prepare phase: unknown services, and the Compose refusal rule before anything starts. */
import { describe, expect, it } from 'vitest';
import {
  assertNotForeign,
  checkServices,
  existingCreatedAt,
} from '../../../actions/provision-compose/src/prepare.js';
import { Docker } from '../../../actions/shared/src/compose/docker.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { fakeDocker } from '../shared/compose/fake-docker.js';

const ENV = 'app-pr-7-abc123';
const OURS = {
  'ephemeral.dev/managed-by': 'ephemeral',
  'ephemeral.dev/environment': ENV,
  'com.docker.compose.project': ENV,
};

describe('prepare', () => {
  it('refuses to deploy over a Compose project of the same name it did not create, naming it', async () => {
    const fake = fakeDocker([
      { kind: 'container', id: 'c1', name: `${ENV}-db-1`, labels: OURS },
      { kind: 'container', id: 'c2', name: 'by-hand', labels: { 'com.docker.compose.project': ENV } },
    ]);
    const error = await assertNotForeign(new Docker(fake.runner), ENV).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toBe(
      `Input "name": a Compose project named "${ENV}" already runs containers these actions did not create (by-hand). Fix: set a different "name", or remove that project yourself (docker compose -p <name> down).`,
    );
    expect(fake.removed).toEqual([]);
  });

  it('accepts its own project (a redeploy) and keeps the first created-at', async () => {
    const fake = fakeDocker([
      {
        kind: 'container',
        id: 'c1',
        name: `${ENV}-db-1`,
        labels: { ...OURS, 'ephemeral.dev/created-at': '1700000000' },
      },
      {
        kind: 'container',
        id: 'c2',
        name: `${ENV}-api-1`,
        labels: { ...OURS, 'ephemeral.dev/created-at': '1700000600' },
      },
    ]);
    const docker = new Docker(fake.runner);
    await expect(assertNotForeign(docker, ENV)).resolves.toBeUndefined();
    expect(await existingCreatedAt(docker, ENV)).toBe(1_700_000_000_000);
    expect(await existingCreatedAt(new Docker(fakeDocker([]).runner), ENV)).toBeNull();
  });

  it('unknown services name the input and the ones the files define', () => {
    const model = { services: { db: {}, api: {} } };
    expect(checkServices(model, ['db'])).toEqual(['db', 'api']);
    expect(() => checkServices(model, ['web'])).toThrow(
      'Input "services": unknown service(s) web. Fix: use services from the compose file(s): db, api.',
    );
  });
});
