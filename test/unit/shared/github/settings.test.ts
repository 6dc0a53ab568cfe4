import { describe, expect, it } from 'vitest';
import { GITHUB_DEFAULTS, readGitHubSettings } from '../../../../actions/shared/src/github/settings.js';
import { Inputs } from '../../../../actions/shared/src/runtime/inputs.js';

const read = (given: Record<string, string>) =>
  readGitHubSettings(new Inputs((name) => given[name] ?? '', GITHUB_DEFAULTS));

describe('readGitHubSettings', () => {
  it('reads the action.yml defaults when nothing is given, and an empty token is no token', () => {
    expect(read({})).toEqual({
      token: '',
      comment: 'auto',
      commentAuthor: 'github-actions[bot]',
      deployment: 'auto',
      deploymentEnvironment: '',
    });
  });

  it('takes the token and modes the runner passes', () => {
    const s = read({ 'github-token': 'ghs_x', comment: 'NEVER', 'github-deployment': 'always' });
    expect(s).toMatchObject({ token: 'ghs_x', comment: 'never', deployment: 'always' });
  });

  it('names the input for a bad mode or an over-long environment name', () => {
    expect(() => read({ comment: 'sometimes' })).toThrow(/comment/);
    expect(() => read({ 'deployment-environment': 'x'.repeat(256) })).toThrow(/deployment-environment.*255/s);
  });
});
