/**
 * `docker compose exec` with environment variables passed by name only. `exec -e NAME` (no `=value`) copies
 * NAME from the calling process's environment into the container
 * (https://docs.docker.com/reference/cli/docker/compose/exec/), so a password set in the child's env
 * never appears in an argv: not in `ps`, not in a `ToolError` message, not in a log line.
 */

/** What to run in a service's container. */
export interface ExecInService {
  /** The Compose service, e.g. `db`. */
  service: string;
  /** Program and arguments inside the container (no shell), e.g. `['psql', '-X', '-c', 'SELECT 1']`. */
  argv: readonly string[];
  /** Names of variables to copy from the caller's environment into the container (values stay out of argv). */
  envNames?: readonly string[];
  /** `--user` inside the container, e.g. `postgres`. */
  user?: string;
}

/** `exec -T [-e NAME]… [--user U] -- <service> <argv…>` (pure). */
export function execInServiceArgs(spec: ExecInService): string[] {
  return [
    'exec',
    '-T',
    ...(spec.envNames ?? []).flatMap((name) => ['-e', name]),
    ...(spec.user ? ['--user', spec.user] : []),
    '--',
    spec.service,
    ...spec.argv,
  ];
}
