/** Expected HTTP status sets. */
import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../../../actions/shared/src/expect/http-status.js';

describe('expectations', () => {
  it.each([
    ['200', 200, true],
    ['200', 201, false],
    ['2xx', 299, true],
    ['2xx', 300, false],
    ['200-399', 302, true],
    ['200, 204', 204, true],
    ['200 204', 500, false],
  ])('status %j matches %i: %s', (text, status, expected) => {
    expect(parseStatus('expect-status', text).matches(status)).toBe(expected);
  });
});

describe('a set no server can answer is refused before anything waits (issue 9)', () => {
  it.each(['999', '099', '600-700', '99-200', '200-600', '6xx', '0xx', 'abc', '2zz', ''])('%j', (text) => {
    expect(() => parseStatus('expect-status', text)).toThrow(/^Input "expect-status": .*Fix: use e\.g\. 200/);
  });
});
