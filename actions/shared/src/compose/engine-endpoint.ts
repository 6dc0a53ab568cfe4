/**
 * Which Unix socket the docker CLI talks to, so that the actions' read-only look-ups can ask the Docker
 * Engine API there directly (compose/engine.ts) instead of starting a `docker` process per look-up (issue 12:
 * `GET /containers/json` ~3 ms over the socket against ~27 ms for `docker container ls` on the bench machine).
 * The answer must be the engine the CLI and Compose reach, or none: then every look-up goes through the CLI
 * as before.
 *
 * The docker CLI picks its endpoint in this order (docker/cli cli/command/cli.go `resolveContextName`;
 * https://docs.docker.com/engine/manage-resources/contexts/,
 * https://docs.docker.com/reference/cli/docker/#environment-variables): `DOCKER_HOST` (the default context
 * with that host), then `DOCKER_CONTEXT`, then the config file's `currentContext`, then the default context,
 * whose host on Linux is `unix:///var/run/docker.sock`. This look-up answers only where that order leads to a
 * Unix socket without a context store: `DOCKER_HOST=unix:///<absolute path>`, or no `DOCKER_HOST` and the
 * default context. It defers (null) on a TCP or SSH host, a named context, a config file it cannot read, both
 * `DOCKER_HOST` and `DOCKER_CONTEXT` set (CLI versions differ there), and `DOCKER_API_VERSION` (a pinned API
 * version the CLI would send).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The default context's socket on Linux (docker/docker client `DefaultDockerHost`). */
export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** What the look-up reads: the environment and the home directory; tests pass their own. */
export interface EndpointSources {
  env: NodeJS.ProcessEnv;
  home: string;
}

/** The config file's `currentContext`: undefined when there is no file or no key, null when it cannot be read. */
function currentContext(configDir: string): string | undefined | null {
  try {
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as unknown;
    if (config === null || typeof config !== 'object' || Array.isArray(config)) return null;
    const value = (config as { currentContext?: unknown }).currentContext;
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : null;
  } catch (error) {
    // No config file is the common case (the CLI's defaults); one that cannot be read or parsed is not.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

/**
 * The absolute path of the Unix socket the docker CLI would use, or null when it would use something else
 * or this look-up cannot be sure (see the module docs). Reads one file; no process, no connection.
 */
export function engineSocket(
  sources: EndpointSources = { env: process.env, home: homedir() },
): string | null {
  const { env } = sources;
  if (env.DOCKER_API_VERSION) return null;
  const host = env.DOCKER_HOST;
  if (host) {
    if (env.DOCKER_CONTEXT) return null;
    if (!host.startsWith('unix://')) return null;
    const path = host.slice('unix://'.length);
    return isAbsolute(path) ? path : null;
  }
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return null;
  const context = currentContext(env.DOCKER_CONFIG || join(sources.home, '.docker'));
  if (context === null) return null;
  if (context !== undefined && context !== 'default' && !env.DOCKER_CONTEXT) return null;
  return DEFAULT_SOCKET;
}
