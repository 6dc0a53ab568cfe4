/** The Compose refusal rule: a project is this environment's only when all of it carries our labels. */
import { describe, expect, it } from 'vitest';
import type { DockerResource } from '../../../../actions/shared/src/compose/docker.js';
import { foreignResources, refusalReason } from '../../../../actions/shared/src/compose/ownership.js';

const OURS = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': 'app-pr-7-abc123' };
const resource = (name: string, labels: Record<string, string>): DockerResource => ({
  kind: 'container',
  id: name,
  name,
  labels,
});

describe('foreignResources', () => {
  it('ours: managed-by and this environment', () => {
    expect(foreignResources([resource('a', OURS)], 'app-pr-7-abc123')).toEqual([]);
  });

  it.each([
    ['no labels at all (a stack started by hand)', {}],
    ['another manager', { ...OURS, 'ephemeral.dev/managed-by': 'someone-else' }],
    ['another environment', { ...OURS, 'ephemeral.dev/environment': 'app-pr-8-def456' }],
    ['managed-by without an environment', { 'ephemeral.dev/managed-by': 'ephemeral' }],
  ])('foreign: %s', (_, labels) => {
    const r = resource('x', labels);
    expect(foreignResources([resource('a', OURS), r], 'app-pr-7-abc123')).toEqual([r]);
  });

  it('the refusal names the project, the label and up to five resources', () => {
    const foreign = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => resource(n, {}));
    const reason = refusalReason('app-pr-7-abc123', foreign);
    expect(reason).toBe(
      'Compose project "app-pr-7-abc123" has resources without the ephemeral.dev/managed-by=ephemeral label for this environment (container a, container b, container c, container d, container e); it was not created by these actions, so nothing was removed',
    );
  });
});
