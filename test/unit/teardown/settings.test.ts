/** teardown's settings: every bad input names itself; the mode. */
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { getSettings as teardownSettings } from '../../../actions/teardown/src/settings.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('action settings: every bad input names itself', () => {
  it.each([
    [{ 'pr-number': '0' }, 'pr-number'],
    [{ 'down-timeout': 'x' }, 'down-timeout'],
  ])('teardown %j → %s', (values, input) => {
    expect(failure(() => teardownSettings(inputs(values))).input).toBe(input);
  });
});

describe('teardown: kube settings', () => {
  it('teardown: mode, namespace and auto', () => {
    expect(teardownSettings(inputs({}), {}).mode).toBe('compose');
    expect(teardownSettings(inputs({ mode: 'auto' }), {}).mode).toBe('compose');
    expect(teardownSettings(inputs({ mode: 'auto' }), { EPHEMERAL_NAMESPACE: 'ns1' })).toMatchObject({
      mode: 'namespace',
      namespace: 'ns1',
    });
    expect(teardownSettings(inputs({ mode: 'auto', namespace: 'ns2' }), {})).toMatchObject({
      mode: 'namespace',
      namespace: 'ns2',
    });
    expect(teardownSettings(inputs({ mode: 'namespace' }), {})).toMatchObject({
      mode: 'namespace',
      namespace: '',
    });
    expect(failure(() => teardownSettings(inputs({ mode: 'k8s' }), {})).input).toBe('mode');
    expect(failure(() => teardownSettings(inputs({ mode: 'namespace', namespace: 'x_y' }), {})).input).toBe(
      'namespace',
    );
  });
});
