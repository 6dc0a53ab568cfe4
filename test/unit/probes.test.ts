import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { commitMatches, subsetMismatch } from '../../actions/shared/src/expect.js';
import { type Clock, nextInterval, type Probe, pollProbe } from '../../actions/wait-ready/src/poll.js';
import { candidateAddresses } from '../../actions/wait-ready/src/probes/addresses.js';
import { checkResponse, httpProbe } from '../../actions/wait-ready/src/probes/http.js';
import { tcpProbe } from '../../actions/wait-ready/src/probes/tcp.js';
import type { HttpSpec } from '../../actions/wait-ready/src/spec.js';
import { parseStatus } from '../../actions/wait-ready/src/status.js';

/** A virtual clock: sleep advances time instantly. */
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

function scripted(results: boolean[], clock: Clock, costMs = 0): Probe & { calls: number } {
  const probe = {
    name: 'p',
    kind: 'tcp',
    target: 't',
    calls: 0,
    async attempt() {
      const ok = results[Math.min(probe.calls, results.length - 1)]!;
      probe.calls++;
      await clock.sleep(costMs);
      return { ok, detail: ok ? 'up' : 'refused' };
    },
  };
  return probe;
}

const timing = {
  deadlineMs: 60_000,
  attemptTimeoutMs: 5000,
  intervalMs: 1000,
  maxIntervalMs: 4000,
  backoff: 2,
  consecutive: 1,
};

