/** The seed command: argv, refused shell syntax, the Compose hand-off. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeedCommand, readSeedCommand, seedEnv } from '../../../actions/verify-seed/src/seed-command.js';

describe('seed-command', () => {
  it.each([
    ['docker compose run --rm seed', ['docker', 'compose', 'run', '--rm', 'seed']],
    ['[psql, -c, "SELECT 1; SELECT 2"]', ['psql', '-c', 'SELECT 1; SELECT 2']],
    ['- redis-cli\n- SET\n- k\n- "a b"', ['redis-cli', 'SET', 'k', 'a b']],
    ['  ', []],
  ])('%j → argv', (text, argv) => {
    expect(parseSeedCommand('seed-command', text)).toEqual(argv);
  });

  it.each([
    ['psql -c "SELECT 1"', 'holds quotes or shell syntax'],
    ['seed.sh | tee log', 'holds quotes or shell syntax'],
    ['echo $(id)', 'holds quotes or shell syntax'],
    ['[]', 'must be a non-empty list of strings'],
    ['[a, {b: c}]', 'must be a non-empty list of strings'],
    ['[a, b', 'is not a valid YAML list'],
  ])('%j is refused', (text, problem) => {
    expect(() => parseSeedCommand('seed-command', text)).toThrow(problem);
  });

  it('points docker compose at the environment unless the step did', () => {
    expect(seedEnv({ project: 'p', composeFiles: ['/a/compose.yaml', '/a/override.yaml'] }, {})).toEqual({
      COMPOSE_PROJECT_NAME: 'p',
      COMPOSE_FILE: '/a/compose.yaml:/a/override.yaml',
    });
    expect(
      seedEnv(
        { project: 'p', composeFiles: ['/a/c.yaml'] },
        { COMPOSE_PROJECT_NAME: 'mine', COMPOSE_FILE: 'x' },
      ),
    ).toEqual({});
  });

  it('after isolation: vcluster, KUBECONFIG is the virtual cluster’s (a command that needs the host passes --kubeconfig)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    const virtual = join(dir, 'virtual');
    writeFileSync(virtual, 'apiVersion: v1\n');
    const none = { project: '', composeFiles: [] };
    const handed = { EPHEMERAL_VCLUSTER_KUBECONFIG: virtual };
    expect(seedEnv(none, handed)).toEqual({ KUBECONFIG: virtual });
    // deploy-namespace exported the host's as both KUBECONFIG and EPHEMERAL_KUBECONFIG: replaced.
    expect(seedEnv(none, { ...handed, KUBECONFIG: '/host', EPHEMERAL_KUBECONFIG: '/host' })).toEqual({
      KUBECONFIG: virtual,
    });
    // A KUBECONFIG of the job or a cluster-login action is the host's: the virtual cluster's wins.
    expect(seedEnv(none, { ...handed, KUBECONFIG: '/job' })).toEqual({ KUBECONFIG: virtual });
    // The virtual cluster's file is gone (post ran) or was cleared: nothing.
    expect(seedEnv(none, { EPHEMERAL_VCLUSTER_KUBECONFIG: join(dir, 'gone') })).toEqual({});
    expect(seedEnv(none, { EPHEMERAL_VCLUSTER_KUBECONFIG: '' })).toEqual({});
  });

  it('refuses a program that cannot be started before anything runs, naming the input', () => {
    expect(() => readSeedCommand('seed-command', 'no-such-program-xyz --flag', process.cwd())).toThrow(
      /^Input "seed-command": "no-such-program-xyz" is not a program on PATH.*Fix: install no-such-program-xyz/,
    );
    expect(() => readSeedCommand('seed-command', '[./missing.sh]', process.cwd())).toThrow(
      /"\.\/missing\.sh" is not an executable file/,
    );
    expect(readSeedCommand('seed-command', '[node, -e, "1"]', process.cwd())).toEqual(['node', '-e', '1']);
  });
});
