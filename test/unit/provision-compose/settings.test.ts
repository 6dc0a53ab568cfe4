/** provision-compose's settings: every bad input names itself. */
import { describe, expect, it } from 'vitest';
import { getSettings as provisionSettings } from '../../../actions/provision-compose/src/settings.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';

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
  const workspace = process.cwd();
  it.each([
    [{ 'working-directory': 'no/such/dir' }, 'working-directory'],
    [{ 'compose-files': 'missing.yaml', 'working-directory': 'test' }, 'compose-files'],
    [{ 'working-directory': 'test' }, 'compose-files'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', build: 'yes' }, 'build'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', pull: 'if-needed' }, 'pull'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', 'wait-timeout': 'soon' }, 'wait-timeout'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', ttl: '1s' }, 'ttl'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', 'pr-number': 'abc' }, 'pr-number'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', 'env-files': 'nope.env' }, 'env-files'],
    [{ 'compose-files': 'examples/compose-app/compose.yaml', 'upload-report': 'sometimes' }, 'upload-report'],
  ])('provision-compose %j → %s', (values, input) => {
    expect(failure(() => provisionSettings(inputs(values), workspace)).input).toBe(input);
  });

  it('provision-compose accepts ttl never and resolves files against the working directory', () => {
    const settings = provisionSettings(
      inputs({ 'compose-files': 'examples/compose-app/compose.yaml', ttl: 'never' }),
      workspace,
    );
    expect(settings.ttlMs).toBeNull();
    expect(settings.files).toEqual([`${workspace}/examples/compose-app/compose.yaml`]);
    expect(Object.isFrozen(settings)).toBe(true);
  });
});
