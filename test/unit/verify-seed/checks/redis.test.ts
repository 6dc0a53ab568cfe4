/** Redis expectations over RESP2 and RESP3 replies. */
import { describe, expect, it } from 'vitest';
import { evaluateRedis } from '../../../../actions/verify-seed/src/checks/redis.js';
import { hashOf } from '../../../../actions/verify-seed/src/checks/redis-reader.js';
import type { RedisReply, RedisSession } from '../../../../actions/verify-seed/src/connections/types.js';
import type { RedisCheck, ValueExpect } from '../../../../actions/verify-seed/src/spec/types.js';

const eq = (equals: unknown): ValueExpect => ({ hasEquals: true, equals, hasNotEquals: false });
const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

/** A Redis session answering from a table of replies, as RESP2 (node-redis) or RESP3 (redis-cli --json). */
function fakeRedis(replies: Record<string, RedisReply>): RedisSession & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async command(args) {
      const key = args.join(' ');
      calls.push(key);
      if (!(key in replies)) throw new Error(`unexpected command ${key}`);
      return replies[key]!;
    },
    async close() {},
  };
}

function redisCheck(partial: Partial<RedisCheck>): RedisCheck {
  return { name: 'r', kind: 'redis', connection: 'cache', scanLimit: 100_000, expect: {}, at, ...partial };
}

describe('redis expectations', () => {
  it('a hash from RESP2 (flat list) and RESP3 (map) reads the same', () => {
    expect(hashOf(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(hashOf({ a: '1', b: 2 })).toEqual({ a: '1', b: '2' });
  });

  it.each([
    ['RESP2', ['new_checkout', 'on', 'dark_mode', 'on']],
    ['RESP3', { new_checkout: 'on', dark_mode: 'on' }],
  ])('a wrong hash value (%s) fails with the field, expected and actual', async (_, reply) => {
    const session = fakeRedis({
      'TYPE feature:flags': 'hash',
      'HLEN feature:flags': 2,
      'HGETALL feature:flags': reply as RedisReply,
    });
    const a = await evaluateRedis(
      session,
      redisCheck({
        key: 'feature:flags',
        expect: {
          type: 'hash',
          value: { hasEquals: false, hasNotEquals: false, json: { dark_mode: 'off' } },
        },
      }),
    );
    expect(a[0]).toMatchObject({ what: 'type', passed: true });
    expect(a[1]).toMatchObject({
      what: 'value json',
      passed: false,
      actual: '{"new_checkout":"on","dark_mode":"on"} ($.dark_mode: expected "off", got "on")',
    });
  });

  it('a string value, its size, and a missing key', async () => {
    const session = fakeRedis({
      'TYPE fixture:version': 'string',
      'GET fixture:version': '2026.10.0',
      'STRLEN fixture:version': 9,
      'TYPE gone': 'none',
    });
    const a = await evaluateRedis(
      session,
      redisCheck({ key: 'fixture:version', expect: { value: eq('2026.11.1'), size: { equals: 9 } } }),
    );
    expect(a).toEqual([
      { what: 'size', expected: '= 9', actual: '9', passed: true },
      { what: 'value', expected: '"2026.11.1"', actual: '"2026.10.0"', passed: false },
    ]);
    const missing = await evaluateRedis(session, redisCheck({ key: 'gone', expect: { type: 'string' } }));
    expect(missing).toEqual([
      { what: 'type', expected: 'string', actual: 'key "gone" does not exist', passed: false },
    ]);
    expect(await evaluateRedis(session, redisCheck({ key: 'gone' }))).toEqual([
      { what: 'exists', expected: 'true', actual: 'false', passed: false },
    ]);
  });

  it('set members compare in any order, list members in order', async () => {
    const session = fakeRedis({
      'TYPE skus': 'set',
      'SCARD skus': 2,
      'SMEMBERS skus': ['b', 'a'],
      'TYPE q': 'list',
      'LLEN q': 2,
      'LRANGE q 0 9999': ['b', 'a'],
    });
    expect(
      (await evaluateRedis(session, redisCheck({ key: 'skus', expect: { members: ['a', 'b'] } })))[0]!.passed,
    ).toBe(true);
    const list = await evaluateRedis(session, redisCheck({ key: 'q', expect: { members: ['a', 'b'] } }));
    expect(list[0]).toMatchObject({ what: 'members (in order)', passed: false, actual: '["b","a"]' });
  });

  it('a pattern counts distinct keys with a bounded SCAN', async () => {
    const session = fakeRedis({
      'SCAN 0 MATCH s:* COUNT 1000': ['7', ['s:1', 's:2']],
      'SCAN 7 MATCH s:* COUNT 1000': ['0', ['s:2', 's:3']],
    });
    const a = await evaluateRedis(session, redisCheck({ pattern: 's:*', expect: { count: { equals: 3 } } }));
    expect(a).toEqual([{ what: 'count s:*', expected: '= 3', actual: '3 (s:1, s:2, s:3)', passed: true }]);
    const bounded = fakeRedis({ 'SCAN 0 MATCH s:* COUNT 10': ['7', ['s:1']] });
    const b = await evaluateRedis(bounded, redisCheck({ pattern: 's:*', scanLimit: 10 }));
    expect(b[0]!.passed).toBe(false);
    expect(b[0]!.actual).toContain('SCAN stopped after examining 10 keys (scan-limit 10)');
  });
});