describe('poll engine', () => {
  it('backs off by the factor and caps at max-interval', () => {
    expect([0, 1, 2, 3, 4].map((n) => nextInterval(timing, n))).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(nextInterval({ ...timing, backoff: 1 }, 10)).toBe(1000);
  });

  it('sleeps interval × backoff^n between failures, and stops at the first success', async () => {
    const clock = virtualClock();
    const probe = scripted([false, false, false, true], clock);
    const outcome = await pollProbe(probe, timing, 0, clock);
    expect(outcome).toMatchObject({ ready: true, attempts: 4, timeToReadyMs: 7000, last: 'up' });
    expect(clock.slept.filter((ms) => ms > 0)).toEqual([1000, 2000, 4000]);
  });

  it('counts the attempt time into the interval (no drift)', async () => {
    const clock = virtualClock();
    const probe = scripted([false, false, true], clock, 300);
    await pollProbe(probe, { ...timing, backoff: 1 }, 0, clock);
    expect(clock.slept.filter((ms) => ms !== 300)).toEqual([700, 700]);
  });

  it('needs `consecutive` successes in a row', async () => {
    const clock = virtualClock();
    const probe = scripted([true, false, true, true, true], clock);
    const outcome = await pollProbe(probe, { ...timing, consecutive: 3, backoff: 1 }, 0, clock);
    expect(outcome.attempts).toBe(5);
    expect(outcome.ready).toBe(true);
  });

  it('gives up at the deadline with the last error', async () => {
    const clock = virtualClock();
    const probe = scripted([false], clock);
    const outcome = await pollProbe(probe, { ...timing, deadlineMs: 10_000 }, 0, clock);
    expect(outcome.ready).toBe(false);
    expect(outcome.timeToReadyMs).toBeNull();
    expect(outcome.last).toBe('refused');
    expect(clock.now()).toBeLessThanOrEqual(10_000);
    expect(outcome.attempts).toBe(4); // at 0, 1, 3 and 7 s; the next would be at 15 s, past the deadline
  });

  it('bounds a hanging attempt by attempt-timeout', async () => {
    const hanging: Probe = { name: 'h', kind: 'http', target: 'x', attempt: () => new Promise(() => {}) };
    const started = Date.now();
    const outcome = await pollProbe(
      hanging,
      { ...timing, deadlineMs: 400, attemptTimeoutMs: 100, intervalMs: 50, maxIntervalMs: 50, backoff: 1 },
      performance.now(),
    );
    expect(outcome.ready).toBe(false);
    expect(outcome.last).toMatch(/timed out after \d+ ms/);
    expect(outcome.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('expectations', () => {
  it.each([
    [{ a: 1, b: { c: 'x', d: 2 } }, { b: { c: 'x' } }, null],
    [{ a: 1 }, { a: 2 }, '$.a: expected 2, got 1'],
    [{ a: 1 }, { b: 1 }, '$.b: missing'],
    [{ a: [1, 2] }, { a: [1] }, '$.a: expected 1 items, got 2'],
    [{ a: 'x' }, { a: { b: 1 } }, '$.a: expected an object, got string "x"'],
    [[{ id: 1 }], [{ id: 1 }], null],
  ])('subsetMismatch(%j, %j) = %j', (actual, expected, result) => {
    expect(subsetMismatch(actual, expected)).toBe(result);
  });

  it.each([
    ['0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567', true],
    ['0123456', '0123456789abcdef0123456789abcdef01234567', true],
    ['0123456789ABCDEF0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567', true],
    ['012345', '0123456789abcdef0123456789abcdef01234567', false],
    ['dev', '0123456789abcdef0123456789abcdef01234567', false],
    ['1123456', '0123456789abcdef0123456789abcdef01234567', false],
  ])('commitMatches(%s, %s) = %s', (value, sha, expected) => {
    expect(commitMatches(value, sha)).toBe(expected);
  });

  it.each([
    ['200', 200, true],
    ['200', 201, false],
    ['2xx', 299, true],
    ['2xx', 300, false],
    ['200-399', 302, true],
    ['200, 204', 204, true],
    ['200 204', 500, false],
  ])('status %j matches %i: %s', (text, status, expected) => {
    expect(parseStatus('expect-status', text).matches(status)).toBe(expected);
  });
});

describe('HTTP response checks', () => {
  const sha = 'abcdef0123456789abcdef0123456789abcdef01';
  const spec = (extra: Partial<HttpSpec>): HttpSpec => ({
    kind: 'http',
    name: 'u',
    url: 'http://x/',
    status: parseStatus('s', '200'),
    headers: {},
    insecureTls: false,
    ...extra,
  });
  const res = (status: number, body: unknown, headers = {}) => ({
    status,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });

  it.each([
    [spec({}), res(200, 'hello'), null],
    [spec({}), res(503, {}), 'status 503, expected 200'],
    [spec({ json: { status: 'ok' } }), res(200, { status: 'ok', db: 'up' }), null],
    [
      spec({ json: { status: 'ok' } }),
      res(200, { status: 'degraded' }),
      'JSON $.status: expected "ok", got "degraded"',
    ],
    [spec({ json: { status: 'ok' } }), res(200, '<html>'), 'status 200 but the body is not JSON: <html>'],
    [
      spec({ jmespath: { expression: "checks[?name=='db'].ok | [0]", equals: true } }),
      res(200, { checks: [{ name: 'db', ok: true }] }),
      null,
    ],
    [spec({ jmespath: { expression: 'db' } }), res(200, { db: null }), 'JMESPath "db" is null'],
    [spec({ commit: sha }), res(200, { version: { commit: sha } }), null],
    [spec({ commit: sha }), res(200, { commit: sha.slice(0, 7) }), null],
    [spec({ commit: sha }), res(200, { commit: '1111111' }), /does not name commit abcdef012345/],
    [
      spec({ commit: sha, commitPath: 'build.sha' }),
      res(200, { build: { sha: 'dev' }, other: sha }),
      /commit at "build.sha" is "dev"/,
    ],
    [spec({ commit: sha }), res(200, 'ok', { 'x-commit': sha }), null],
  ])('%#', (s, r, expected) => {
    const result = checkResponse(s, r);
    if (expected instanceof RegExp) expect(result).toMatch(expected);
    else expect(result).toBe(expected);
  });
});

describe('localhost tries IPv4 and IPv6 (wait-on#109)', () => {
  const servers: Array<http.Server | net.Server> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('orders 127.0.0.1 before ::1 for localhost only', () => {
    expect(candidateAddresses('localhost')).toEqual(['127.0.0.1', '::1']);
    expect(candidateAddresses('[::1]')).toEqual(['::1']);
    expect(candidateAddresses('db.internal')).toEqual(['db.internal']);
  });

  it('reaches an HTTP server listening on ::1 only through "localhost"', async () => {
    const server = http.createServer((_, res) => res.end(JSON.stringify({ status: 'ok' })));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = httpProbe({
      kind: 'http',
      name: 'v6',
      url: `http://localhost:${port}/health`,
      status: parseStatus('s', '200'),
      json: { status: 'ok' },
      headers: {},
      insecureTls: false,
    });
    const result = await probe.attempt(AbortSignal.timeout(2000));
    expect(result).toMatchObject({ ok: true });
  });

  it('reaches a TCP server on ::1 only through "localhost", and reports both refusals when down', async () => {
    const server = net.createServer((socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(
      await tcpProbe({ kind: 'tcp', name: 't', host: 'localhost', port }).attempt(AbortSignal.timeout(2000)),
    ).toMatchObject({ ok: true });
    await new Promise((r) => server.close(r));
    servers.pop();
    const down = await tcpProbe({ kind: 'tcp', name: 't', host: 'localhost', port }).attempt(
      AbortSignal.timeout(2000),
    );
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/127\.0\.0\.1: ECONNREFUSED; ::1: ECONNREFUSED/);
  });
});

describe('poll engine: the deadline never hides the last real answer', () => {
  it('keeps the last response when the final attempt is cut short by the deadline', async () => {
    let calls = 0;
    const probe: Probe = {
      name: 'slow-at-the-end',
      kind: 'http',
      target: 'x',
      attempt: () => {
        calls++;
        return calls === 1 ? Promise.resolve({ ok: false, detail: 'status 404' }) : new Promise(() => {});
      },
    };
    const outcome = await pollProbe(
      probe,
      {
        deadlineMs: 300,
        attemptTimeoutMs: 5000,
        intervalMs: 100,
        maxIntervalMs: 100,
        backoff: 1,
        consecutive: 1,
      },
      performance.now(),
    );
    expect(outcome.ready).toBe(false);
    expect(calls).toBe(2);
    expect(outcome.last).toBe('status 404');
  });
});
