/** Durations as users write them, and as people read them. */
import { describe, expect, it } from 'vitest';
import { formatMs, parseDuration } from '../../../../actions/shared/src/runtime/duration.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('durations', () => {
  it.each([
    ['90', 90_000],
    ['1.5', 1500],
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    [' 10S ', 10_000],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms);
  });

  it.each(['', 'abc', '10x', '5m!', '-1s', 'm5'])('rejects %j naming the input', (text) => {
    const error = failure(() => parseDuration('timeout', text));
    expect(error.input).toBe('timeout');
    expect(error.message).toMatch(/Fix: use seconds/);
  });

  it('formats for people', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(245_000)).toBe('4 m 05 s');
  });
});
