import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_SCHEMA, fingerprintOf } from '../../../../actions/shared/src/fingerprint/canonical.js';
import {
  composeEntries,
  isRemoteContext,
  type ModelContext,
  type ResolvedModel,
} from '../../../../actions/shared/src/fingerprint/compose-model.js';
import { shuffledKeys } from './shuffle.js';

const SHA = 'f'.repeat(40);

/** A resolved model as `docker compose config --format json` prints it for project `project` in `dir`. */
function model(project: string, dir: string, sep = '/'): ResolvedModel {
  const p = (...parts: string[]) => [dir, ...parts].join(sep);
  return {
    name: project,
    networks: { default: { name: `${project}_default`, ipam: {} } },
    volumes: { 'db-data': { name: `${project}_db-data` } },
    services: {
      api: {
        build: { context: p('api'), dockerfile: 'Dockerfile' },
        image: `${project}-api`,
        command: null,
        environment: {
          APP_COMMIT_SHA: SHA,
          PGPASSWORD: 'app-secret-pw',
          DATABASE_URL: 'postgres://app:hunter22@db/app',
          PORT: '8080',
        },
        ports: [{ mode: 'ingress', target: 8080, published: '8080', protocol: 'tcp' }],
        networks: { default: null },
      },
      db: {
        image: 'postgres:15',
        environment: { POSTGRES_PASSWORD: 'app-secret-pw', POSTGRES_DB: 'app' },
        volumes: [
          { type: 'volume', source: 'db-data', target: '/var/lib/postgresql/data' },
          { type: 'bind', source: p('migrations'), target: '/migrations', read_only: true },
        ],
        networks: { default: null },
      },
    },
  };
}

const ctx = (project: string, dir: string): ModelContext => ({
  projectName: project,
  projectDirectory: dir,
  volatile: { [SHA]: '{{sha}}', '987654': '{{run-id}}' },
});

describe('composeEntries', () => {
  const base = composeEntries(model('pr-1-app', '/home/a/app'), ctx('pr-1-app', '/home/a/app'));

  it('has one entry per service key, the image as written, and one per network and volume', () => {
    expect(Object.keys(base).sort()).toEqual([
      'compose.networks.default',
      'compose.volumes.db-data',
      'services.api.environment',
      'services.api.networks',
      'services.api.ports',
      'services.db.environment',
      'services.db.image',
      'services.db.networks',
      'services.db.volumes',
    ]);
    expect(base['services.db.image']).toBe('postgres:15');
  });

  it('ignores the project name, the clone directory and the path separator', () => {
    expect(
      composeEntries(model('pr-2-app', '/tmp/other/clone'), ctx('pr-2-app', '/tmp/other/clone')),
    ).toEqual(base);
    expect(
      composeEntries(model('pr-3-app', 'C:\\work\\app', '\\'), ctx('pr-3-app', 'C:\\work\\app')),
    ).toEqual(base);
  });

  it('replaces this run’s own values, so a new commit does not change the entries', () => {
    const other = model('pr-1-app', '/home/a/app');
    other.services!.api!.environment!.APP_COMMIT_SHA = 'a'.repeat(40);
    const next = composeEntries(other, {
      ...ctx('pr-1-app', '/home/a/app'),
      volatile: { ['a'.repeat(40)]: '{{sha}}' },
    });
    expect(next).toEqual(base);
  });

  it('does not hash secret values: a new password leaves the entries unchanged, a new port does not', () => {
    const changedSecret = model('pr-1-app', '/home/a/app');
    changedSecret.services!.db!.environment!.POSTGRES_PASSWORD = 'other-password';
    changedSecret.services!.api!.environment!.DATABASE_URL = 'postgres://app:other@db/app';
    expect(composeEntries(changedSecret, ctx('pr-1-app', '/home/a/app'))).toEqual(base);
    const changedPort = model('pr-1-app', '/home/a/app');
    changedPort.services!.api!.environment!.PORT = '9090';
    const entries = composeEntries(changedPort, ctx('pr-1-app', '/home/a/app'));
    expect(entries['services.api.environment']).not.toBe(base['services.api.environment']);
  });

  it('any key order gives the same entries (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const shuffled = shuffledKeys(model('pr-1-app', '/home/a/app'), (keys) =>
          keys.length === 0
            ? keys
            : [...keys.slice(seed % keys.length), ...keys.slice(0, seed % keys.length)].reverse(),
        ) as ResolvedModel;
        expect(composeEntries(shuffled, ctx('pr-1-app', '/home/a/app'))).toEqual(base);
      }),
    );
  });

  it('any change to a hashed value changes the fingerprint (property)', () => {
    const doc = (entries: Record<string, string>) =>
      fingerprintOf({ schema: FINGERPRINT_SCHEMA, kind: 'compose', entries });
    const baseline = doc(base);
    fc.assert(
      fc.property(
        fc.constantFrom<Array<string>>(
          ['api', 'environment', 'PORT'],
          ['db', 'environment', 'POSTGRES_DB'],
          ['db', 'image'],
          ['api', 'ports', '0', 'published'],
        ),
        fc.string({ minLength: 1 }),
        (path, value) => {
          const m = model('pr-1-app', '/home/a/app') as unknown as Record<string, Record<string, unknown>>;
          let target = m.services as Record<string, unknown>;
          for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
          const last = path.at(-1)!;
          fc.pre(String(target[last]) !== value);
          target[last] = value;
          expect(doc(composeEntries(m as ResolvedModel, ctx('pr-1-app', '/home/a/app')))).not.toBe(baseline);
        },
      ),
    );
  });

  it('keeps a network name the user chose, and an explicit image of a built service', () => {
    const m = model('pr-1-app', '/home/a/app');
    (m.networks as Record<string, { name: string }>).default!.name = 'shared-net';
    m.services!.api!.image = 'acme/api:dev';
    const entries = composeEntries(m, ctx('pr-1-app', '/home/a/app'));
    expect(entries['compose.networks.default']).not.toBe(base['compose.networks.default']);
    expect(entries['services.api.image']).toBe('acme/api:dev');
  });

  it('recognises remote build contexts', () => {
    expect(isRemoteContext('https://github.com/docker/rootfs.git#main')).toBe(true);
    expect(isRemoteContext('git@github.com:acme/app.git')).toBe(true);
    expect(isRemoteContext('/home/a/app/api')).toBe(false);
  });
});
