/**
 * Where the docker CLI finds its Compose plugin, so that the actions can run the plugin's binary directly
 * (`<dir>/docker-compose …`, the stand-alone way: https://docs.docker.com/compose/install/standalone/) instead
 * of through `docker compose …`: the docker CLI's own start and its plugin look-up cost ~50 ms on every call
 * (issue 12: `docker compose version` 68–107 ms against 26–57 ms for the same binary run directly, on the bench
 * machine). The binary is the one `docker compose` runs, and reads the same environment and docker config
 * (DOCKER_HOST, DOCKER_CONTEXT, the config's current context). Run stand-alone, Compose rewrites its leading
 * global flags before the subcommand (docker/compose cmd/compatibility/convert.go; some versions drop a bare
 * `compose` argument there), so `projectArgs` gives every global flag as one `--flag=value` argument.
 *
 * The search order is the docker CLI's (docker/cli cli-plugins/manager/manager.go, `getPluginDirs`): the
 * config file's `cliPluginsExtraDirs`, then `<docker config dir>/cli-plugins` (`DOCKER_CONFIG`, default
 * `~/.docker`), then the system directories (`defaultSystemPluginDirs` on Linux). When the look-up cannot be
 * sure it matches the CLI's (a config file it cannot read, `DOCKER_CLI_PLUGIN_EXTRA_DIRS` set, which some CLI
 * versions also read), it finds nothing and the actions go through `docker compose` as before.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The docker CLI's system plugin directories on Linux, in its order (docker/cli manager_unix.go). */
export const SYSTEM_PLUGIN_DIRS: readonly string[] = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

/** The plugin's file name (the CLI's `docker-` prefix + `compose`). */
export const PLUGIN_FILE = 'docker-compose';

/** Finds the Compose plugin's path, or null; tests pass their own. */
export type PluginLookup = () => string | null;

/** What the look-up reads: the environment, the home directory and the system directories; tests pass their own. */
export interface PluginLookupSources {
  env: NodeJS.ProcessEnv;
  home: string;
  systemDirs: readonly string[];
}

/**
 * The directories the docker CLI searches for plugins, in its order, or null when this look-up cannot be sure
 * it matches the CLI's (see the module docs).
 */
export function pluginDirs(sources: PluginLookupSources): string[] | null {
  if (sources.env.DOCKER_CLI_PLUGIN_EXTRA_DIRS) return null;
  const configDir = sources.env.DOCKER_CONFIG || join(sources.home, '.docker');
  let extra: string[] = [];
  try {
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {
      cliPluginsExtraDirs?: unknown;
    };
    const dirs = config.cliPluginsExtraDirs;
    if (dirs !== undefined && dirs !== null) {
      if (!Array.isArray(dirs) || !dirs.every((d) => typeof d === 'string')) return null;
      extra = dirs;
    }
  } catch (error) {
    // No config file is the common case (the CLI's defaults); one that cannot be read or parsed is not.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  return [...extra, join(configDir, 'cli-plugins'), ...sources.systemDirs];
}

/**
 * The first executable regular file `docker-compose` in `pluginDirs`, as an absolute path; null when there is
 * none or the look-up cannot be sure (then the caller uses `docker compose`). Reads a few files; no process.
 */
export function findComposePlugin(
  sources: PluginLookupSources = { env: process.env, home: homedir(), systemDirs: SYSTEM_PLUGIN_DIRS },
): string | null {
  const dirs = pluginDirs(sources);
  if (!dirs) return null;
  for (const dir of dirs) {
    if (!isAbsolute(dir)) return null; // relative to the CLI's working directory: defer to it
    const path = join(dir, PLUGIN_FILE);
    let file: boolean;
    try {
      file = statSync(path).isFile();
    } catch {
      continue; // not here: the CLI looks in the next directory too
    }
    // The CLI takes the first candidate that exists: one that is not an executable file is an invalid plugin
    // to it, which this look-up cannot reproduce, so it defers to the CLI.
    try {
      if (!file) return null;
      accessSync(path, constants.X_OK);
    } catch {
      return null;
    }
    return path;
  }
  return null;
}

/** True when `argv` runs a plugin binary directly: `[<absolute path ending in /docker-compose>]`. */
export function isDirectPluginArgv(argv: readonly unknown[]): argv is [string] {
  const [path] = argv;
  return (
    argv.length === 1 && typeof path === 'string' && isAbsolute(path) && path.endsWith(`/${PLUGIN_FILE}`)
  );
}
