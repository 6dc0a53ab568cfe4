/**
 * verify-seed's connection layer without containers: the command-line clients' argv (passwords only in the
 * environment) and output parsers (psql CSV, mysql XML, redis-cli JSON) on real output shapes; the drivers
 * against loopback sockets that refuse or never answer (bounded, passwords not in messages); HTTP against a
 * local server; and the scheduler's retries, per-attempt timeouts, deadline and parallelism.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../actions/shared/src/cli.js';
import { DockerCompose } from '../../actions/shared/src/compose.js';
import { execInServiceArgs } from '../../actions/shared/src/compose-exec.js';
import type { Evaluation, RunnableCheck } from '../../actions/verify-seed/src/checks/attempt.js';
import { bindCheck } from '../../actions/verify-seed/src/checks/attempt.js';
import { type Clock, MAX_PARALLEL, runAll, runCheck } from '../../actions/verify-seed/src/checks/schedule.js';
import {
  MysqlClientExecConnection,
  mysqlClientArgv,
  parseMysqlXml,
} from '../../actions/verify-seed/src/connections/exec/mysql-client.js';
import {
  NULL_SENTINEL,
  PsqlExecConnection,
  parseCsv,
  parsePsqlCsv,
  psqlArgv,
} from '../../actions/verify-seed/src/connections/exec/psql.js';
import {
  parseRedisCliJson,
  RedisCliExecConnection,
  redisCliArgv,
} from '../../actions/verify-seed/src/connections/exec/redis-cli.js';
import {
  ComposeServiceExec,
  type ServiceExec,
} from '../../actions/verify-seed/src/connections/exec/service-exec.js';
import {
  FetchHttpConnection,
  joinUrl,
  MAX_BODY_BYTES,
} from '../../actions/verify-seed/src/connections/http.js';
import { MysqlConnection } from '../../actions/verify-seed/src/connections/mysql.js';
import { PostgresConnection } from '../../actions/verify-seed/src/connections/postgres.js';
import { RedisUrlConnection } from '../../actions/verify-seed/src/connections/redis.js';
import {
  ConnectionError,
  RedisCommandError,
  SqlError,
} from '../../actions/verify-seed/src/connections/types.js';
import type { Check, SqlCheck } from '../../actions/verify-seed/src/spec/types.js';

const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };
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

describe('redis-cli in a service', () => {
  it('argv: --json, no -a (the password goes in REDISCLI_AUTH)', async () => {
    expect(redisCliArgv({ service: 'cache', user: 'u', database: '2', port: 6380 }, ['GET', 'k'])).toEqual([
      'redis-cli',
      '--json',
      '-h',
      '127.0.0.1',
      '-p',
      '6380',
      '--user',
      'u',
      '-n',
      '2',
      'GET',
      'k',
    ]);
    const { exec, calls } = fakeExec({ stdout: '"v"\n' });
    const session = await new RedisCliExecConnection(exec, { service: 'cache', password: 'redis-pw' }).open(
      signal(),
      5000,
    );
    expect(await session.command(['GET', 'k'])).toBe('v');
    expect(calls[0]!.env).toEqual({ REDISCLI_AUTH: 'redis-pw' });
    expect(calls[0]!.argv).not.toContain('redis-pw');
  });

  it('parses replies and error replies as redis-cli --json prints them', () => {
    expect(parseRedisCliJson('{"a":"1","b":"2"}\n', 'HGETALL')).toEqual({ a: '1', b: '2' });
    expect(parseRedisCliJson('["0",["h"]]', 'SCAN')).toEqual(['0', ['h']]);
    expect(parseRedisCliJson('null', 'GET')).toBeNull();
    expect(() =>
      parseRedisCliJson('error:"WRONGTYPE Operation against a key holding the wrong kind of value"', 'GET'),
    ).toThrow(
      new RedisCommandError('GET: WRONGTYPE Operation against a key holding the wrong kind of value'),
    );
    expect(() => parseRedisCliJson('(error) NOAUTH Authentication required.', 'TYPE')).toThrow(
      'TYPE: NOAUTH Authentication required.',
    );
  });

  it('a refused connection is a ConnectionError naming where', async () => {
    const { exec } = fakeExec({
      exitCode: 1,
      stdout: 'Could not connect to Redis at 127.0.0.1:6379: Connection refused',
    });
    const session = await new RedisCliExecConnection(exec, { service: 'cache' }).open(signal(), 5000);
    await expect(session.command(['TYPE', 'k'])).rejects.toThrow(
      /redis-cli in service cache of Compose project p: Could not connect/,
    );
  });
});

describe('docker compose exec', () => {
  it('passes variables by name only, so values stay out of argv', async () => {
    expect(
      execInServiceArgs({
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
      '--project-name',
      'env-1',
      '--file',
      '/a/compose.yaml',
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

/** A TCP server that accepts and never answers, and a port nothing listens on. */
let silent: net.Server;
let silentPort = 0;
let closedPort = 0;
const sockets = new Set<net.Socket>();
beforeAll(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('drivers against unreachable servers', () => {
  const options = (timeoutMs: number) => ({ readOnly: true, signal: signal(), timeoutMs });

  it.each([
    ['pg', () => new PostgresConnection({ url: `postgres://app:Secret-Pw-1@127.0.0.1:${closedPort}/app` })],
    ['mysql2', () => new MysqlConnection({ url: `mysql://app:Secret-Pw-1@127.0.0.1:${closedPort}/app` })],
  ])('%s: a refused connection fails fast with the target, not the password', async (_, make) => {
    const started = Date.now();
    const error = await make()
      .query('SELECT 1', [], options(5000))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`app:***@127.0.0.1:${closedPort}`);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toContain('Secret-Pw-1');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it.each([
    ['pg', () => new PostgresConnection({ url: `postgres://app:pw@127.0.0.1:${silentPort}/app` })],
    ['mysql2', () => new MysqlConnection({ url: `mysql://app:pw@127.0.0.1:${silentPort}/app` })],
  ])('%s: a server that never answers is given up within the timeout', async (_, make) => {
    const started = Date.now();
    const error = await make()
      .query('SELECT 1', [], options(800))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('redis: refused, and silent, both bounded', async () => {
    const refused = await new RedisUrlConnection({ url: `redis://:Secret-Pw-2@127.0.0.1:${closedPort}` })
      .open(signal(), 2000)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as Error).message).toContain(`redis://:***@127.0.0.1:${closedPort}`);
    expect((refused as Error).message).not.toContain('Secret-Pw-2');
    const started = Date.now();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const hung = await new RedisUrlConnection({ url: `redis://127.0.0.1:${silentPort}` })
      .open(controller.signal, 800)
      .catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(ConnectionError);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('http connection', () => {
  let server: http.Server;
  let base = '';
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/v1/html') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>hi</html>');
        } else if (req.url === '/v1/big') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`"${'x'.repeat(MAX_BODY_BYTES + 10)}"`);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    ['http://h:1', '/users', 'http://h:1/users'],
    ['http://h:1/v1', '/users?active=1', 'http://h:1/v1/users?active=1'],
    ['http://h:1/v1/', '/a/b', 'http://h:1/v1/a/b'],
  ])('%s + %s → %s', (b, path, url) => {
    expect(joinUrl(b, path).toString()).toBe(url);
  });

  it('sends method, headers (connection + check) and a JSON body under the base path', async () => {
    const conn = new FetchHttpConnection(base, { Authorization: 'Bearer t', 'X-A': '1' });
    const response = await conn.request(
      { method: 'POST', path: '/search?q=1', headers: { 'X-A': '2' }, body: { active: true } },
      signal(),
    );
    expect(response).toMatchObject({
      status: 200,
      body: '{"ok":true}',
      truncated: false,
      url: `${base}/search?q=1`,
    });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/search?q=1', body: '{"active":true}' });
    expect(seen.at(-1)!.headers).toMatchObject({
      authorization: 'Bearer t',
      'x-a': '2',
      'content-type': 'application/json',
    });
  });

  it('bounds the body at 1 MiB; an unreachable server is a ConnectionError', async () => {
    const big = await new FetchHttpConnection(base).request(
      { method: 'GET', path: '/big', headers: {} },
      signal(),
    );
    expect(big.truncated).toBe(true);
    expect(big.body.length).toBe(MAX_BODY_BYTES);
    await expect(
      new FetchHttpConnection(`http://127.0.0.1:${closedPort}`).request(
        { method: 'GET', path: '/', headers: {} },
        signal(),
      ),
    ).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/: fetch failed \(ECONNREFUSED\)/);
  });

  it('a non-JSON body fails the check with a clear error naming the request', async () => {
    const check: Check = {
      name: 'page',
      kind: 'http',
      connection: 'api',
      request: { method: 'GET', path: '/html', headers: {} },
      expect: { status: '200', json: { ok: true } },
      at,
    };
    const evaluation = await bindCheck(
      check,
      { kind: 'http', http: new FetchHttpConnection(base) },
      { environment: 'e', commit: '' },
    ).attempt(signal(), 2000);
    expect(evaluation.error).toBe(`GET ${base}/html: the body is not JSON (text/html): "<html>hi</html>"`);
  });
});

