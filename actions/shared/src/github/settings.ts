/**
 * The GitHub inputs shared by provision-compose, deploy-namespace and teardown (the token, the sticky
 * comment and GitHub Deployments), and their comment-only subset for wait-ready and verify-seed (which add
 * their line to the comment and record no Deployment). Read once, validated, frozen.
 */
import { UserInputError } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { GITHUB_MODES, type GitHubMode } from './policy.js';

/** Input names (each action's contract lists the ones it declares). */
export const GITHUB_INPUTS = {
  token: 'github-token',
  comment: 'comment',
  commentAuthor: 'comment-author',
  deployment: 'github-deployment',
  deploymentEnvironment: 'deployment-environment',
} as const;

/**
 * Their action.yml defaults, spread into the DEFAULTS of each action that declares them. `github-token`'s
 * default is an expression the runner evaluates; the code never falls back to its text (an empty token
 * means no token).
 */
export const GITHUB_DEFAULTS = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's expression, as action.yml spells it
  'github-token': '${{ github.token }}',
  comment: 'auto',
  'comment-author': 'github-actions[bot]',
  'github-deployment': 'auto',
  'deployment-environment': '',
} as const;

/**
 * The GitHub inputs of the two deploying actions (provision-compose, deploy-namespace), keyed as their
 * INPUTS tables key them: the shared ones plus the Deployment's `environment-url` and `fail-on-superseded`.
 */
export const DEPLOY_GITHUB_INPUTS = {
  githubToken: GITHUB_INPUTS.token,
  comment: GITHUB_INPUTS.comment,
  commentAuthor: GITHUB_INPUTS.commentAuthor,
  githubDeployment: GITHUB_INPUTS.deployment,
  deploymentEnvironment: GITHUB_INPUTS.deploymentEnvironment,
  environmentUrl: 'environment-url',
  failOnSuperseded: 'fail-on-superseded',
} as const;

/** Their action.yml defaults, spread into the DEFAULTS of both deploying actions. */
export const DEPLOY_GITHUB_DEFAULTS = {
  ...GITHUB_DEFAULTS,
  'environment-url': '',
  'fail-on-superseded': 'false',
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
  const commentAuthor = readCommentAuthor(inputs);
  return Object.freeze({
    // Only a value the runner passed: the default's text is an expression, never a token.
    token: inputs.given(GITHUB_INPUTS.token) ? inputs.string(GITHUB_INPUTS.token) : '',
    comment: inputs.choice(GITHUB_INPUTS.comment, GITHUB_MODES),
    commentAuthor,
    deployment: inputs.choice(GITHUB_INPUTS.deployment, GITHUB_MODES),
    deploymentEnvironment,
  });
}

/** The comment-only inputs' defaults (wait-ready, verify-seed): the same text as GITHUB_DEFAULTS. */
export const COMMENT_DEFAULTS = {
  'github-token': GITHUB_DEFAULTS['github-token'],
  comment: GITHUB_DEFAULTS.comment,
  'comment-author': GITHUB_DEFAULTS['comment-author'],
} as const;

/**
 * The comment-only settings (wait-ready, verify-seed): `github-token`, `comment`, `comment-author`;
 * Deployments `never`.
 * @throws UserInputError for a comment mode outside auto | always | never
 */
export function readCommentSettings(inputs: Inputs): GitHubSettings {
  return Object.freeze({
    token: inputs.given(GITHUB_INPUTS.token) ? inputs.string(GITHUB_INPUTS.token) : '',
    comment: inputs.choice(GITHUB_INPUTS.comment, GITHUB_MODES),
    commentAuthor: readCommentAuthor(inputs),
    deployment: 'never' as const,
    deploymentEnvironment: '',
  });
}

/**
 * The `environment-url` input: '' or an http(s) URL (GitHub shows it as the environment's link;
 * https://docs.github.com/en/rest/deployments/statuses#create-a-deployment-status).
 * @throws UserInputError naming `environment-url`
 */
export function readEnvironmentUrl(inputs: Inputs, input = 'environment-url'): string {
  const url = inputs.string(input);
  if (url && !/^https?:\/\/[^\s/]+\S*$/.test(url))
    throw new UserInputError(
      input,
      `"${url}" is not an http(s) URL`,
      'write a full URL, e.g. https://pr-7.preview.example.com',
    );
  return url;
}

/**
 * The `comment-author` input: '' or a GitHub login (1-39 letters, digits and single hyphens; apps post as
 * `<slug>[bot]`).
 * @throws UserInputError naming `comment-author`
 */
function readCommentAuthor(inputs: Inputs): string {
  const commentAuthor = inputs.string(GITHUB_INPUTS.commentAuthor);
  if (commentAuthor && !/^[A-Za-z0-9](?:-?[A-Za-z0-9])*(\[bot\])?$/.test(commentAuthor))
    throw new UserInputError(
      GITHUB_INPUTS.commentAuthor,
      `"${commentAuthor}" is not a GitHub login`,
      'give the login the comment is written by, e.g. my-app[bot] or octocat',
    );
  return commentAuthor;
}
