/** The mysql/mariadb client in a service: argv, XML parsing, errors classified. */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../actions/shared/src/exec/cli.js';
import {
  MysqlClientExecConnection,
  mysqlClientArgv,
  parseMysqlXml,
} from '../../../../../actions/verify-seed/src/connections/exec/mysql-client.js';
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

describe('the mysql/mariadb client in a service', () => {
  it('argv: SET SESSION + START TRANSACTION READ ONLY around the statement; password in MYSQL_PWD', async () => {
    expect(
      mysqlClientArgv(
        { service: 'mdb', client: 'mariadb', user: 'shop', database: 'shop' },
        'SELECT 1',
        true,
        5,
      ),
    ).toEqual([
      'mariadb',
      '--xml',
      '--batch',
      '--connect-timeout=5',
      '-u',
      'shop',
      '-D',
      'shop',
      '-e',
      'SET SESSION TRANSACTION READ ONLY; START TRANSACTION READ ONLY; SELECT 1; ROLLBACK',
    ]);
    const { exec, calls } = fakeExec({
      stdout: '<?xml version="1.0"?>\n<resultset statement="x"></resultset>\n',
    });
    await new MysqlClientExecConnection(exec, { service: 'mdb', client: 'mysql', password: 'pw-2' }).query(
      'SELECT 1',
      [],
      { readOnly: false, signal: signal(), timeoutMs: 3000 },
    );
    expect(calls[0]!.env).toEqual({ MYSQL_PWD: 'pw-2' });
    expect(calls[0]!.argv.at(-1)).toBe('SELECT 1');
  });

  it('parses --xml output: NULL (xsi:nil) apart from the text "NULL", entities decoded', () => {
    const xml = `<?xml version="1.0"?>

<resultset statement="SELECT * FROM items" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <row>
	<field name="id">1</field>
	<field name="name">a&apos;b &lt;&amp;&gt; &#233;</field>
	<field name="note" xsi:nil="true" />
  </row>

  <row>
	<field name="id">2</field>
	<field name="name"></field>
	<field name="note">NULL</field>
  </row>
</resultset>
`;
    expect(parseMysqlXml(xml)).toEqual({
      columns: ['id', 'name', 'note'],
      rows: [
        ['1', "a'b <&> é", null],
        ['2', '', 'NULL'],
      ],
      columnsKnown: true,
    });
    expect(parseMysqlXml('<resultset statement="SELECT 1 WHERE false\n" xmlns:xsi="x"></resultset>')).toEqual(
      {
        columns: [],
        rows: [],
        columnsKnown: false,
      },
    );
  });

  it('classifies connection errors apart from SQL errors', async () => {
    const denied = fakeExec({
      exitCode: 1,
      stderr: "ERROR 1045 (28000): Access denied for user 'shop'@'localhost' (using password: YES)",
    });
    await expect(
      new MysqlClientExecConnection(denied.exec, { service: 'm', client: 'mariadb' }).query('SELECT 1', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 1000,
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
    const ro = fakeExec({
      exitCode: 1,
      stderr: 'ERROR 1792 (25006) at line 1: Cannot execute statement in a READ ONLY transaction',
    });
    await expect(
      new MysqlClientExecConnection(ro.exec, { service: 'm', client: 'mariadb' }).query('DELETE FROM t', [], {
        readOnly: true,
        signal: signal(),
        timeoutMs: 1000,
      }),
    ).rejects.toThrow(
      new SqlError('ERROR 1792 (25006) at line 1: Cannot execute statement in a READ ONLY transaction'),
    );
  });
});
