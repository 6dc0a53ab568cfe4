/**
 * Redis through `redis-cli --json` inside a service (https://redis.io/docs/latest/develop/tools/cli/;
 * `--json` needs redis-cli 7.0+, and implies RESP3, so maps arrive as JSON objects). One exec per command,
 * argv only: `redis-cli --json -h 127.0.0.1 [-p P] [--user U] [-n DB] <command…>`. The password travels in
 * REDISCLI_AUTH through the exec's environment, never `-a`. An error reply prints `error:"…"` (or
 * `(error) …`) with exit 0; a failed connection prints "Could not connect…" with exit 1.
 */
import type { ExecTarget } from '../../spec/types.js';
import {
  ConnectionError,
  RedisCommandError,
  type RedisConnection,
  type RedisReply,
  type RedisSession,
} from '../types.js';
import { execFailure, type ServiceExec } from './service-exec.js';

/** The argv of one command (pure, for tests). */
export function redisCliArgv(target: ExecTarget, args: readonly string[]): string[] {
  return [
    target.client ?? 'redis-cli',
    '--json',
    '-h',
    target.host ?? '127.0.0.1',
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.user ? ['--user', target.user] : []),
    ...(target.database ? ['-n', target.database] : []),
    ...args,
  ];
}

/**
 * One reply printed by `redis-cli --json`.
 * @throws RedisCommandError for an error reply
 */
export function parseRedisCliJson(stdout: string, command: string): RedisReply {
  const text = stdout.trim();
  const error = /^(?:error:|\(error\)\s*)([\s\S]*)$/i.exec(text);
  if (error) {
    let message = error[1]!.trim();
    try {
      if (message.startsWith('"')) message = JSON.parse(message) as string;
    } catch {
      // keep the raw text
    }
    throw new RedisCommandError(`${command}: ${message.trim()}`);
  }
  try {
    return JSON.parse(text) as RedisReply;
  } catch {
    throw new RedisCommandError(`${command}: redis-cli printed no JSON (${text.slice(0, 200)})`);
  }
}

/** A Redis server through redis-cli in a service. */
export class RedisCliExecConnection implements RedisConnection {
  readonly target: string;

  constructor(
    private readonly exec: ServiceExec,
    private readonly spec: ExecTarget,
  ) {
    this.target = `${spec.client ?? 'redis-cli'} in ${exec.describe(spec.service)}`;
  }

  async open(signal: AbortSignal, timeoutMs: number): Promise<RedisSession> {
    const started = Date.now();
    const env: Record<string, string> = {};
    if (this.spec.password !== undefined) env.REDISCLI_AUTH = this.spec.password;
    const { exec, spec, target } = this;
    return {
      async command(args: readonly string[]): Promise<RedisReply> {
        const left = timeoutMs - (Date.now() - started);
        if (signal.aborted || left <= 0)
          throw new ConnectionError(`${target}: no answer within ${timeoutMs} ms`);
        const result = await exec.run(spec.service, redisCliArgv(spec, args), {
          env,
          timeoutMs: Math.max(500, left),
          maxStdoutBytes: 16 * 1024 * 1024,
        });
        if (result.exitCode !== 0 || /^Could not connect/m.test(result.stdout)) {
          const message = execFailure(result).replace(/\s+/g, ' ');
          throw new ConnectionError(
            `${target}: ${/Unrecognized option.*--json/i.test(message) ? 'redis-cli does not support --json (it needs Redis 7 or later)' : message}`,
          );
        }
        return parseRedisCliJson(result.stdout, args[0] ?? '');
      },
      async close(): Promise<void> {},
    };
  }
}
