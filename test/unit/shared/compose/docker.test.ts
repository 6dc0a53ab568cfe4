/** docker resources by label: the list and remove argv builders. */
import { describe, expect, it } from 'vitest';
import { listArgs, removeArgs } from '../../../../actions/shared/src/compose/docker.js';

describe('docker argv builders', () => {
  it.each([
    [
      'container',
      ['a=b'],
      ['docker', 'container', 'ls', '--all', '--quiet', '--no-trunc', '--filter', 'label=a=b'],
    ],
    [
      'network',
      ['a=b', 'c'],
      ['docker', 'network', 'ls', '--quiet', '--no-trunc', '--filter', 'label=a=b', '--filter', 'label=c'],
    ],
    ['volume', [], ['docker', 'volume', 'ls', '--quiet']],
  ] as const)('listArgs(%s, %j)', (kind, labels, expected) => {
    expect(listArgs(kind, [...labels])).toEqual(expected);
  });

  it('removes containers forcibly with their anonymous volumes', () => {
    expect(removeArgs('container', ['x'])).toEqual([
      'docker',
      'container',
      'rm',
      '--force',
      '--volumes',
      'x',
    ]);
  });
});
