/** Compose through the funnel: argv builders (table-tested), literal arguments, and detection of Compose v2. */
import { describe, expect, it } from 'vitest';
import {
  type ComposeHandOff,
  DockerCompose,
  detectCompose,
  execArgs,
  logsArgs,
  parseComposeVersion,
  parseHandedOffCompose,
  projectArgs,
  upArgs,
  versionAtLeast,
} from '../../../../actions/shared/src/compose/compose.js';
import { listArgs, removeArgs } from '../../../../actions/shared/src/compose/docker.js';
import type { RunResult } from '../../../../actions/shared/src/exec/cli.js';

const INJECTION = ['; rm -rf /', '$(id)', '`whoami`', 'a && b', "'quoted'", '--help', '|cat', '\n'];

describe('compose argv builders', () => {
  it.each([
    [{ name: 'p' }, ['--project-name=p']],
    [
      { name: 'p', files: ['a.yml', 'b.yml'], projectDirectory: '/w', profiles: ['x'], envFiles: ['.env'] },
      [
        '--project-name=p',
        '--file=a.yml',
        '--file=b.yml',
        '--project-directory=/w',
        '--profile=x',
        '--env-file=.env',
      ],
    ],
    // A value Compose run stand-alone could take for its subcommand stays inside its flag's argument.
    [{ name: 'compose', files: ['compose'] }, ['--project-name=compose', '--file=compose']],
  ])('projectArgs(%j)', (project, expected) => {
    expect(projectArgs(project)).toEqual(expected);
  });

  it.each([
    [
      { build: 'auto', pull: 'missing', services: [] },
      ['up', '--detach', '--remove-orphans', '--pull', 'missing', '--build', '--'],
    ],
    [
      { build: 'missing', pull: 'missing', services: [] },
      ['up', '--detach', '--remove-orphans', '--pull', 'missing', '--'],
    ],
    [
      { build: 'always', pull: 'never', services: ['api'] },
      ['up', '--detach', '--remove-orphans', '--pull', 'never', '--build', '--', 'api'],
    ],
    [
      { build: 'never', pull: 'always', services: ['a', 'b'] },
      ['up', '--detach', '--remove-orphans', '--pull', 'always', '--no-build', '--', 'a', 'b'],
    ],
    [
      { build: 'auto', pull: 'missing', services: [], noStart: true },
      ['up', '--detach', '--remove-orphans', '--pull', 'missing', '--build', '--no-start', '--'],
    ],
  ] as const)('upArgs(%j)', (options, expected) => {
    expect(upArgs({ ...options, services: [...options.services] })).toEqual(expected);
  });

  it('logs and exec', () => {
    expect(logsArgs('db', 500)).toEqual(['logs', '--no-color', '--timestamps', '--tail', '500', '--', 'db']);
    expect(execArgs({ service: 'db', argv: ['pg_isready', '-U', 'app'] })).toEqual([
      'exec',
      '-T',
      '--',
      'db',
      'pg_isready',
      '-U',
      'app',
    ]);
  });

  it.each(INJECTION)('keeps %j one literal argument everywhere', (evil) => {
    const compose = new DockerCompose({ argv: ['docker', 'compose'], version: '2.26.1' });
    const argv = compose.argv({ name: evil, files: [evil] }, [
      ...upArgs({ build: 'auto', pull: 'missing', services: [evil] }),
      ...execArgs({ service: evil, argv: [evil] }),
    ]);
    // name and file inside their flag's one argument; the service twice and the exec argv on their own
    expect(argv.filter((a) => a === evil)).toHaveLength(3);
    expect(argv).toContain(`--project-name=${evil}`);
    expect(argv).toContain(`--file=${evil}`);
    expect(listArgs('container', [`k=${evil}`])).toContain(`label=k=${evil}`);
    expect(removeArgs('volume', [{ kind: 'volume', id: evil, name: evil, labels: {} }])).toEqual([
      'docker',
      'volume',
      'rm',
      evil,
    ]);
  });
});

/** No Compose plugin where the docker CLI looks (plugin-path.ts): detection starts with `docker compose`. */
const noPlugin = () => null;

