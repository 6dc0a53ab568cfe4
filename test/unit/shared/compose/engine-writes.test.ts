/**
 * A teardown's removals through the Engine API (compose/engine-writes.ts), on a real HTTP server listening
 * on a Unix socket: one request per resource with the CLI's options (stop's grace, rm's force and
 * anonymous volumes, images by tag), what counts as done (2xx, 304, 404), failure lines named like the CLI
 * step's with the engine's message, a deadline, and `Docker.remove` taking the same steps in the same order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Docker,
  type DockerResource,
  type Inventory,
  removalErrors,
} from '../../../../actions/shared/src/compose/docker.js';
import {
  EngineApi,
  EngineUnavailableError,
  withEngine,
} from '../../../../actions/shared/src/compose/engine.js';
import {
  removalCalls,
  removalDone,
  removeThroughEngine,
  startThroughEngine,
} from '../../../../actions/shared/src/compose/engine-writes.js';
import type { Runner } from '../../../../actions/shared/src/exec/cli.js';

const res = (kind: DockerResource['kind'], id: string, name = ''): DockerResource => ({
  kind,
  id,
  name,
  labels: {},
});

describe('removalCalls', () => {
  it('stop and rm carry the CLI options; networks by ID, volumes by name, images by each tag', () => {
    const c = [res('container', 'c1', 'web'), res('container', 'c2')];
    expect(removalCalls('stop', c, 7).map((x) => [x.method, x.path, x.query])).toEqual([
      ['POST', '/containers/c1/stop', { t: '7' }],
      ['POST', '/containers/c2/stop', { t: '7' }],
    ]);
    expect(removalCalls('container', c, 7).map((x) => [x.method, x.path, x.query])).toEqual([
      ['DELETE', '/containers/c1', { force: 'true', v: 'true' }],
      ['DELETE', '/containers/c2', { force: 'true', v: 'true' }],
    ]);
    expect(removalCalls('network', [res('network', 'n1', 'p_default')], 7)[0]).toMatchObject({
      path: '/networks/n1',
      shown: 'p_default',
    });
    expect(removalCalls('volume', [res('volume', 'p_data', 'p_data')], 7)[0]!.path).toBe('/volumes/p_data');
    expect(
      removalCalls(
        'image',
        [res('image', 'sha256:ab', 'p-api:latest p-api:v2'), res('image', 'sha256:cd')],
        7,
      ).map((x) => x.path),
    ).toEqual(['/images/p-api%3Alatest', '/images/p-api%3Av2', '/images/sha256%3Acd']);
  });

  it('done is 2xx, 304 (already stopped) and 404 (already gone), nothing else', () => {
    expect([200, 204, 304, 404].every(removalDone)).toBe(true);
    expect([403, 409, 500, 0].some(removalDone)).toBe(false);
  });
});

describe('removalErrors (the CLI path)', () => {
  const failed = (stderr: string) =>
    ({ exitCode: 1, stdout: '', stderr, durationMs: 5, timedOut: false, spawnError: null }) as never;
  it('already gone is done, also with the "exit status 1" line the CLI adds after network rm', () => {
    expect(
      removalErrors(
        'docker network rm',
        failed('Error response from daemon: network 0123 not found\nexit status 1\n'),
      ),
    ).toEqual([]);
    expect(removalErrors('docker volume rm', failed('Error: No such volume: v1\n'))).toEqual([]);
  });
  it('any other line is the failure, named by the step', () => {
    expect(
      removalErrors(
        'docker volume rm',
        failed('Error response from daemon: remove v1: volume is in use - [abc]\nexit status 1\n'),
      ),
    ).toEqual(['docker volume rm: Error response from daemon: remove v1: volume is in use - [abc]']);
  });
});

describe('removals on a socket', () => {
  let dir: string;
  let server: Server;
  let socketPath: string;
  const seen: string[] = [];
  let answer: (method: string, url: string) => { status: number; body?: string; delayMs?: number };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-writes-'));
    socketPath = join(dir, 'docker.sock');
    seen.length = 0;
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const { status, body = '', delayMs = 0 } = answer(req.method ?? '', req.url ?? '');
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(body), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts removed, already stopped and already gone as done; names each other failure with its message', async () => {
    answer = (_m, url) =>
      url.startsWith('/networks/n1')
        ? { status: 204 }
        : url.startsWith('/networks/n2')
          ? { status: 404, body: '{"message":"network n2 not found"}' }
          : {
              status: 403,
              body: '{"message":"error while removing network: network p_x has active endpoints"}',
            };
    const engine = new EngineApi(socketPath);
    const nets = [res('network', 'n1', 'p_a'), res('network', 'n2', 'p_b'), res('network', 'n3', 'p_x')];
    const failures = await removeThroughEngine(engine, 'network', nets, {
      stopTimeoutS: 10,
      timeoutMs: 5000,
    });
    expect(failures).toEqual([
      'docker network rm: p_x: error while removing network: network p_x has active endpoints (HTTP 403)',
    ]);
    expect(seen.sort()).toEqual(['DELETE /networks/n1', 'DELETE /networks/n2', 'DELETE /networks/n3']);
    answer = () => ({ status: 304 });
    expect(
      await removeThroughEngine(engine, 'stop', [res('container', 'c1')], {
        stopTimeoutS: 3,
        timeoutMs: 5000,
      }),
    ).toEqual([]);
    expect(seen.at(-1)).toBe('POST /containers/c1/stop?t=3');
  });

  it('starts containers with one POST each; already running is done, a refusal names the container and the message', async () => {
    answer = (_m, url) =>
      url.startsWith('/containers/c3/')
        ? { status: 500, body: '{"message":"Bind for 0.0.0.0:5432 failed: port is already allocated"}' }
        : url.startsWith('/containers/c2/')
          ? { status: 304 }
          : { status: 204 };
    const engine = new EngineApi(socketPath);
    await startThroughEngine(
      engine,
      [res('container', 'c1', 'p-db-1'), res('container', 'c2', 'p-cache-1')],
      5000,
    );
    expect(seen.sort()).toEqual(['POST /containers/c1/start', 'POST /containers/c2/start']);
    await expect(
      startThroughEngine(engine, [res('container', 'c1', 'p-db-1'), res('container', 'c3', 'p-api-1')], 5000),
    ).rejects.toThrow(
      '`docker container start p-api-1` failed (refused by the engine): Bind for 0.0.0.0:5432 failed: port is already allocated (HTTP 500)',
    );
  });

  it('a request past its deadline is a failure line; a socket nobody listens on is EngineUnavailableError', async () => {
    answer = () => ({ status: 204, delayMs: 500 });
    const lines = await removeThroughEngine(
      new EngineApi(socketPath),
      'volume',
      [res('volume', 'p_data', 'p_data')],
      {
        stopTimeoutS: 10,
        timeoutMs: 50,
      },
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^docker volume rm: p_data: .*timed out after 50 ms/);
    await expect(
      removeThroughEngine(new EngineApi(join(dir, 'none.sock')), 'volume', [res('volume', 'v')], {
        stopTimeoutS: 10,
        timeoutMs: 1000,
      }),
    ).rejects.toBeInstanceOf(EngineUnavailableError);
  });

  it('Docker.remove takes the CLI steps through the socket: stop, then rm beside the networks, then volumes and images', async () => {
    answer = () => ({ status: 204, delayMs: 20 });
    const cliCalls: string[][] = [];
    const cli: Runner = async (argv) => {
      cliCalls.push([...argv]);
      throw new Error('the CLI must not run');
    };
    const inv: Inventory = {
      container: [res('container', 'c1', 'p-web-1')],
      network: [res('network', 'n1', 'p_default')],
      volume: [res('volume', 'p_data', 'p_data')],
      image: [res('image', 'sha256:ab', 'p-api:latest')],
    };
    let during = 0;
    const failures = await new Docker(withEngine(cli, new EngineApi(socketPath))).remove(inv, {
      stopTimeoutS: 10,
      timeoutMs: 5000,
      whileRemoving: () => {
        during = seen.length;
      },
    });
    expect(failures).toEqual([]);
    expect(cliCalls).toEqual([]);
    expect(during).toBe(0); // called once the stop went out, before any answer
    expect(seen[0]).toBe('POST /containers/c1/stop?t=10');
    expect(seen.slice(1, 3).sort()).toEqual([
      'DELETE /containers/c1?force=true&v=true',
      'DELETE /networks/n1',
    ]);
    expect(seen.slice(3).sort()).toEqual(['DELETE /images/p-api%3Alatest', 'DELETE /volumes/p_data']);
  });

  it('Docker.remove falls back to the CLI when the socket cannot be reached, with the same steps', async () => {
    const cliCalls: string[][] = [];
    const cli: Runner = async (argv) => {
      cliCalls.push([...argv]);
      return {
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        spawnError: null,
      } as never;
    };
    const inv: Inventory = {
      container: [res('container', 'c1')],
      network: [],
      volume: [res('volume', 'v1', 'v1')],
      image: [],
    };
    const failures = await new Docker(withEngine(cli, new EngineApi(join(dir, 'none.sock')))).remove(inv, {
      stopTimeoutS: 10,
      timeoutMs: 5000,
    });
    expect(failures).toEqual([]);
    expect(cliCalls).toEqual([
      ['docker', 'container', 'stop', '--time', '10', 'c1'],
      ['docker', 'container', 'rm', '--force', '--volumes', 'c1'],
      ['docker', 'volume', 'rm', 'v1'],
    ]);
  });
});
