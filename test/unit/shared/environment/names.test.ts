/** Kubernetes name rules in one place: DNS-1123 labels and subdomains. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkNamespace,
  isDnsLabel,
  isDnsSubdomain,
} from '../../../../actions/shared/src/environment/names.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

describe('names', () => {
  it.each([
    ['a', true],
    ['web-1', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['a.b', false],
    ['a_b', false],
    ['', false],
  ])('isDnsLabel(%j) = %s', (name, ok) => {
    expect(isDnsLabel(name)).toBe(ok);
  });

  it('a tighter limit applies where one exists (Helm releases: 53)', () => {
    expect(isDnsLabel('a'.repeat(53), 53)).toBe(true);
    expect(isDnsLabel('a'.repeat(54), 53)).toBe(false);
    expect(isDnsLabel('a'.repeat(64), 100)).toBe(false);
  });

  it.each([
    ['api', true],
    ['my.app-1', true],
    ['a'.repeat(253), true],
    ['a'.repeat(254), false],
    ['.a', false],
    ['a.', false],
    ['A.b', false],
  ])('isDnsSubdomain(%j) = %s', (name, ok) => {
    expect(isDnsSubdomain(name)).toBe(ok);
  });

  it('checkNamespace names the input and the fix', () => {
    expect(checkNamespace('namespace', 'ok-1')).toBe('ok-1');
    const error = (() => {
      try {
        checkNamespace('namespace', 'Not_OK');
      } catch (e) {
        return e as UserInputError;
      }
    })();
    expect(error).toBeInstanceOf(UserInputError);
    expect(error?.message).toBe(
      'Input "namespace": "Not_OK" is not a namespace name. Fix: use a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters.',
    );
  });

  it('property: every DNS-1123 label is also a subdomain', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), (name) => {
        expect(isDnsLabel(name)).toBe(true);
        expect(isDnsSubdomain(name)).toBe(true);
      }),
    );
  });
});
