/** The Compose project a later step addresses: the input, else provision-compose's hand-off, with its files. */
import { describe, expect, it } from 'vitest';
import { handedOffProject, projectRef } from '../../../../actions/shared/src/compose/handed-off.js';

const HANDOFF = {
  EPHEMERAL_ENVIRONMENT: 'app-pr-7-abc123',
  COMPOSE_PROJECT_NAME: 'app-pr-7-abc123',
  EPHEMERAL_COMPOSE_FILES: '/w/compose.yaml\n/t/compose.ephemeral.yaml',
  EPHEMERAL_COMPOSE_DIRECTORY: '/w',
};

describe('handedOffProject', () => {
  it('without an input: the environment provision-compose started, with its files and directory', () => {
    const h = handedOffProject('', HANDOFF);
    expect(h).toEqual({
      project: 'app-pr-7-abc123',
      composeFiles: ['/w/compose.yaml', '/t/compose.ephemeral.yaml'],
      composeDirectory: '/w',
    });
    expect(projectRef(h)).toEqual({
      name: 'app-pr-7-abc123',
      files: ['/w/compose.yaml', '/t/compose.ephemeral.yaml'],
      projectDirectory: '/w',
    });
  });

  it("another project named in the input gets none of the hand-off's files", () => {
    const h = handedOffProject('other', HANDOFF);
    expect(h.composeFiles).toEqual([]);
    expect(projectRef(h)).toEqual({ name: 'other' });
  });

  it('COMPOSE_PROJECT_NAME alone (set by hand) names the project; nothing known gives ""', () => {
    expect(handedOffProject('', { COMPOSE_PROJECT_NAME: 'mine' })).toEqual({
      project: 'mine',
      composeFiles: [],
      composeDirectory: '',
    });
    expect(handedOffProject('', {}).project).toBe('');
  });

  it.each(['UPPER!', 'p$(touch x)', '-lead', 'web app'])(
    'refuses %j as the project input, naming "project" and a valid name',
    (input) => {
      expect(() => handedOffProject(input, HANDOFF)).toThrow(/^Input "project": .* Fix: use .*such as "/);
    },
  );
});