describe('errors name the check, the query and the server message', () => {
  it('an SQL error shows the query; a connection error names the connection', async () => {
    const check: SqlCheck = {
      name: 'users',
      kind: 'sql',
      connection: 'db',
      query: 'SELECT * FROM userz',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at,
    };
    const failing = (error: Error) => ({
      kind: 'sql' as const,
      sql: {
        kind: 'postgres' as const,
        target: 'postgres://app:***@h:1/app',
        query: async () => Promise.reject(error),
      },
    });
    const sqlError = await bindCheck(
      check,
      failing(new SqlError('relation "userz" does not exist (SQLSTATE 42P01)')),
      { environment: '', commit: '' },
    ).attempt(signal(), 1000);
    expect(sqlError.error).toBe(
      'SQL error from postgres://app:***@h:1/app: relation "userz" does not exist (SQLSTATE 42P01) — query: SELECT * FROM userz',
    );
    const down = await bindCheck(
      check,
      failing(new ConnectionError('cannot connect to postgres://app:***@h:1/app: ECONNREFUSED')),
      { environment: '', commit: '' },
    ).attempt(signal(), 1000);
    expect(down.error).toBe(
      'cannot reach connection "db": cannot connect to postgres://app:***@h:1/app: ECONNREFUSED',
    );
  });
});

