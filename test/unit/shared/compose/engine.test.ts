/**
 * The Engine API client on a real HTTP server listening on a Unix socket: answers and their statuses, the
 * filters as the CLI sends them, errors that name the request, a deadline, and the fall-back to the CLI
 * when the socket cannot be reached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectContainers } from '../../../../actions/shared/src/compose/containers.js';
import { Docker } from '../../../../actions/shared/src/compose/docker.js';
import {
  EngineApi,
  EngineUnavailableError,
  engineFor,
  filtersQuery,
  viaEngine,
  withEngine,
} from '../../../../actions/shared/src/compose/engine.js';
import type { Runner } from '../../../../actions/shared/src/exec/cli.js';
import { run } from '../../../../actions/shared/src/exec/cli.js';
import { runResult } from '../../helpers.js';

describe('the Engine API client', () => {
  let dir: string;
  let server: Server;
  let socketPath: string;
  const seen: string[] = [];
  let answer: (url: string) => { status: number; body: string; delayMs?: number };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-'));
    socketPath = join(dir, 'docker.sock');
    seen.length = 0;
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const { status, body, delayMs = 0 } = answer(req.url ?? '');
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the filters as the CLI does and returns the parsed answer; 404 is an answer', async () => {
    answer = (url) =>
      url.startsWith('/containers/json')
        ? { status: 200, body: '[{"Id":"a"}]' }
        : { status: 404, body: '{"message":"No such container: x"}' };
    const engine = new EngineApi(socketPath);
    const list = await engine.getJson('/containers/json', {
      all: '1',
      ...filtersQuery({ label: ['a=b', 'c'] }),
    });
    expect(list).toEqual([{ Id: 'a' }]);
    const url = new URL(seen[0]!, 'http://d');
    expect(url.searchParams.get('all')).toBe('1');
    expect(JSON.parse(url.searchParams.get('filters')!)).toEqual({ label: { 'a=b': true, c: true } });
    expect(await engine.get('/containers/x/json')).toEqual({
      status: 404,
      body: { message: 'No such container: x' },
    });
    expect(filtersQuery({ label: [] })).toEqual({});
  });

  it('an error status throws, naming the request, the status and the engine message', async () => {
    answer = () => ({ status: 500, body: '{"message":"engine is sad"}' });
    await expect(new EngineApi(socketPath).getJson('/version')).rejects.toThrow(
      /docker-engine-api GET \/version.*HTTP 500.*engine is sad/,
    );
  });

  it('a deadline: an answer slower than timeoutMs is an error', async () => {
    answer = () => ({ status: 200, body: '{}', delayMs: 2000 });
    await expect(new EngineApi(socketPath).get('/version', {}, 100)).rejects.toThrow(
      /timed out after 100 ms/,
    );
  });

  it('a socket nobody listens on is EngineUnavailableError', async () => {
    await expect(new EngineApi(join(dir, 'none.sock')).get('/version')).rejects.toBeInstanceOf(
      EngineUnavailableError,
    );
  });

  it('reads go through the engine bound to a runner, and through the CLI for a plain scripted runner', async () => {
    answer = (url) =>
      url.startsWith('/containers/json')
        ? { status: 200, body: '[{"Id":"c1"}]' }
        : {
            status: 200,
            body: JSON.stringify({
              Id: 'c1',
              Name: '/p-web-1',
              Config: { Labels: { 'com.docker.compose.service': 'web' } },
              State: { Status: 'running' },
            }),
          };
    const calls: string[][] = [];
    const scripted: Runner = async (argv) => {
      calls.push([...argv]);
      throw new Error('no docker process expected');
    };
    const runner = withEngine(scripted, new EngineApi(socketPath));
    const [web] = await projectContainers('p', runner);
    expect(web).toMatchObject({ id: 'c1', name: 'p-web-1', service: 'web', state: 'running' });
    expect(calls).toEqual([]);
    expect(engineFor(scripted)).toBeNull();
    expect(engineFor(run)).not.toBeUndefined();
  });

  it('once the socket cannot be reached, the CLI answers, now and for every later read', async () => {
    const engine = new EngineApi(join(dir, 'none.sock'));
    const calls: string[][] = [];
    const runner = withEngine(async (argv) => {
      calls.push([...argv]);
      return runResult('v1\tn1\n');
    }, engine);
    const inv = await new Docker(runner).inventory({ network: ['x=y'] });
    expect(inv.network.map((n) => n.id)).toEqual(['v1']);
    expect(engine.unavailable).toBe(true);
    expect(engineFor(runner)).toBeNull();
    await viaEngine(
      runner,
      async () => 'api',
      async () => 'cli',
    ).then((v) => expect(v).toBe('cli'));
    expect(calls).toHaveLength(1);
  });

  it('an engine error other than an unreachable socket is not hidden by the CLI', async () => {
    answer = () => ({ status: 500, body: 'boom' });
    const runner = withEngine(async () => runResult(''), new EngineApi(socketPath));
    await expect(new Docker(runner).inventory({ volume: ['a'] })).rejects.toThrow(
      /GET \/volumes.*HTTP 500.*boom/,
    );
  });
});
