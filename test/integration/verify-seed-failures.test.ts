/**
 * verify-seed's failure modes, from the bundled dist under the runner harness, against loopback servers:
 * an unreachable database (refused, and one that accepts and never answers) fails within the global
 * deadline with a clear error per check, however many retries are allowed; an invalid spec fails before
 * anything connects, with an annotation at each file:line:col; a non-JSON HTTP body and a wrong value fail
 * naming the check, while the other checks still run; an HTTP isolation and fixture-version check passes.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobResult, runJob } from '../harness/job.js';
import { dump, repoRoot } from './helpers.js';

const jobs: JobResult[] = [];
let silent: net.Server;
let silentPort = 0;
let closedPort = 0;
let accepted = 0;
const sockets = new Set<net.Socket>();
let api: http.Server;
let apiPort = 0;

beforeAll(async () => {
  silent = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  api = http.createServer((req, res) => {
    if (req.url === '/env') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ environment: 'vs-http-env', fixture: { version: '3.1.4' }, peers: ['vs-http-env'] }),
      );
    } else if (req.url === '/html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><p>maintenance</p>');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiPort = (api.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await new Promise<void>((resolve) => api.close(() => resolve()));
  for (const job of jobs) await job.cleanup();
});

async function verify(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<JobResult> {
  const job = await runJob({
    repository: 'acme/verifyfail',
    workspace: repoRoot,
    env,
    steps: [{ id: 'verify', uses: 'verify-seed', with: inputs }],
  });
  jobs.push(job);
  return job;
}

describe('verify-seed failures', () => {
  it('an unreachable database fails within the deadline with a clear error per check, whatever the retries', async () => {
    const started = Date.now();
    const job = await verify(
      {
        checks: `
connections:
  refused: { kind: postgres, url: "postgres://app:\${DB_PASSWORD}@127.0.0.1:${closedPort}/app" }
  silent: { kind: postgres, url: "postgres://app:\${DB_PASSWORD}@127.0.0.1:${silentPort}/app" }
  silent-mysql: { kind: mysql, url: "mysql://app:\${DB_PASSWORD}@127.0.0.1:${silentPort}/app" }
  cache: { kind: redis, url: "redis://127.0.0.1:${closedPort}" }
checks:
  - { name: refused postgres, kind: sql, connection: refused, query: SELECT 1 }
  - { name: silent postgres, kind: sql, connection: silent, query: SELECT 1 }
  - { name: silent mysql, kind: sql, connection: silent-mysql, query: SELECT 1 }
  - { name: refused redis, kind: redis, connection: cache, key: k }
`,
        timeout: '6s',
        'check-timeout': '4s',
        retries: '1000',
        'retry-interval': '500ms',
      },
      { DB_PASSWORD: 'Unreachable-Pw-55' },
    );
    const elapsed = Date.now() - started;
    expect(job.status).toBe('failure');
    // the deadline (6 s) plus the runner's start-up, far from 1000 retries × 500 ms
    expect(elapsed).toBeLessThan(20_000);
    expect(job.steps[0]!.durationMs).toBeGreaterThanOrEqual(5500);
    expect(job.outputs('verify')).toMatchObject({ passed: '0', failed: '4' });
    const errors = Object.fromEntries(
      job.steps[0]!.annotations.filter((a) => a.message.startsWith('Check "')).map((a) => [
        /^Check "([^"]+)"/.exec(a.message)![1],
        a.message,
      ]),
    );
    expect(errors['refused postgres']).toMatch(
      new RegExp(
        `cannot reach connection "refused": cannot connect to postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/app: .*ECONNREFUSED`,
      ),
    );
    expect(errors['silent postgres']).toMatch(
      /(cannot reach|no answer from) connection "silent".*(timeout|within \d+ ms)/i,
    );
    expect(errors['silent mysql']).toMatch(
      /(cannot reach|no answer from) connection "silent-mysql".*(ETIMEDOUT|timeout|within \d+ ms)/i,
    );
    expect(errors['refused redis']).toMatch(
      /cannot reach connection "cache": cannot connect to redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
    );
    expect(accepted).toBeGreaterThan(1); // it really tried, more than once
    expect(job.summary).toMatch(
      /\| refused postgres \| sql \| the query runs \| error: cannot reach connection "refused"/,
    );
    expect(job.summary).toMatch(/\(\d+ attempts\) \|/);
    expect(job.logText()).not.toContain('Unreachable-Pw-55');
  });

  it('an invalid spec fails before anything connects, with an annotation at each file:line:col', async () => {
    const before = accepted;
    const job = await verify({ spec: 'test/fixtures/verify-seed/specs/bad-shape.yaml' });
    expect(job.status).toBe('failure');
    const annotations = job.steps[0]!.annotations.filter((a) => a.level === 'error');
    const located = annotations.filter(
      (a) => a.properties.file === 'test/fixtures/verify-seed/specs/bad-shape.yaml',
    );
    expect(located).toHaveLength(10);
    expect(located[0]).toMatchObject({
      properties: { line: '3', col: '11', title: 'verify-seed: invalid spec' },
    });
    expect(located[0]!.message).toContain(
      'connections.db.kind: a string ("postgress") is not allowed (did you mean "postgres"?)',
    );
    expect(located.find((a) => a.message.includes('"mongo"'))).toMatchObject({
      properties: { line: '15', col: '11' },
    });
    const failure = annotations.at(-1)!;
    expect(failure.message).toMatch(
      /^Input "spec": test\/fixtures\/verify-seed\/specs\/bad-shape.yaml is not a valid checks spec \(10 errors\):/,
    );
    expect(failure.message).toContain(
      'test/fixtures/verify-seed/specs/bad-shape.yaml:15:11: checks[1].kind: check "mongo"',
    );
    expect(job.logText()).not.toContain('Verifying');
    expect(accepted).toBe(before);
    // Even a bad input leaves a report and a status (issue 9, defect 5); it holds only the error.
    const out = job.outputs('verify');
    expect(out.status).toBe('error');
    const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
    expect(report.result).toBe('failure');
    expect(JSON.stringify(report)).toContain('is not a valid checks spec');
  });

  it('a non-JSON body and a wrong value fail naming the check; the other checks still run and pass', async () => {
    const job = await verify(
      {
        project: 'vs-http-env',
        checks: `
connections:
  api: { kind: http, url: "http://127.0.0.1:${apiPort}" }
checks:
  - { name: maintenance page, kind: http, path: /html, expect: { json: { status: ok } } }
  - { name: wrong environment field, kind: http, path: /env, expect: { jmespath: { expression: environment, equals: other-env } } }
  - { name: missing page, kind: http, path: /nope, expect: { status: 200 } }
  - { name: belongs to this environment, kind: isolation, path: /env, marker: environment, foreign: "^vs-" }
  - { name: fixture version from the api, kind: fixture-version, path: /env, jmespath: fixture.version, declared: { value: 3.1.4 } }
  - { name: fixture version of a stale api, kind: fixture-version, path: /env, jmespath: fixture.version, declared: { env: EXPECTED_FIXTURE } }
`,
      },
      { EXPECTED_FIXTURE: '3.2.0' },
    );
    expect(job.status, dump(job.logText())).toBe('failure');
    expect(job.outputs('verify')).toMatchObject({ passed: '2', failed: '4' });
    const message = (check: string) =>
      job.steps[0]!.annotations.find((a) => a.message.startsWith(`Check "${check}"`))?.message;
    expect(message('maintenance page')).toBe(
      `Check "maintenance page" (http) failed: GET http://127.0.0.1:${apiPort}/html: the body is not JSON (text/html; charset=utf-8): "<!doctype html><p>maintenance</p>"`,
    );
    expect(message('wrong environment field')).toBe(
      'Check "wrong environment field" (http) failed: jmespath environment: expected "other-env", got "vs-http-env"',
    );
    expect(message('missing page')).toBe('Check "missing page" (http) failed: status: expected 200, got 404');
    expect(message('fixture version of a stale api')).toBe(
      'Check "fixture version of a stale api" (fixture-version) failed: the environment holds fixture version "3.1.4" but env EXPECTED_FIXTURE declares "3.2.0": a stale seed image, or fixtures changed without bumping the version',
    );
    expect(message('belongs to this environment')).toBeUndefined();
    expect(job.summary).toContain(
      '| belongs to this environment | isolation | owner: names environment "vs-http-env"; foreign markers: none matching /^vs-/ except environment "vs-http-env" | owner: ["vs-http-env","3.1.4","vs-http-env"]; foreign markers: none | ✅ pass |',
    );
  });
});
