/** The TCP probe: localhost over IPv4 and IPv6, both refusals reported. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
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
