/** The HTTP probe: response checks, and localhost over IPv4 and IPv6. */
import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStatus } from '../../../../actions/shared/src/expect/http-status.js';
import { checkResponse, httpProbe } from '../../../../actions/wait-ready/src/probes/http.js';
import type { HttpSpec } from '../../../../actions/wait-ready/src/spec.js';

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
});
