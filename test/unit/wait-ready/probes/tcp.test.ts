/**
 * The TCP probe: localhost over IPv4 and IPv6, both refusals reported; on a Compose service the container's
 * own address (a refusal there is definitive), and the published port with the proxy check as a fallback.
 */
import type http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import net, { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpProbe } from '../../../../actions/wait-ready/src/probes/tcp.js';

describe('localhost tries IPv4 and IPv6 (wait-on#109)', () => {
  const servers: Array<http.Server | net.Server> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
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

describe('TCP probe on a Compose service: the container address, not the port proxy', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const listen = (onConnection: (socket: import('node:net').Socket) => void) =>
    new Promise<number>((resolve) => {
      const server = createServer(onConnection);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const signal = new AbortController().signal;

  it('connects to the container address: a refusal there means nothing listens, whatever the proxy says', async () => {
    const proxy = await listen((s) => s.destroy());
    const closed = await listen(() => {});
    await new Promise<void>((r) => servers.pop()!.close(() => r())); // now nothing listens on `closed`
    const probe = tcpProbe(
      { kind: 'tcp', name: 'tcp#1', host: '127.0.0.1', port: proxy, service: 'db', targetPort: closed },
      async () => ['127.0.0.1'],
    );
    const result = await probe.attempt(signal);
    expect(result).toMatchObject({ ok: false });
    expect(result.detail).toMatch(
      /nothing listens on port \d+ in db: its container address 127\.0\.0\.1 refused/,
    );
  });

  it('a listening container address is ready', async () => {
    const port = await listen(() => {});
    const probe = tcpProbe(
      { kind: 'tcp', name: 'tcp#1', host: '127.0.0.1', port: 1, service: 'db', targetPort: port },
      async () => ['127.0.0.1'],
    );
    expect((await probe.attempt(signal)).ok).toBe(true);
  });

  it('unreachable container addresses: falls back to the published port and detects the proxy closing at once', async () => {
    const proxy = await listen((s) => s.end());
    const probe = tcpProbe(
      { kind: 'tcp', name: 'tcp#1', host: '127.0.0.1', port: proxy, service: 'db', targetPort: 5432 },
      // The limited broadcast address cannot be connected to (ENETUNREACH), like a bridge network the runner
      // cannot route to.
      async () => ['255.255.255.255'],
    );
    const result = await probe.attempt(signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/accepted the connection and closed it at once: nothing listens/);
    const holding = await listen(() => {});
    const ok = tcpProbe(
      { kind: 'tcp', name: 'tcp#2', host: '127.0.0.1', port: holding, service: 'db', targetPort: 5432 },
      async () => ['255.255.255.255'],
    );
    expect((await ok.attempt(signal)).ok).toBe(true);
  });
});
