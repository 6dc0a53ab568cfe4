/** teardown's `removed` output: by kind, the namespace only when it was actually removed. */
import { describe, expect, it } from 'vitest';
import { removedOutput } from '../../../actions/teardown/src/teardown.js';

describe('removedOutput', () => {
  it('Compose: the names removed', () => {
    expect(
      removedOutput({
        kind: 'compose',
        status: 'removed',
        containers: ['a-db-1'],
        networks: ['a_default'],
        volumes: ['a_data'],
        images: ['a-api:latest'],
        failures: [],
      }),
    ).toEqual({
      containers: ['a-db-1'],
      networks: ['a_default'],
      volumes: ['a_data'],
      images: ['a-api:latest'],
    });
  });

  it.each([
    ['removed', 'ns'],
    ['partial', 'ns'],
    ['already-gone', ''],
    ['refused', ''],
  ] as const)('namespace %s → namespace %j', (status, namespace) => {
    expect(
      removedOutput({
        kind: 'namespace',
        status,
        namespace: 'ns',
        releases: ['shop'],
        holders: [],
        failures: [],
      }),
    ).toEqual({ containers: [], networks: [], volumes: [], images: [], namespace, releases: ['shop'] });
  });
});
