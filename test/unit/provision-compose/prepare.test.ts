/**
 * provision-compose's prepare phase: unknown services and one-shots, the services a run starts, the Compose
 * refusal rule and the first created-at from one container inventory, and the isolation lines.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFileOwners, missingEnvFileError } from '../../../actions/provision-compose/src/env-file.js';
import {
  checkServices,
  configPhase,
  detectAndResolve,
  isolationLines,
  ownership,
} from '../../../actions/provision-compose/src/prepare.js';
import { Docker } from '../../../actions/shared/src/compose/docker.js';
import { planIsolation } from '../../../actions/shared/src/compose/isolation.js';
import type { RunResult } from '../../../actions/shared/src/exec/cli.js';
import { SetupError, UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { runResult } from '../helpers.js';
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
    const error = await ownership(new Docker(fake.runner), ENV).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toBe(
      `Input "name": a Compose project named "${ENV}" already runs containers these actions did not create (by-hand). Fix: set a different "name", or remove that project yourself (docker compose -p <name> down).`,
    );
    expect(fake.removed).toEqual([]);
  });

  it('accepts its own project (a redeploy), keeps the first created-at and names its containers', async () => {
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
      { kind: 'network', id: 'n1', name: `${ENV}_default`, labels: OURS },
      { kind: 'volume', id: `${ENV}_data`, name: `${ENV}_data`, labels: {} },
    ]);
    expect(await ownership(new Docker(fake.runner), ENV)).toEqual({
      createdAtMs: 1_700_000_000_000,
      containers: ['c1', 'c2'],
      objects: new Map([
        [
          `network:${ENV}_default`,
          { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': ENV },
        ],
        [`volume:${ENV}_data`, {}],
      ]),
    });
    expect(await ownership(new Docker(fakeDocker([]).runner), ENV)).toEqual({
      createdAtMs: null,
      containers: [],
      objects: new Map(),
    });
    // one listing per kind (containers by project, networks and volumes by name), at once; no inspect
    expect(fake.calls.map((a) => a.slice(1, 3).join(' '))).toEqual([
      'container ls',
      'network ls',
      'volume ls',
    ]);
  });

  it('unknown services and one-shots name the input and the ones the files define', () => {
    const model = { services: { db: {}, api: { depends_on: { db: null } }, admin: {} } };
    expect(checkServices(model, { services: ['api'], oneShots: [] })).toEqual(['api', 'db']);
    expect(checkServices(model, { services: [], oneShots: [] })).toEqual(['admin', 'api', 'db']);
    expect(() => checkServices(model, { services: ['web'], oneShots: [] })).toThrow(
      'Input "services": unknown service(s) web. Fix: use services from the compose file(s): db, api, admin.',
    );
    expect(() => checkServices(model, { services: [], oneShots: ['seed'] })).toThrow(
      /Input "one-shots": unknown service\(s\) seed/,
    );
  });

  it('one line per isolation change for the summary', () => {
    const plan = planIsolation(
      {
        services: {
          db: { container_name: 'pg', ports: [{ target: 5432, published: '5432' }] },
          seed: { restart: 'no' },
        },
        volumes: { data: { name: 'shared' } },
      },
      {
        project: 'p',
        selected: ['db', 'seed'],
        allowFixedPorts: false,
        containerName: 'alias',
        declaredOneShots: [],
        containerLabels: {},
        resourceLabels: {},
      },
    );
    expect(isolationLines(plan)).toEqual([
      'Host port 5432 of db → an ephemeral port (container 5432/tcp)',
      'container_name of db ("pg") removed; "pg" stays a network alias on default',
      'volume data: fixed name "shared" → "p_data" for this environment',
      'One-shot seed (restart: "no", no healthcheck, no ports): ready once it exited 0',
    ]);
  });

  it('a missing env_file names the file and the service that reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
    const file = join(dir, 'compose.yaml');
    writeFileSync(
      file,
      'services:\n  api:\n    env_file: ./api.env\n  web:\n    env_file: [{path: other.env}]\n',
    );
    expect(envFileOwners([file], dir, join(dir, 'api.env'))).toEqual(['services.api.env_file']);
    expect(envFileOwners([file], dir, join(dir, 'other.env'))).toEqual(['services.web.env_file']);
    const error = missingEnvFileError(`env file ${join(dir, 'api.env')} not found: stat …`, [file], dir);
    expect(error?.message).toMatch(
      /^Input "compose-files \(services\.api\.env_file\)": the env_file ".*api\.env" does not exist \(service api reads it\)\. Fix: create /,
    );
    expect(missingEnvFileError('yaml: line 3: bad indentation', [file], dir)).toBeNull();
  });
});

describe('detectAndResolve', () => {
  const MODEL = { name: ENV, services: { db: { image: 'postgres:15' } } };
  const project = { name: ENV, files: ['compose.yaml'] };
  const noHandOff = () => {
    const written: string[] = [];
    return { read: () => undefined, write: (v: string) => void written.push(v), written };
  };
  const result = (argv: readonly string[], exitCode: number, stdout = '', stderr = '') => ({
    argv: [...argv],
    exitCode,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
    truncated: false,
  });
  /** A runner whose `version` answers only once `release()` is called; every call is logged as it starts. */
  function scripted(answer: (argv: readonly string[]) => ReturnType<typeof result>) {
    const calls: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = async (argv: readonly string[]) => {
      calls.push(argv.join(' '));
      if (argv.includes('version')) await gate;
      return answer(argv);
    };
    return { runner, calls, release: () => release() };
  }

  it('asks the plugin for the model while Compose is detected, and keeps that answer when the plugin is the CLI', async () => {
    const s = scripted((argv) =>
      argv.includes('version') ? result(argv, 0, '2.26.1\n') : result(argv, 0, JSON.stringify(MODEL)),
    );
    const found = detectAndResolve(project, s.runner, noHandOff(), () => null);
    await new Promise((r) => setTimeout(r, 10));
    // config went out before detection answered
    expect([...s.calls].sort()).toEqual([
      `docker compose --project-name=${ENV} --file=compose.yaml config --format json`,
      'docker compose version --short',
    ]);
    s.release();
    const { compose, model } = await found;
    expect(compose.binary).toEqual({ argv: ['docker', 'compose'], version: '2.26.1' });
    expect(model).toEqual(MODEL);
    expect(s.calls).toHaveLength(2);
  });

  it('runs config again with the stand-alone CLI when detection picks it (the plugin is missing)', async () => {
    const s = scripted((argv) => {
      if (argv[0] === 'docker') return result(argv, 1, '', "docker: 'compose' is not a docker command.");
      return argv.includes('version') ? result(argv, 0, '2.20.0\n') : result(argv, 0, JSON.stringify(MODEL));
    });
    s.release();
    const { compose, model } = await detectAndResolve(project, s.runner, noHandOff(), () => null);
    expect(compose.binary.argv).toEqual(['docker-compose']);
    expect(model).toEqual(MODEL);
    expect(s.calls.at(-1)).toBe(
      `docker-compose --project-name=${ENV} --file=compose.yaml config --format json`,
    );
  });

  it('says Compose is missing, not that the files were rejected, when no CLI answers', async () => {
    const s = scripted((argv) => result(argv, 127, '', 'not found'));
    s.release();
    const error = await detectAndResolve(project, s.runner, noHandOff(), () => null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SetupError);
    expect(String(error)).toMatch(/Docker Compose was not found/);
  });

  it('names compose-files when the plugin is there and rejects the files', async () => {
    const s = scripted((argv) =>
      argv.includes('version')
        ? result(argv, 0, '2.26.1\n')
        : result(argv, 15, '', 'services.db.image must be a string'),
    );
    s.release();
    const error = await detectAndResolve(project, s.runner, noHandOff(), () => null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect(String(error)).toMatch(/compose-files.*services\.db\.image must be a string/s);
  });

  it('uses the CLI a previous step handed off without detecting, for config too', async () => {
    const s = scripted((argv) => result(argv, 0, JSON.stringify(MODEL)));
    const handOff = {
      read: () => JSON.stringify({ argv: ['docker-compose'], version: '2.20.0' }),
      write: () => {},
    };
    const { compose } = await detectAndResolve(project, s.runner, handOff, () => null);
    expect(compose.binary).toEqual({ argv: ['docker-compose'], version: '2.20.0' });
    expect(s.calls).toEqual([
      `docker-compose --project-name=${ENV} --file=compose.yaml config --format json`,
    ]);
  });
});

