/**
 * The GitHub inputs shared by provision-compose, deploy-namespace and teardown: the token, the sticky
 * comment and GitHub Deployments. Read once, validated, frozen.
 */
import { UserInputError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { ACTIONS_BOT_LOGIN } from './comment.js';
import { GITHUB_MODES, type GitHubMode } from './policy.js';

/** Input names (each action's contract lists the ones it declares). */
export const GITHUB_INPUTS = {
  token: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
  deployment: 'github-deployment',
  deploymentEnvironment: 'deployment-environment',
} as const;

/** The settings. */
export interface GitHubSettings {
  /** '' when none: then nothing calls GitHub (guards and comments warn once and step aside). */
  token: string;
  comment: GitHubMode;
  /** The login the sticky comment must have been written by. */
  commentAuthor: string;
  deployment: GitHubMode;
  /** The GitHub environment name for Deployments ('' = the environment name). */
  deploymentEnvironment: string;
}

/**
 * @throws UserInputError for a mode outside auto | always | never, or a deployment environment name GitHub
 *   would refuse (over 255 characters)
 */
export function readGitHubSettings(inputs: Inputs): GitHubSettings {
  const deploymentEnvironment = inputs.string(GITHUB_INPUTS.deploymentEnvironment);
  if (deploymentEnvironment.length > 255)
    throw new UserInputError(
      GITHUB_INPUTS.deploymentEnvironment,
      `is ${deploymentEnvironment.length} characters long; GitHub environment names have at most 255`,
      'use a shorter name, or leave it empty to use the environment name',
    );
  return Object.freeze({
    token: inputs.string(GITHUB_INPUTS.token),
    comment: inputs.choice(GITHUB_INPUTS.comment, GITHUB_MODES, 'auto'),
    commentAuthor: inputs.string(GITHUB_INPUTS.commentAuthor, ACTIONS_BOT_LOGIN),
    deployment: inputs.choice(GITHUB_INPUTS.deployment, GITHUB_MODES, 'auto'),
    deploymentEnvironment,
  });
}
