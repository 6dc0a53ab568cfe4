/**
 * The Compose project a later step (wait-ready, verify-seed) addresses: the `project` input, else the one
 * provision-compose handed off earlier in the job (EPHEMERAL_ENVIRONMENT, else COMPOSE_PROJECT_NAME), with
 * its files (the generated override included) and project directory when they belong to that project.
 */

import { UserInputError } from '../runtime/errors.js';
import {
  ENV_COMPOSE_DIRECTORY,
  ENV_COMPOSE_FILES,
  ENV_COMPOSE_PROJECT,
  ENV_ENVIRONMENT,
} from '../runtime/handoff.js';
import type { ProjectRef } from './compose.js';
import { PROJECT_NAME } from './names.js';

/** A project and what provision-compose handed off with it. */
export interface HandedOffProject {
  /** The Compose project name, '' when none is known. */
  project: string;
  /** The Compose files (absolute), [] unless `project` is the one provision-compose started. */
  composeFiles: string[];
  /** The project directory, '' when none was handed off. */
  composeDirectory: string;
}

/**
 * Reads the project from the input and the hand-off (pure).
 * @param input the `project` input ('' to take the hand-off)
 * @throws UserInputError naming `project` when `input` is not a valid Compose project name
 */
export function handedOffProject(input: string, env: NodeJS.ProcessEnv): HandedOffProject {
  if (input !== '' && !PROJECT_NAME.test(input)) {
    const suggestion =
      input
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[-_]+|-+$/g, '') || 'env';
    throw new UserInputError(
      'project',
      `"${input}" is not a Compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit)`,
      `use the name provision-compose printed (its environment-name output), such as "${suggestion}", or leave "project" empty to take the one provision-compose handed off in this job`,
    );
  }
  const project = input || env[ENV_ENVIRONMENT] || env[ENV_COMPOSE_PROJECT] || '';
  const files = (env[ENV_COMPOSE_FILES] ?? '').split('\n').filter(Boolean);
  return {
    project,
    composeFiles: project === (env[ENV_ENVIRONMENT] ?? '') ? files : [],
    composeDirectory: env[ENV_COMPOSE_DIRECTORY] ?? '',
  };
}

/** The project as `DockerCompose` addresses it: the files and directory only when they were handed off. */
export function projectRef(h: HandedOffProject): ProjectRef {
  return {
    name: h.project,
    ...(h.composeFiles.length ? { files: h.composeFiles } : {}),
    ...(h.composeDirectory && h.composeFiles.length ? { projectDirectory: h.composeDirectory } : {}),
  };
}
