/** JSON expectations: the subset rule and commit SHAs. */
import { describe, expect, it } from 'vitest';
import { commitMatches, subsetMismatch } from '../../../../actions/shared/src/expect/json.js';

describe('expectations', () => {
  it.each([
    [{ a: 1, b: { c: 'x', d: 2 } }, { b: { c: 'x' } }, null],
    [{ a: 1 }, { a: 2 }, '$.a: expected 2, got 1'],
    [{ a: 1 }, { b: 1 }, '$.b: missing'],
    [{ a: [1, 2] }, { a: [1] }, '$.a: expected 1 items, got 2'],
    [{ a: 'x' }, { a: { b: 1 } }, '$.a: expected an object, got string "x"'],
    [[{ id: 1 }], [{ id: 1 }], null],
  ])('subsetMismatch(%j, %j) = %j', (actual, expected, result) => {
    expect(subsetMismatch(actual, expected)).toBe(result);
  });

  it.each([
    ['0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567', true],
    ['0123456', '0123456789abcdef0123456789abcdef01234567', true],
    ['0123456789ABCDEF0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567', true],
    ['012345', '0123456789abcdef0123456789abcdef01234567', false],
    ['dev', '0123456789abcdef0123456789abcdef01234567', false],
    ['1123456', '0123456789abcdef0123456789abcdef01234567', false],
  ])('commitMatches(%s, %s) = %s', (value, sha, expected) => {
    expect(commitMatches(value, sha)).toBe(expected);
  });
});
