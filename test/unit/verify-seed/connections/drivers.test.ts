/** The URL drivers (pg, mysql2, redis) against unreachable servers: bounded, password never shown. */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlConnection } from '../../../../actions/verify-seed/src/connections/mysql.js';
import { PostgresConnection } from '../../../../actions/verify-seed/src/connections/postgres.js';
import { RedisUrlConnection } from '../../../../actions/verify-seed/src/connections/redis.js';
import { ConnectionError } from '../../../../actions/verify-seed/src/connections/types.js';

const signal = () => new AbortController().signal;

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