/** A virtual clock: sleeping advances time at once. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function scripted(outcomes: boolean[], partial: Partial<SqlCheck> = {}): RunnableCheck & { calls: number } {
  const runnable = {
    calls: 0,
    check: {
      name: 'c',
      kind: 'sql',
      connection: 'db',
      query: 'q',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at,
      ...partial,
    } as SqlCheck,
    target: 't',
    expected: 'x',
    async attempt(): Promise<Evaluation> {
      const ok = outcomes[Math.min(runnable.calls, outcomes.length - 1)]!;
      runnable.calls++;
      return { assertions: [{ what: 'v', expected: '1', actual: ok ? '1' : '0', passed: ok }] };
    },
  };
  return runnable;
}

describe('retries, timeouts and the deadline', () => {
  const timing = { deadlineMs: 60_000, checkTimeoutMs: 5000, retries: 0, retryIntervalMs: 1000 };

  it('retries a failing check until it passes, retry-interval apart', async () => {
    const clock = virtualClock();
    const r = scripted([false, false, true]);
    const report = await runCheck(r, { ...timing, retries: 5 }, 0, clock);
    expect(report).toMatchObject({ passed: true, attempts: 3 });
    expect(clock.slept).toEqual([1000, 1000]);
  });

  it("gives up after 1 + retries attempts; a check's own retries and interval win", async () => {
    const clock = virtualClock();
    const r = scripted([false], { retries: 2, retryIntervalMs: 300 });
    const report = await runCheck(r, { ...timing, retries: 10 }, 0, clock);
    expect(report).toMatchObject({ passed: false, attempts: 3, error: 'v: expected 1, got 0' });
    expect(clock.slept).toEqual([300, 300]);
  });

  it('the deadline cuts retries short, and a check it leaves no time for is reported as not run', async () => {
    const clock = virtualClock();
    const r = scripted([false]);
    const report = await runCheck(r, { ...timing, deadlineMs: 2500, retries: 100 }, 0, clock);
    expect(report.attempts).toBe(3); // at 0, 1000 and 2000 ms; the sleep after is cut to the 500 ms left
    expect(clock.slept).toEqual([1000, 1000, 500]);
    const late = await runCheck(scripted([true]), { ...timing, deadlineMs: 2500 }, -5000, virtualClock());
    expect(late).toMatchObject({ passed: false, attempts: 0, actual: 'not run' });
  });

  it('an attempt that hangs is cut at the check timeout (real timers)', async () => {
    const hanging: RunnableCheck = {
      check: {
        name: 'h',
        kind: 'sql',
        connection: 'db',
        query: 'q',
        params: [],
        readOnly: true,
        expect: { ordered: false },
        at,
        timeoutMs: 200,
      },
      target: 't',
      expected: 'x',
      attempt: (abort) =>
        new Promise((resolve) =>
          abort.addEventListener('abort', () => setTimeout(() => resolve({ assertions: [] }), 5000)),
        ),
    };
    const started = Date.now();
    const report = await runCheck(hanging, timing, performance.now());
    expect(report.error).toBe(
      'no answer from connection "db" (t) within 200 ms (the check\'s timeout, or what was left of the deadline)',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('runs every check (one failing never stops the others), at most MAX_PARALLEL at a time, results in spec order', async () => {
    let running = 0;
    let peak = 0;
    const make = (ok: boolean, name: string) => {
      const r = scripted([ok], { name });
      const attempt = r.attempt.bind(r);
      r.attempt = async (...args) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const out = await attempt(...args);
        running--;
        return out;
      };
      return r;
    };
    const runnables = Array.from({ length: 9 }, (_, i) => make(i % 3 !== 1, `c${i}`));
    const reports = await runAll(runnables, timing, performance.now());
    expect(reports.map((r) => r.name)).toEqual(runnables.map((r) => r.check.name));
    expect(reports.map((r) => r.passed)).toEqual([true, false, true, true, false, true, true, false, true]);
    expect(peak).toBeLessThanOrEqual(MAX_PARALLEL);
    expect(peak).toBeGreaterThan(1);
  });
});
