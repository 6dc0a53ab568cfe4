/** Loopback stand-ins for broken servers: one that accepts and never answers, and a port nothing serves. */
import net, { type AddressInfo } from 'node:net';

/** A TCP server on 127.0.0.1 that accepts connections and never answers (a frozen server). */
export interface SilentServer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a `SilentServer` on an ephemeral port. */
export async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port that was free a moment ago: connecting to it is refused (a stopped server). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
