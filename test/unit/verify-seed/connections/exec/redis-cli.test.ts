/** redis-cli in a service: argv, --json replies, errors. */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../actions/shared/src/exec/cli.js';
import {
  parseRedisCliJson,
  RedisCliExecConnection,
  redisCliArgv,
} from '../../../../../actions/verify-seed/src/connections/exec/redis-cli.js';
import type { ServiceExec } from '../../../../../actions/verify-seed/src/connections/exec/service-exec.js';
import { RedisCommandError } from '../../../../../actions/verify-seed/src/connections/types.js';

const result = (partial: Partial<RunResult>): RunResult => ({
  argv: [],
  exitCode: 0,
  stdout: '',
  stderr: '',
  durationMs: 5,
  timedOut: false,
  truncated: false,
  ...partial,
});

/** A ServiceExec answering with a fixed result and recording what it was asked. */
function fakeExec(answer: Partial<RunResult>) {
  const calls: Array<{ service: string; argv: readonly string[]; env: Record<string, string> }> = [];
  const exec: ServiceExec = {
    describe: (service) => `service ${service} of Compose project p`,
    run: async (service, argv, options) => {
      calls.push({ service, argv, env: options.env });
      return result(answer);
    },
  };
  return { exec, calls };
}

const signal = () => new AbortController().signal;

describe('redis-cli in a service', () => {
  it('argv: --json, no -a (the password goes in REDISCLI_AUTH)', async () => {
    expect(redisCliArgv({ service: 'cache', user: 'u', database: '2', port: 6380 }, ['GET', 'k'])).toEqual([
      'redis-cli',
      '--json',
      '-h',
      '127.0.0.1',
      '-p',
      '6380',
      '--user',
      'u',
      '-n',
      '2',
      'GET',
      'k',
    ]);
    const { exec, calls } = fakeExec({ stdout: '"v"\n' });
    const session = await new RedisCliExecConnection(exec, { service: 'cache', password: 'redis-pw' }).open(
      signal(),
      5000,
    );
    expect(await session.command(['GET', 'k'])).toBe('v');
    expect(calls[0]!.env).toEqual({ REDISCLI_AUTH: 'redis-pw' });
    expect(calls[0]!.argv).not.toContain('redis-pw');
  });

  it('parses replies and error replies as redis-cli --json prints them', () => {
    expect(parseRedisCliJson('{"a":"1","b":"2"}\n', 'HGETALL')).toEqual({ a: '1', b: '2' });
    expect(parseRedisCliJson('["0",["h"]]', 'SCAN')).toEqual(['0', ['h']]);
    expect(parseRedisCliJson('null', 'GET')).toBeNull();
    expect(() =>
      parseRedisCliJson('error:"WRONGTYPE Operation against a key holding the wrong kind of value"', 'GET'),
    ).toThrow(
      new RedisCommandError('GET: WRONGTYPE Operation against a key holding the wrong kind of value'),
    );
    expect(() => parseRedisCliJson('(error) NOAUTH Authentication required.', 'TYPE')).toThrow(
      'TYPE: NOAUTH Authentication required.',
    );
  });

  it('a refused connection is a ConnectionError naming where', async () => {
    const { exec } = fakeExec({
      exitCode: 1,
      stdout: 'Could not connect to Redis at 127.0.0.1:6379: Connection refused',
    });
    const session = await new RedisCliExecConnection(exec, { service: 'cache' }).open(signal(), 5000);
    await expect(session.command(['TYPE', 'k'])).rejects.toThrow(
      /redis-cli in service cache of Compose project p: Could not connect/,
    );
  });
});
