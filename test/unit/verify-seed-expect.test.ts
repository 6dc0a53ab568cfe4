/**
 * verify-seed's expectation engine: the coercion rules (a pg bigint count arrives as text, psql prints t/f,
 * timestamps as Date or text), every comparator, row tables ordered and not, and each check kind's
 * evaluation on the values drivers and command-line clients really return.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateFixtureVersion,
  evaluateIsolation,
} from '../../actions/verify-seed/src/checks/provenance.js';
import { evaluateRedis } from '../../actions/verify-seed/src/checks/redis.js';
import { hashOf } from '../../actions/verify-seed/src/checks/redis-reader.js';
import type {
  HttpResponse,
  RedisReply,
  RedisSession,
  SqlResult,
} from '../../actions/verify-seed/src/connections/types.js';
import { evaluateHttp, parseJsonBody } from '../../actions/verify-seed/src/expect/http.js';
import { compareRows, evaluateSql } from '../../actions/verify-seed/src/expect/sql.js';
import {
  asInstant,
  checkNumber,
  checkValue,
  lengthOf,
  matches,
  mismatch,
  normalise,
} from '../../actions/verify-seed/src/expect/values.js';
import type { IsolationCheck, RedisCheck, ValueExpect } from '../../actions/verify-seed/src/spec/types.js';

const eq = (equals: unknown): ValueExpect => ({ hasEquals: true, equals, hasNotEquals: false });
const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

describe('coercion rules', () => {
  it.each([
    // [actual (as a driver or client returns it), expected (as written in the spec), equal?]
    ['5', 5, true], // pg: count(*) is bigint → text
    [5, 5, true],
    ['5.00', 5, true], // numeric → text
    ['1.50', 1.5, true],
    ['5', 6, false],
    ['five', 5, false],
    ['9007199254740993', 9007199254740992, false], // beyond 2^53: compared exactly, as BigInt
    ['9007199254740992', 9007199254740992, true],
    [true, true, true],
    ['t', true, true], // psql prints booleans as t/f
    ['f', false, true],
    [1, true, true], // MySQL BOOLEAN is TINYINT(1)
    [0, false, true],
    ['t', false, false],
    ['yes', true, false],
    [null, null, true],
    ['', null, false], // NULL and '' stay apart
    [null, '', false],
    [3, '3', true], // expected text, actual number
    [true, 'true', true],
    ['on', 'on', true],
    ['Ada', 'ada', false], // text is case-sensitive
    [new Date('2026-01-05T09:00:00Z'), '2026-01-05T09:00:00Z', true], // pg timestamptz → Date
    ['2026-01-05 09:00:00+00', '2026-01-05T09:00:00Z', true], // psql text
    ['2026-01-05 10:00:00+01', '2026-01-05T09:00:00.000Z', true],
    ['2026-01-05 09:00:01+00', '2026-01-05T09:00:00Z', false],
    ['2026-01-05 09:00:00', '2026-01-05T09:00:00Z', false], // no zone: no instant, compared as text
    [Buffer.from('bytes'), 'bytes', true],
    ['{"a":1,"b":[1,2]}', { a: 1 }, true], // JSON text vs mapping: subset
    [{ a: 1, b: 2 }, { a: 1 }, true],
    [{ a: '1' }, { a: 1 }, true], // leaves coerce too
    [{ a: 1 }, { a: 1, c: 2 }, false],
    [[1, 2], [1, 2], true],
    [[1, 2], [1], false], // lists: same length
    ['[1,2]', [1, '2'], true],
    ['not json', { a: 1 }, false],
  ])('%j equals %j: %s', (actual, expected, equal) => {
    expect(matches(actual, expected)).toBe(equal);
  });

  it('says where and how a nested value differs', () => {
    expect(mismatch({ flags: { dark_mode: 'on' } }, { flags: { dark_mode: 'off' } })).toBe(
      '$.flags.dark_mode: expected "off", got "on"',
    );
    expect(mismatch({ a: 1 }, { b: 1 })).toBe('$.b: missing');
    expect(mismatch([1], [1, 2])).toBe('$: expected 2 item(s), got 1');
  });

  it('normalises driver values: Date → ISO UTC, Buffer → text, bigint → text, recursively', () => {
    expect(
      normalise({ d: new Date('2026-01-05T09:00:00Z'), b: Buffer.from('x'), n: BigInt(7), u: undefined }),
    ).toEqual({
      d: '2026-01-05T09:00:00.000Z',
      b: 'x',
      n: '7',
      u: null,
    });
    expect(matches(BigInt(42), 42)).toBe(true); // a bigint (e.g. from a driver option) compares as its text
    expect(asInstant('2026-01-05 09:00:00.123456+05:30')).toBe(
      Date.parse('2026-01-05T09:00:00.123456+05:30'),
    );
    expect(asInstant('2026-01-05')).toBeNull();
  });

  it('measures length of lists, texts, mappings and JSON text', () => {
    expect(lengthOf([1, 2, 3])).toBe(3);
    expect(lengthOf('abcd')).toBe(4);
    expect(lengthOf({ a: 1, b: 2 })).toBe(2);
    expect(lengthOf('[1,2]')).toBe(2);
    expect(lengthOf(7)).toBeNull();
  });
});

describe('comparators', () => {
  it('equals and not-equals', () => {
    expect(checkValue('scalar', '5', eq(5))).toEqual([
      { what: 'scalar', expected: '5', actual: '"5"', passed: true },
    ]);
    expect(checkValue('scalar', '4', eq(5))[0]).toMatchObject({
      expected: '5',
      actual: '"4"',
      passed: false,
    });
    const ne: ValueExpect = { hasEquals: false, hasNotEquals: true, notEquals: 'x' };
    expect(checkValue('v', 'y', ne)[0]!.passed).toBe(true);
    expect(checkValue('v', 'x', ne)[0]!.passed).toBe(false);
  });

  it('min and max are inclusive and need a number', () => {
    const range: ValueExpect = { hasEquals: false, hasNotEquals: false, min: 1, max: 10 };
    expect(checkValue('n', '1', range)[0]!.passed).toBe(true);
    expect(checkValue('n', 10, range)[0]!.passed).toBe(true);
    expect(checkValue('n', '11', range)[0]).toMatchObject({
      passed: false,
      expected: '1…10',
      actual: '"11"',
    });
    expect(checkValue('n', 'ten', range)[0]).toMatchObject({ passed: false, actual: '"ten" (not a number)' });
    expect(checkValue('n', null, range)[0]!.passed).toBe(false);
  });

  it('regex tests the text form; null never matches', () => {
    const re: ValueExpect = { hasEquals: false, hasNotEquals: false, regex: /^2026\.\d+\.\d+$/ };
    expect(checkValue('v', '2026.11.1', re)[0]!.passed).toBe(true);
    expect(checkValue('v', '2025.1', re)[0]!.passed).toBe(false);
    expect(checkValue('n', 42, { hasEquals: false, hasNotEquals: false, regex: /^4/ })[0]!.passed).toBe(true);
    expect(checkValue('v', null, re)[0]!.passed).toBe(false);
  });

  it('json is a subset of an object or of a text holding JSON', () => {
    const json: ValueExpect = { hasEquals: false, hasNotEquals: false, json: { status: 'ok' } };
    expect(checkValue('v', '{"status":"ok","db":"up"}', json)[0]!.passed).toBe(true);
    const bad = checkValue('v', { status: 'degraded' }, json)[0]!;
    expect(bad.passed).toBe(false);
    expect(bad.actual).toBe('{"status":"degraded"} ($.status: expected "ok", got "degraded")');
  });

  it('length compares the length', () => {
    const len: ValueExpect = { hasEquals: false, hasNotEquals: false, length: { equals: 3 } };
    expect(checkValue('v', [1, 2, 3], len)[0]).toMatchObject({ what: 'v length', passed: true, actual: '3' });
    expect(checkValue('v', 5, len)[0]).toMatchObject({ passed: false, actual: '5 (no length)' });
  });

  it('every comparator given must hold (one assertion each)', () => {
    const all: ValueExpect = {
      hasEquals: true,
      equals: 3,
      hasNotEquals: true,
      notEquals: 4,
      min: 1,
      max: 5,
      regex: /3/,
    };
    expect(checkValue('v', '3', all).map((a) => a.passed)).toEqual([true, true, true, true]);
    expect(checkValue('v', '4', all).map((a) => a.passed)).toEqual([false, false, true, false]);
  });

  it('numbers: equals, min, max; null is not a number', () => {
    expect(checkNumber('row-count', 3, { equals: 3 })).toEqual({
      what: 'row-count',
      expected: '= 3',
      actual: '3',
      passed: true,
    });
    expect(checkNumber('row-count', 2, { equals: 3 })).toMatchObject({ passed: false, actual: '2' });
    expect(checkNumber('c', 5, { min: 3, max: 4 })).toMatchObject({ expected: '3…4', passed: false });
    expect(checkNumber('c', 3, { min: 3 })).toMatchObject({ expected: '≥ 3', passed: true });
    expect(checkNumber('c', null, { max: 3 })).toMatchObject({
      expected: '≤ 3',
      actual: 'not a number',
      passed: false,
    });
  });
});

const users: SqlResult = {
  columns: ['id', 'email', 'created_at'],
  rows: [
    [1, 'ada@example.test', new Date('2026-01-05T09:00:00Z')],
    [2, 'grace@example.test', new Date('2026-01-06T10:30:00Z')],
  ],
  columnsKnown: true,
};

describe('rows', () => {
  it('mappings compare the named columns, lists every column by position', () => {
    expect(compareRows(users, [{ id: 1 }, { email: 'grace@example.test' }], false).passed).toBe(true);
    expect(
      compareRows(
        users,
        [
          [1, 'ada@example.test', '2026-01-05T09:00:00Z'],
          [2, 'grace@example.test', '2026-01-06T10:30:00Z'],
        ],
        true,
      ).passed,
    ).toBe(true);
    expect(compareRows(users, [[1, 'ada@example.test']], false)).toMatchObject({ passed: false });
  });

  it('unordered: a multiset with a maximum matching (a row stands for one row only)', () => {
    const r: SqlResult = {
      columns: ['s', 'n'],
      rows: [
        ['paid', '2'],
        ['paid', '1'],
      ],
      columnsKnown: true,
    };
    // { s: paid } could take either row; the matching must leave ['paid', 2] for the second expectation.
    expect(compareRows(r, [{ s: 'paid' }, ['paid', 2]], false).passed).toBe(true);
    expect(compareRows(r, [{ s: 'paid' }, { s: 'paid' }, { s: 'paid' }], false)).toMatchObject({
      passed: false,
      actual: '2 row(s); missing [{"s":"paid"}]',
    });
  });

  it('ordered: the first differing row, or what is missing or extra', () => {
    const reversed = compareRows(users, [{ id: 2 }, { id: 1 }], true);
    expect(reversed.passed).toBe(false);
    expect(reversed.actual).toContain('row 1 {"id":1,');
    expect(reversed.actual).toContain('id: expected 2, got 1');
    expect(compareRows(users, [{ id: 1 }], true).actual).toMatch(/^2 row\(s\); unexpected \[\{"id":2,/);
    expect(compareRows(users, [{ id: 1 }, { id: 2 }, { id: 3 }], true).actual).toBe(
      '2 row(s); missing [{"id":3}]',
    );
  });

  it('a missing row names the row and, when one row is left over, how it differs', () => {
    const result = compareRows(
      users,
      [
        { id: 1, email: 'ada@example.test' },
        { id: 3, email: 'linus@example.test' },
      ],
      false,
    );
    expect(result.passed).toBe(false);
    expect(result.actual).toContain(
      'missing [{"id":3,"email":"linus@example.test"}] (closest row differs: id: expected 3, got 2)',
    );
    expect(result.actual).toContain('unexpected [{"id":2,"email":"grace@example.test"');
  });

  it('a column named in a row but absent from the result fails', () => {
    expect(compareRows(users, [{ nope: 1 }, { id: 2 }], false).passed).toBe(false);
  });
});

describe('sql expectations', () => {
  it('row-count, columns, scalar and rows together', () => {
    const a = evaluateSql(users, {
      rowCount: { equals: 2 },
      columns: ['id', 'email'],
      scalar: eq(1),
      rows: [{ id: 2 }, { id: 1 }],
      ordered: false,
    });
    expect(a.map((x) => [x.what, x.passed])).toEqual([
      ['row-count', true],
      ['columns', true],
      ['scalar', true],
      ['rows', true],
    ]);
  });

  it('names missing columns, and an empty result for scalar', () => {
    const a = evaluateSql(
      { columns: ['id'], rows: [], columnsKnown: true },
      { columns: ['id', 'email'], scalar: eq(1), ordered: false },
    );
    expect(a[0]).toMatchObject({ what: 'columns', actual: 'id (missing email)', passed: false });
    expect(a[1]).toMatchObject({ what: 'scalar', actual: 'no rows', passed: false });
  });

  it('columns of an empty mysql-client result are unknown, not "present"', () => {
    const a = evaluateSql(
      { columns: [], rows: [], columnsKnown: false },
      { columns: ['id'], ordered: false },
    );
    expect(a[0]!.passed).toBe(false);
  });

  it('no expectation: the query must run', () => {
    expect(evaluateSql(users, { ordered: false })).toEqual([
      { what: 'query', expected: 'runs', actual: 'ran, 2 row(s)', passed: true },
    ]);
  });
});

function response(status: number, body: string, type = 'application/json'): HttpResponse {
  return { status, headers: { 'content-type': type }, body, truncated: false, url: 'http://127.0.0.1:1/x' };
}

describe('http expectations', () => {
  const body = JSON.stringify([
    { id: 1, email: 'ada@example.test' },
    { id: 2, email: 'grace@example.test' },
  ]);

  it('status set, JSON subset, JMESPath with a comparator, length', () => {
    const a = evaluateHttp(response(200, body), {
      status: '2xx',
      json: [{ id: 1 }, { id: 2 }],
      jmespath: { expression: '[?id==`2`].email | [0]', value: eq('grace@example.test') },
      length: { equals: 2 },
    });
    expect(a.map((x) => [x.what, x.passed])).toEqual([
      ['status', true],
      ['json', true],
      ['jmespath [?id==`2`].email | [0]', true],
      ['length', true],
    ]);
  });

  it('a wrong status, subset and length fail with expected and actual', () => {
    const a = evaluateHttp(response(503, body), {
      status: '200',
      json: [{ id: 9 }, { id: 2 }],
      length: { min: 3 },
    });
    expect(a[0]).toEqual({ what: 'status', expected: '200', actual: '503', passed: false });
    expect(a[1]!.actual).toContain('$[0].id: expected 9, got 1');
    expect(a[2]).toMatchObject({ what: 'length', actual: '2', passed: false });
  });

  it('JMESPath without a comparator must be truthy', () => {
    expect(
      evaluateHttp(response(200, '{"ok":true}'), {
        status: '2xx',
        jmespath: { expression: 'ok', value: null },
      })[1]!.passed,
    ).toBe(true);
    expect(
      evaluateHttp(response(200, '{"ok":[]}'), {
        status: '2xx',
        jmespath: { expression: 'ok', value: null },
      })[1]!.passed,
    ).toBe(false);
  });

  it('a body that must be JSON and is not fails with its content type and first bytes', () => {
    const a = evaluateHttp(response(200, '<html>oops</html>', 'text/html'), {
      status: '2xx',
      json: { a: 1 },
    });
    expect(a[1]).toEqual({
      what: 'body',
      expected: 'JSON',
      actual: 'the body is not JSON (text/html): "<html>oops</html>"',
      passed: false,
    });
    expect(parseJsonBody({ ...response(200, '{}'), truncated: true })).toMatchObject({ ok: false });
  });

  it('without JSON expectations only the status counts (any body)', () => {
    expect(evaluateHttp(response(204, ''), { status: '204' })).toEqual([
      { what: 'status', expected: '204', actual: '204', passed: true },
    ]);
  });
});

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

describe('fixture-version and isolation', () => {
  const declared = { value: '2026.11.1', origin: 'fixtures/VERSION' };

  it('fixture-version compares the text, and names the declared file', () => {
    expect(evaluateFixtureVersion({ primary: '2026.11.1', texts: [] }, declared)[0]!.passed).toBe(true);
    expect(evaluateFixtureVersion({ primary: '2026.10.0', texts: [] }, declared)).toEqual([
      {
        what: 'fixture-version',
        expected: '"2026.11.1" (fixtures/VERSION)',
        actual: '"2026.10.0"',
        passed: false,
      },
    ]);
    expect(evaluateFixtureVersion({ primary: 3, texts: [] }, { value: '3', origin: 'x' })[0]!.passed).toBe(
      true,
    );
    expect(
      evaluateFixtureVersion(
        { primary: undefined, texts: [], absent: 'the query returned no rows' },
        declared,
      )[0],
    ).toMatchObject({
      passed: false,
      actual: 'none: the query returned no rows',
    });
  });

  const facts = { environment: 'webapp-pr-42-abc123', commit: 'c9933b2a67e1dc9613e82091e31c34d93f6cf3c7' };
  const iso = (partial: Partial<IsolationCheck>): IsolationCheck => ({
    name: 'i',
    kind: 'isolation',
    connection: 'c',
    source: { via: 'redis', key: 'k', scanLimit: 1 },
    marker: { kind: 'environment' },
    at,
    ...partial,
  });

  it("the environment marker must be named; other PRs' markers must not appear", () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['webapp-pr-42-abc123'] },
        iso({ foreign: /-pr-\d+-/ }),
        facts,
      ).every((a) => a.passed),
    ).toBe(true);
    const other = evaluateIsolation(
      { primary: 'x', texts: ['webapp-pr-41-ffffff'] },
      iso({ foreign: /-pr-\d+-/ }),
      facts,
    );
    expect(other.map((a) => a.passed)).toEqual([false, false]);
    expect(other[1]!.actual).toBe('["webapp-pr-41-ffffff"]');
    const mixed = evaluateIsolation(
      { primary: 'x', texts: ['webapp-pr-42-abc123', 'webapp-pr-7-000000'] },
      iso({ foreign: /-pr-\d+-/ }),
      facts,
    );
    expect(mixed.map((a) => a.passed)).toEqual([true, false]);
  });

  it('the commit marker accepts the full or a short SHA', () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['c9933b2a67e1'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['build c9933b2'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['deadbeef00'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(false);
  });

  it('marker none checks only foreign markers; a value marker is literal', () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['acme'] },
        iso({ marker: { kind: 'none' }, foreign: /^pr-/ }),
        facts,
      ),
    ).toEqual([{ what: 'foreign markers', expected: 'none matching /^pr-/', actual: 'none', passed: true }]);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['tenant acme'] },
        iso({ marker: { kind: 'value', value: 'acme' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: undefined, texts: [], absent: 'key "k" does not exist' },
        iso({}),
        facts,
      )[0],
    ).toMatchObject({
      passed: false,
      actual: 'none (key "k" does not exist)',
    });
  });
});