describe('Compose detection', () => {
  /** A hand-off held in memory (the real one exports EPHEMERAL_COMPOSE_CLI through GITHUB_ENV). */
  const memory = (value?: string): ComposeHandOff & { value: string | undefined } => {
    const box = {
      value,
      read: () => box.value,
      write: (v: string) => {
        box.value = v;
      },
    };
    return box;
  };
  const calls: string[][] = [];
  const fake =
    (answers: Record<string, string | null>) =>
    async (argv: readonly string[]): Promise<RunResult> => {
      calls.push([...argv]);
      const key = argv.slice(0, -2).join(' ');
      const out = answers[key];
      return {
        argv: [...argv],
        exitCode: out === null || out === undefined ? 1 : 0,
        stdout: out ?? '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        truncated: false,
      };
    };

  it.each([
    ['v2.26.1', '2.26.1'],
    ['Docker Compose version v2.29.7', '2.29.7'],
    ['2.26.1-4', '2.26.1'],
    ['docker-compose version 1.29.2, build unknown', '1.29.2'],
    ['nonsense', null],
  ])('parses %j', (text, version) => {
    expect(parseComposeVersion(text)).toBe(version);
  });

  it('prefers the plugin, falls back to the stand-alone v2 binary', async () => {
    expect((await detectCompose(fake({ 'docker compose': '2.26.1' }), memory(), noPlugin)).argv).toEqual([
      'docker',
      'compose',
    ]);
    expect((await detectCompose(fake({ 'docker-compose': '2.20.0' }), memory(), noPlugin)).argv).toEqual([
      'docker-compose',
    ]);
  });

  it('fails on v1 only, naming v1 and the fix', async () => {
    await expect(detectCompose(fake({ 'docker-compose': '1.29.2' }), memory(), noPlugin)).rejects.toThrow(
      /Only Compose v1 \(docker-compose 1\.29\.2\).*Fix: install Compose v2/,
    );
  });

  it('hands the CLI found to later steps, which start no process for it', async () => {
    const handOff = memory();
    await detectCompose(fake({ 'docker-compose': '2.20.0' }), handOff, noPlugin);
    expect(JSON.parse(handOff.value ?? '')).toEqual({ argv: ['docker-compose'], version: '2.20.0' });
    calls.length = 0;
    const later = await detectCompose(fake({ 'docker compose': '2.26.1' }), handOff, noPlugin);
    expect(later).toEqual({ argv: ['docker-compose'], version: '2.20.0' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['not JSON', '{argv'],
    ['an argv that is not Compose', '{"argv":["sh","-c","rm"],"version":"2.26.1"}'],
    ['Compose v1', '{"argv":["docker-compose"],"version":"1.29.2"}'],
    ['a version that is not x.y.z', '{"argv":["docker","compose"],"version":"2.26.1; rm"}'],
  ])('ignores a hand-off with %s and detects again', async (_what, text) => {
    expect(parseHandedOffCompose(text)).toBeNull();
    calls.length = 0;
    const found = await detectCompose(fake({ 'docker compose': '2.26.1' }), memory(text), noPlugin);
    expect(found).toEqual({ argv: ['docker', 'compose'], version: '2.26.1' });
    expect(calls).toEqual([['docker', 'compose', 'version', '--short']]);
  });

  it("runs the plugin's binary directly when the docker CLI's look-up finds it, and hands that on", async () => {
    const path = '/usr/libexec/docker/cli-plugins/docker-compose';
    const handOff = memory();
    calls.length = 0;
    const answers = { [path]: '2.26.1-4', 'docker compose': '2.26.1-4' };
    const found = await detectCompose(fake(answers), handOff, () => path);
    expect(found).toEqual({ argv: [path], version: '2.26.1' });
    expect(calls).toEqual([[path, 'version', '--short']]);
    expect(parseHandedOffCompose(handOff.value)).toEqual(found);
  });

  it('falls back to docker compose when the plugin found does not answer', async () => {
    const found = await detectCompose(
      fake({ 'docker compose': '2.26.1' }),
      memory(),
      () => '/opt/plugins/docker-compose',
    );
    expect(found.argv).toEqual(['docker', 'compose']);
  });

  it.each([
    ['a relative path', '{"argv":["bin/docker-compose"],"version":"2.26.1"}'],
    ['another program', '{"argv":["/usr/bin/sh"],"version":"2.26.1"}'],
    ['a path and more', '{"argv":["/usr/lib/docker/cli-plugins/docker-compose","rm"],"version":"2.26.1"}'],
  ])('refuses a handed-off direct binary that is %s', (_what, text) => {
    expect(parseHandedOffCompose(text)).toBeNull();
  });

  it('fails when there is no Compose at all', async () => {
    await expect(detectCompose(fake({}), memory(), noPlugin)).rejects.toThrow(
      /Docker Compose was not found.*Fix:/,
    );
  });

  it.each([
    ['2.26.1', '2.24.4', true],
    ['2.24.4', '2.24.4', true],
    ['2.24.3', '2.24.4', false],
    ['3.0.0', '2.24.4', true],
  ])('versionAtLeast(%s, %s) = %s', (v, min, expected) => {
    expect(versionAtLeast(v, min)).toBe(expected);
  });
});
