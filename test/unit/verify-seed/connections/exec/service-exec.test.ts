/** docker compose exec: variables by name only. */
import { describe, expect, it } from 'vitest';
import { DockerCompose, execArgs } from '../../../../../actions/shared/src/compose/compose.js';
import type { RunOptions, RunResult } from '../../../../../actions/shared/src/exec/cli.js';
import { ComposeServiceExec } from '../../../../../actions/verify-seed/src/connections/exec/service-exec.js';

const result = (partial: Partial<RunResult>): RunResult => ({
  argv: [],
  exitCode: 0,
  stdout: '',
  stderr: '',
  durationMs: 5,
  timedOut: false,
  truncated: false,
  ...partial,
});

describe('docker compose exec', () => {
  it('passes variables by name only, so values stay out of argv', async () => {
    expect(
      execArgs({
        service: 'db',
        argv: ['psql', '-c', 'SELECT 1'],
        envNames: ['PGPASSWORD'],
        user: 'postgres',
      }),
    ).toEqual(['exec', '-T', '-e', 'PGPASSWORD', '--user', 'postgres', '--', 'db', 'psql', '-c', 'SELECT 1']);
    const seen: Array<{ argv: readonly string[]; options?: RunOptions }> = [];
    const compose = new DockerCompose(
      { argv: ['docker', 'compose'], version: '2.26.1' },
      async (argv, options) => {
        seen.push({ argv, ...(options ? { options } : {}) });
        return result({ argv: [...argv] });
      },
    );
    await new ComposeServiceExec(compose, { name: 'env-1', files: ['/a/compose.yaml'] }).run('db', ['psql'], {
      env: { PGPASSWORD: 'pw-9' },
      timeoutMs: 1000,
      maxStdoutBytes: 10,
    });
    expect(seen[0]!.argv).toEqual([
      'docker',
      'compose',
      '--project-name=env-1',
      '--file=/a/compose.yaml',
      'exec',
      '-T',
      '-e',
      'PGPASSWORD',
      '--',
      'db',
      'psql',
    ]);
    expect(seen[0]!.options).toMatchObject({ env: { PGPASSWORD: 'pw-9' }, timeoutMs: 1000 });
  });
});
