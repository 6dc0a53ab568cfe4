/** TCP probe: a connection that opens counts as ready (`localhost` tries 127.0.0.1 and ::1). */
import net from 'node:net';
import type { AttemptResult, Probe } from '../poll.js';
import type { TcpSpec } from '../spec.js';
import { candidateAddresses } from './addresses.js';

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
      const errors: string[] = [];
      for (const address of candidateAddresses(spec.host)) {
        try {
          await connect(address, spec.port, signal);
          return { ok: true, detail: `connected to ${address}:${spec.port}` };
        } catch (error) {
          errors.push(`${address}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }
      return { ok: false, detail: errors.join('; ') };
    },
  };
}
