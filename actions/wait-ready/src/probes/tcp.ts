/** TCP probe: a connection that opens counts as ready (the shared localhost rule: 127.0.0.1, then ::1). */
import net from 'node:net';
import { firstReachable, socketReason } from '../../../shared/src/net/localhost.js';
import type { AttemptResult, Probe } from '../poll.js';
import type { TcpSpec } from '../spec.js';

function connect(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = () => {
      socket.destroy();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}

/** Builds the probe. */
export function tcpProbe(spec: TcpSpec): Probe {
  return {
    name: spec.name,
    kind: 'tcp',
    target: `${spec.host}:${spec.port}`,
    async attempt(signal): Promise<AttemptResult> {
      try {
        const address = await firstReachable(
          spec.host,
          async (a) => {
            await connect(a, spec.port, signal);
            return a;
          },
          socketReason,
        );
        return { ok: true, detail: `connected to ${address}:${spec.port}` };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
