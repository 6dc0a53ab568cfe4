/** Typed input readers: errors name the input and the fix; empty inputs read as their action.yml default. */
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { Inputs, splitList } from '../../../../actions/shared/src/runtime/inputs.js';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name] ?? '');

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('Inputs', () => {
  it('lists split on lines and commas, dropping blanks and comments', () => {
    expect(splitList('a, b\n\n# note\n c ,')).toEqual(['a', 'b', 'c']);
  });

  it('a matching list keeps every item that matches', () => {
    expect(inputs({ p: 'dev,\nci.1' }).matchingList('p', /^[a-z0-9.]+$/, 'profile', 'x')).toEqual([
      'dev',
      'ci.1',
    ]);
  });

  it.each([
    ['boolean', () => inputs({ keep: 'maybe' }).boolean('keep'), 'keep', /use true or false/],
    ['integer', () => inputs({ n: '1.5' }).integer('n', 1, 10), 'n', /whole number from 1 to 10/],
    ['range', () => inputs({ n: '11' }).integer('n', 1, 10), 'n', /out of range/],
    [
      'choice',
      () => inputs({ build: 'sometimes' }).choice('build', ['auto', 'always']),
      'build',
      /one of: auto, always/,
    ],
    ['duration range', () => inputs({ t: '0s' }).durationMs('t', 1000), 't', /out of range/],
    [
      'matching list',
      () => inputs({ s: 'web, Bad Service!' }).matchingList('s', /^[a-z]+$/, 'service name', 'a-z'),
      's',
      /"Bad Service!" is not a valid service name\. Fix: use service names made of a-z/,
    ],
  ])('%s errors name the input and the fix', (_, fn, input, fix) => {
    const error = failure(fn);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(fix);
  });
});

describe('defaults', () => {
  const withDefaults = (values: Record<string, string>) =>
    new Inputs((name) => values[name] ?? '', {
      keep: 'false',
      n: '3',
      build: 'auto',
      timeout: '5m',
      ttl: '72h',
      files: 'a.yml, b.yml',
      name: '',
    });

  it('an empty input reads as its action.yml default, parsed like a value the user wrote', () => {
    const i = withDefaults({});
    expect(i.boolean('keep')).toBe(false);
    expect(i.integer('n', 1, 10)).toBe(3);
    expect(i.choice('build', ['auto', 'always'])).toBe('auto');
    expect(i.durationMs('timeout')).toBe(300_000);
    expect(i.ttlMs('ttl')).toBe(72 * 3_600_000);
    expect(i.list('files')).toEqual(['a.yml', 'b.yml']);
    expect(i.string('name')).toBe('');
    expect(i.prNumber('name')).toBeNull();
    expect(i.given('keep')).toBe(false);
  });

  it('a value the user gave wins over the default', () => {
    const i = withDefaults({ keep: 'yes', n: '7', timeout: '90s', files: 'c.yml' });
    expect(i.boolean('keep')).toBe(true);
    expect(i.integer('n', 1, 10)).toBe(7);
    expect(i.durationMs('timeout')).toBe(90_000);
    expect(i.list('files')).toEqual(['c.yml']);
    expect(i.given('keep')).toBe(true);
  });

  it('a typed input with neither a value nor a default is an error naming it, not a silent fallback', () => {
    const i = withDefaults({});
    expect(failure(() => i.boolean('other')).message).toMatch(/Input "other": is empty/);
    expect(failure(() => i.integer('other', 1, 2)).message).toMatch(/Input "other": is empty/);
    expect(failure(() => i.choice('other', ['a'])).message).toMatch(/Input "other": is empty/);
    expect(failure(() => i.durationMs('other')).message).toMatch(/Input "other": is empty/);
  });
});