describe('configPhase', () => {
  const MODEL = { name: ENV, services: { db: { image: 'postgres:15' } } };
  const CONFIG = `docker compose --project-name=${ENV} --file=compose.yaml config --format json`;
  const VERSION = 'docker version --format {{.Server.Version}}';
  const RECORD = { 'ephemeral.dev/fingerprint': `sha256:${'0'.repeat(64)}` };

  /**
   * One runner for Compose and docker, recording each call as it starts: `config` answers only once
   * `release()` is called; the inventory and `inspect` come from a fake engine holding one container of a
   * previous deploy of the environment (its labels carry the deploy record).
   */
  function scripted() {
    const engine = fakeDocker([
      { kind: 'container', id: 'c1', name: `${ENV}-db-1`, labels: { ...OURS, ...RECORD } },
    ]);
    const calls: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = async (argv: readonly string[]): Promise<RunResult> => {
      const line = argv.join(' ');
      calls.push(line);
      if (line === 'docker compose version --short') return runResult('2.26.1\n');
      if (argv.includes('config')) {
        await gate;
        return runResult(JSON.stringify(MODEL));
      }
      if (line === VERSION) return runResult('27.3.1\n');
      return engine.runner(argv);
    };
    return { runner, calls, release: () => release() };
  }

  /** Turns of the event loop until `done` holds (bounded: the fakes answer within a few turns). */
  async function turnsUntil(done: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
  }

  it('asks docker version and reads the last deploy’s record before config returns, through one runner', async () => {
    const s = scripted();
    const handOff = { read: () => undefined, write: () => {} };
    const pending = configPhase(
      new Docker(s.runner),
      { name: ENV, files: ['compose.yaml'] },
      handOff,
      () => null,
    );
    await turnsUntil(() => s.calls.some((c) => c.startsWith('docker container inspect')));
    // config has not answered yet: the fingerprint's model-free calls are already out
    expect(s.calls).toContain(CONFIG);
    expect(s.calls).toContain(VERSION);
    expect(s.calls).toContain('docker container inspect -- c1');
    // config goes out before the version, which nothing waits for before the fingerprint phase
    expect(s.calls.indexOf(CONFIG)).toBeLessThan(s.calls.indexOf(VERSION));
    s.release();
    const found = await pending;
    expect(found.model).toEqual(MODEL);
    expect(found.owned.containers).toEqual(['c1']);
    expect(await found.engine).toBe('27.3.1');
    expect(await found.previous).toEqual({ fingerprint: RECORD['ephemeral.dev/fingerprint'], entries: null });
  });

  it('on a first deploy reads no record (no inspect); a failed look-up fails the phase, as before', async () => {
    const s = scripted();
    const handOff = { read: () => undefined, write: () => {} };
    s.release();
    const first = await configPhase(
      new Docker(s.runner),
      { name: 'other-env', files: [] },
      handOff,
      () => null,
    );
    expect(await first.previous).toBeNull();
    expect(s.calls.filter((c) => c.startsWith('docker container inspect'))).toEqual([]);
    const failing = async (argv: readonly string[]) =>
      argv[1] === 'container' ? runResult('', 1, 'Cannot connect to the Docker daemon') : s.runner(argv);
    const error = await configPhase(new Docker(failing), { name: ENV, files: [] }, handOff, () => null).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/Cannot connect to the Docker daemon/);
  });
});
