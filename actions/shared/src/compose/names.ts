/**
 * The name rules of Compose, checked on inputs before anything runs, so a bad name fails naming its input
 * instead of reaching `docker compose` (or a log line) as given.
 */

/**
 * A Compose project name: lowercase letters, digits, "-" and "_", starting with a letter or digit.
 * Source: https://docs.docker.com/compose/how-tos/project-name/
 */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * A Compose service name. Source: the compose-spec JSON schema, `services` pattern properties
 * (https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json).
 */
export const SERVICE_NAME = /^[a-zA-Z0-9._-]+$/;
/** `SERVICE_NAME` in words, for errors. */
export const SERVICE_NAME_RULE = 'letters, digits, ".", "_" and "-" (the compose-spec rule)';

/**
 * A Compose profile name: a letter or digit, then letters, digits, "_", "." and "-". The docs write the
 * rule `[a-zA-Z0-9][a-zA-Z0-9_.-]+`; a one-character name is accepted here as Compose itself accepts it.
 * Source: https://docs.docker.com/compose/how-tos/profiles/
 */
export const PROFILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** `PROFILE_NAME` in words, for errors. */
export const PROFILE_NAME_RULE =
  'a letter or digit, then letters, digits, "_", "." and "-" (Compose\'s rule)';
