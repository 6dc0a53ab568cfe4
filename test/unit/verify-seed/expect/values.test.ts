/** Value coercion and comparators. */
import { describe, expect, it } from 'vitest';
import {
  asInstant,
  checkNumber,
  checkValue,
  lengthOf,
  matches,
  mismatch,
  normalise,
} from '../../../../actions/verify-seed/src/expect/values.js';
import type { ValueExpect } from '../../../../actions/verify-seed/src/spec/types.js';

const eq = (equals: unknown): ValueExpect => ({ hasEquals: true, equals, hasNotEquals: false });

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
