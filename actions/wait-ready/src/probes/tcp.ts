/**
 * TCP probe. For a plain address, a connection that opens counts as ready (the shared localhost rule:
 * 127.0.0.1, then ::1). For a Compose service (`{db:5432}`, or a host:port a service publishes), an open
 * connection on the published port proves nothing: Docker's userland proxy accepts it even when no process
 * in the container listens, then closes it. So the probe connects to the container's own address on its
 * network and the container port, where a refusal is definitive ("nothing listens"). Where the container's
 * network cannot be reached from the runner (a job running in a container), it falls back to the published
 * port and counts a connection the peer closes within `PROXY_HOLD_MS` without a byte as "nothing listens".
 */
import net from 'node:net';
import { firstReachable, socketReason } from '../../../shared/src/net/localhost.js';
import type { AttemptResult, Probe } from '../poll.js';
import type { TcpSpec } from '../spec.js';

/** How long a connection through a port proxy is held to see whether the proxy closes it, in ms. */
export const PROXY_HOLD_MS = 100;
/** Connect timeout towards a container address (an unreachable network times out instead of refusing), in ms. */
export const DIRECT_CONNECT_MS = 1000;

/** The container addresses of a Compose service (its IPs on its networks); empty when none runs. */
export type AddressLookup = (service: string) => Promise<string[]>;

/** Thrown when the peer accepted the connection and closed it at once, without a byte. */
class ClosedAtOnce extends Error {
  override readonly name = 'ClosedAtOnce';
}

/**
 * Opens a connection; with `holdMs` > 0 keeps it open that long and fails when the peer closes it first
 * without sending anything (a port proxy with nothing behind it).
 * @throws the socket error (`ECONNREFUSED`, `ETIMEDOUT` after `timeoutMs`, …) or `ClosedAtOnce`
 */
function connect(
  host: string,
  port: number,
  signal: AbortSignal,
  options: { holdMs: number; timeoutMs?: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let connected = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs)
      timer = setTimeout(
        () => finish(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
        options.timeoutMs,
      );
    socket.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      if (options.holdMs <= 0) return finish();
      // Held open: a peer that answers or keeps it open listens; a proxy with nothing behind it closes at once.
      timer = setTimeout(() => finish(), options.holdMs);
      socket.once('data', () => finish());
      socket.once('end', () => finish(new ClosedAtOnce('accepted, then closed at once')));
      socket.once('close', () => finish(new ClosedAtOnce('accepted, then closed at once')));
    });
    socket.once('error', (error) => finish(connected ? new ClosedAtOnce('accepted, then reset') : error));
  });
}

/** The published address, plain (`holdMs` 0) or watching for a port proxy's immediate close. */
async function published(spec: TcpSpec, signal: AbortSignal, holdMs: number): Promise<AttemptResult> {
  try {
    const address = await firstReachable(
      spec.host,
      async (a) => {
        await connect(a, spec.port, signal, { holdMs });
        return a;
      },
      (error) =>
        error instanceof ClosedAtOnce
          ? "accepted the connection and closed it at once: nothing listens behind the published port (Docker's port proxy accepts every connection)"
          : socketReason(error),
    );
    return { ok: true, detail: `connected to ${address}:${spec.port}` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One attempt at the service's container addresses: ready, a definitive refusal, or null when none of
 * them could be reached (then the caller falls back to the published port).
 */
async function direct(
  spec: TcpSpec & { service: string; targetPort: number },
  addresses: string[],
  signal: AbortSignal,
  errors: string[],
): Promise<AttemptResult | null> {
  for (const address of addresses) {
    try {
      await connect(address, spec.targetPort, signal, { holdMs: 0, timeoutMs: DIRECT_CONNECT_MS });
      return {
        ok: true,
        detail: `${spec.service} accepts connections on ${address}:${spec.targetPort} (published as ${spec.host}:${spec.port})`,
      };
    } catch (error) {
      if (socketReason(error) === 'ECONNREFUSED')
        return {
          ok: false,
          detail: `nothing listens on port ${spec.targetPort} in ${spec.service}: its container address ${address} refused the connection (the published port ${spec.host}:${spec.port} would accept through Docker's port proxy regardless)`,
        };
      errors.push(`${address}: ${socketReason(error)}`);
    }
  }
  return null;
}

/** Builds the probe; `lookup` finds a Compose service's container addresses (null: no Compose project). */
export function tcpProbe(spec: TcpSpec, lookup: AddressLookup | null = null): Probe {
  const service = spec.service && spec.targetPort && lookup ? spec.service : null;
  let unreachable = false;
  return {
    name: spec.name,
    kind: 'tcp',
    target: service
      ? `${service}:${spec.targetPort} (${spec.host}:${spec.port})`
      : `${spec.host}:${spec.port}`,
    async attempt(signal): Promise<AttemptResult> {
      if (!service || !lookup) return published(spec, signal, 0);
      if (unreachable) return published(spec, signal, PROXY_HOLD_MS);
      const addresses = await lookup(service);
      if (addresses.length === 0) return { ok: false, detail: `service ${service} has no running container` };
      const errors: string[] = [];
      const answer = await direct(
        { ...spec, service, targetPort: spec.targetPort! },
        addresses,
        signal,
        errors,
      );
      if (answer) return answer;
      // The container's network cannot be reached from here: the published port from now on.
      unreachable = true;
      const fallback = await published(spec, signal, PROXY_HOLD_MS);
      return {
        ...fallback,
        detail: `${fallback.detail} (container addresses unreachable: ${errors.join('; ')})`,
      };
    },
  };
}
