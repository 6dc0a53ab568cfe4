/** psql in a service: argv, CSV parsing, errors classified, the password out of argv. */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../actions/shared/src/exec/cli.js';
import {
  NULL_SENTINEL,
  PsqlExecConnection,
  parseCsv,
  parsePsqlCsv,
  psqlArgv,
} from '../../../../../actions/verify-seed/src/connections/exec/psql.js';
import type { ServiceExec } from '../../../../../actions/verify-seed/src/connections/exec/service-exec.js';
import { ConnectionError, SqlError } from '../../../../../actions/verify-seed/src/connections/types.js';

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

/** A ServiceExec answering with a fixed result and recording what it was asked. */
function fakeExec(answer: Partial<RunResult>) {
  const calls: Array<{ service: string; argv: readonly string[]; env: Record<string, string> }> = [];
  const exec: ServiceExec = {
    describe: (service) => `service ${service} of Compose project p`,
    run: async (service, argv, options) => {
      calls.push({ service, argv, env: options.env });
      return result(answer);
    },
  };
  return { exec, calls };
}

const signal = () => new AbortController().signal;

describe('psql in a service', () => {
  it('argv: a read-only transaction around one -c statement; no password in argv', () => {
    expect(
      psqlArgv({ service: 'db', user: 'app', database: 'shop', password: 'pw-x' }, 'SELECT 1', true),
    ).toEqual([
      'psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '--csv',
      '-P',
      `null=${NULL_SENTINEL}`,
      '-U',
      'app',
      '-d',
      'shop',
      '-c',
      'BEGIN TRANSACTION READ ONLY',
      '-c',
      'SELECT 1',
      '-c',
      'ROLLBACK',
    ]);
    expect(
      psqlArgv({ service: 'db', host: '127.0.0.1', port: 5433, client: '/usr/bin/psql' }, 'SELECT 1', false),
    ).toEqual([
      '/usr/bin/psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '--csv',
      '-P',
      `null=${NULL_SENTINEL}`,
      '-h',
      '127.0.0.1',
      '-p',
      '5433',
      '-c',
      'SELECT 1',
    ]);
  });

  it('parses CSV with quoted commas, quotes and newlines; the NULL sentinel vs an empty string', () => {
    expect(parseCsv('a,"b,c","d""e"\r\n"x\ny",,z\n')).toEqual([
      [
        { value: 'a', quoted: false },
        { value: 'b,c', quoted: true },
        { value: 'd"e', quoted: true },
      ],
      [
        { value: 'x\ny', quoted: true },
        { value: '', quoted: false },
        { value: 'z', quoted: false },
      ],
    ]);
    const out = `id,note,flag\n1,${NULL_SENTINEL},t\n2,,f\n3,"comma, ""q""\nnl",t\n`;
    expect(parsePsqlCsv(out)).toEqual({
      columns: ['id', 'note', 'flag'],
      rows: [
        ['1', null, 't'],
        ['2', '', 'f'],
        ['3', 'comma, "q"\nnl', 't'],
      ],
      columnsKnown: true,
    });
    expect(parsePsqlCsv('count\n')).toEqual({ columns: ['count'], rows: [], columnsKnown: true });
  });

  it('password and read-only options go through the environment; errors are classified', async () => {
    const ok = fakeExec({ stdout: 'n\n3\n' });
    const conn = new PsqlExecConnection(ok.exec, { service: 'db', user: 'app', password: 'pw-in-env' });
    expect(
      await conn.query('SELECT count(*) AS n FROM t', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 5000,
      }),
    ).toEqual({
      columns: ['n'],
      rows: [['3']],
      columnsKnown: true,
    });
    expect(ok.calls[0]!.env).toEqual({
      PGCONNECT_TIMEOUT: '5',
      PGPASSWORD: 'pw-in-env',
      PGOPTIONS: '-c default_transaction_read_only=on',
    });
    expect(ok.calls[0]!.argv.join(' ')).not.toContain('pw-in-env');
    expect(conn.target).toBe('psql in service db of Compose project p');

    const sqlError = fakeExec({
      exitCode: 1,
      stderr: 'ERROR:  relation "userz" does not exist\nLINE 1: SELECT * FROM userz\n',
    });
    await expect(
      new PsqlExecConnection(sqlError.exec, { service: 'db' }).query('SELECT * FROM userz', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 1000,
      }),
    ).rejects.toThrow(new SqlError('ERROR: relation "userz" does not exist LINE 1: SELECT * FROM userz'));
    const noServer = fakeExec({
      exitCode: 2,
      stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed',
    });
    await expect(
      new PsqlExecConnection(noServer.exec, { service: 'db' }).query('SELECT 1', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 1000,
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
    const notRunning = fakeExec({ exitCode: 1, stderr: 'service "db" is not running' });
    await expect(
      new PsqlExecConnection(notRunning.exec, { service: 'db' }).query('SELECT 1', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 1000,
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
    await expect(
      conn.query('SELECT $1', [1], { readOnly: true, signal: signal(), timeoutMs: 1000 }),
    ).rejects.toThrow('cannot bind parameters');
  });
});
