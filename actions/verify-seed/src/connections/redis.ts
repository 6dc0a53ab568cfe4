/**
 * Redis over a URL with `redis` (node-redis, https://github.com/redis/node-redis): `redis[s]://[user:password@]
 * host:port[/db]`. No reconnection and no offline queue, so a server that is gone fails the command at once
 * instead of hanging (https://github.com/redis/node-redis/blob/master/docs/client-configuration.md).
 * Commands go through `sendCommand` (RESP2 replies); checks/redis.ts reads them with `RedisReader`.
 */
import {
  abortable,
  ConnectionError,
  displayUrl,
  RedisCommandError,
  type RedisConnection,
  type RedisReply,
  type RedisSession,
} from './types.js';

/** Where and how to connect. */
export interface RedisTarget {
  url: string;
  user?: string;
  password?: string;
  /** Database number. */
  database?: string;
}

/** A Redis server through node-redis. */
export class RedisUrlConnection implements RedisConnection {
  readonly target: string;

  constructor(private readonly spec: RedisTarget) {
    this.target = displayUrl(spec.url);
  }

  async open(signal: AbortSignal, timeoutMs: number): Promise<RedisSession> {
    const connectTimeout = Math.max(100, Math.round(timeoutMs));
    // loaded on the first connection, so a run without a Redis URL connection never loads it (start-up)
    const { createClient, ErrorReply } = await import('redis');
    const client = createClient({
      url: this.spec.url,
      ...(this.spec.user !== undefined ? { username: this.spec.user } : {}),
      ...(this.spec.password !== undefined ? { password: this.spec.password } : {}),
      ...(this.spec.database !== undefined ? { database: Number(this.spec.database) } : {}),
      disableOfflineQueue: true,
      socket: { connectTimeout, reconnectStrategy: false },
    });
    let lastError = '';
    client.on('error', (error: Error) => {
      lastError = error.message;
    });
    const aborted = () => new ConnectionError(`no answer within ${connectTimeout} ms (${this.target})`);
    const close = async () => {
      try {
        if (client.isOpen) await client.close();
      } catch {
        client.destroy();
      }
    };
    signal.addEventListener('abort', () => void close(), { once: true });
    try {
      await abortable(signal, client.connect(), aborted);
    } catch (error) {
      await close();
      if (error instanceof ConnectionError) throw error;
      throw new ConnectionError(`cannot connect to ${this.target}: ${(error as Error).message || lastError}`);
    }
    const target = this.target;
    return {
      async command(args: readonly string[]): Promise<RedisReply> {
        try {
          return (await abortable(signal, client.sendCommand([...args]), aborted)) as RedisReply;
        } catch (error) {
          if (error instanceof ConnectionError) throw error;
          const e = error as Error;
          if (e instanceof ErrorReply) throw new RedisCommandError(`${args[0]}: ${e.message}`);
          throw new ConnectionError(`${target}: ${e.message || lastError}`);
        }
      },
      close,
    };
  }
}
