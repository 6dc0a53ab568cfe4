/** The HTTP connection: URL joining, request, bounded body, errors. */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindCheck } from '../../../../actions/verify-seed/src/checks/attempt.js';
import {
  FetchHttpConnection,
  joinUrl,
  MAX_BODY_BYTES,
} from '../../../../actions/verify-seed/src/connections/http.js';
import type { Check } from '../../../../actions/verify-seed/src/spec/types.js';

const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

const signal = () => new AbortController().signal;

/** A port nothing listens on. */
let closedPort = 0;
beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
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

describe('localhost: the shared rule (127.0.0.1, then ::1), as wait-ready reaches it', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('reaches an API listening on ::1 only through "localhost"', async () => {
    const server = http.createServer((_, res) => res.end(JSON.stringify({ family: 'v6' })));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await new FetchHttpConnection(`http://localhost:${port}`).request(
      { method: 'GET', path: '/health', headers: {} },
      signal(),
    );
    expect(response).toMatchObject({
      status: 200,
      body: '{"family":"v6"}',
      url: `http://localhost:${port}/health`,
    });
  });

  it('reports both refusals, by address, when nothing listens', async () => {
    await expect(
      new FetchHttpConnection(`http://localhost:${closedPort}`).request(
        { method: 'GET', path: '/', headers: {} },
        signal(),
      ),
    ).rejects.toThrow(
      new RegExp(
        `GET http://localhost:${closedPort}/: 127\\.0\\.0\\.1: fetch failed \\(ECONNREFUSED\\); ::1: fetch failed \\(ECONNREFUSED\\)`,
      ),
    );
  });
});
