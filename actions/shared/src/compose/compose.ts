/**
 * Docker Compose v2 through the exec funnel: detection, and pure argv builders that unit tests table-test.
 * Flags as documented at https://docs.docker.com/reference/cli/docker/compose/.
 */
import * as core from '@actions/core';
import { mustSucceed, type Runner, type RunOptions, type RunResult, run } from '../exec/cli.js';
import { SetupError } from '../runtime/errors.js';
import { ENV_COMPOSE_CLI } from '../runtime/handoff.js';
import { findComposePlugin, isDirectPluginArgv, type PluginLookup } from './plugin-path.js';

/**
 * How to invoke Compose v2: the CLI plugin's binary run directly (`<plugin dir>/docker-compose`, found
 * where the docker CLI finds it: plugin-path.ts), the CLI plugin through the docker CLI (`docker compose`), or
 * the stand-alone v2 binary (`docker-compose`).
 */
export interface ComposeBinary {
  /**
   * argv prefix, e.g. `['/usr/libexec/docker/cli-plugins/docker-compose']`, `['docker', 'compose']`
   * or `['docker-compose']`.
   */
  argv: string[];
  /** e.g. `2.26.1`. */
  version: string;
}

/** Which Compose project a command addresses. Only `name` is needed for `down`, `ps` and `logs`. */
export interface ProjectRef {
  /** The Compose project name (`--project-name`). */
  name: string;
  /** `--file` arguments, in order; later files override earlier ones. */
  files?: string[];
  /** `--project-directory`; relative paths in the files resolve against it. */
  projectDirectory?: string;
  profiles?: string[];
  /** `--env-file` arguments. */
  envFiles?: string[];
}

const FIX =
  'install Compose v2: the docker compose plugin (https://docs.docker.com/compose/install/linux/) or the stand-alone v2 docker-compose binary; Compose v1 was removed from GitHub-hosted runners (actions/runner-images#9692)';

/** Extracts `2.26.1` from `v2.26.1`, `Docker Compose version v2.26.1` or `docker-compose version 1.29.2, build …`. */
export function parseComposeVersion(text: string): string | null {
  const match = /v?(\d+\.\d+\.\d+)/.exec(text);
  return match ? match[1]! : null;
}

/** Where the Compose CLI found is handed to the job's later steps; tests pass their own. */
export interface ComposeHandOff {
  /** The value an earlier step of the job handed off, if any. */
  read(): string | undefined;
  /** Hands `value` to the later steps. */
  write(value: string): void;
}

/** The job's hand-off: the `EPHEMERAL_COMPOSE_CLI` variable, exported through `GITHUB_ENV`. */
export const jobComposeHandOff: ComposeHandOff = {
  read: () => process.env[ENV_COMPOSE_CLI],
  write: (value) => core.exportVariable(ENV_COMPOSE_CLI, value),
};

const CANDIDATES: readonly string[][] = [['docker', 'compose'], ['docker-compose']];

/** The argv prefixes detection tries, in order: the plugin's binary directly when found, then `CANDIDATES`. */
function candidates(plugin: PluginLookup): string[][] {
  const path = plugin();
  return [...(path ? [[path]] : []), ...CANDIDATES.map((c) => [...c])];
}

/**
 * The CLI detection will most likely pick, before it has answered: the one a previous step handed off, else
 * the first candidate (the plugin's binary run directly when the docker CLI's look-up finds it, else
 * `docker compose`: GitHub's runners have the plugin). `version` is '' when not yet known. Used to start
 * read-only work (`config`) beside detection; the answer counts only if detection agrees.
 */
export function likelyCompose(
  handOff: ComposeHandOff = jobComposeHandOff,
  plugin: PluginLookup = findComposePlugin,
): ComposeBinary {
  return parseHandedOffCompose(handOff.read()) ?? { argv: candidates(plugin)[0]!, version: '' };
}

/**
 * The handed-off binary when `text` names a candidate (or a plugin binary run directly: an absolute path
 * ending in `/docker-compose`) and a Compose v2 version, else null (then detect).
 */
export function parseHandedOffCompose(text: string | undefined): ComposeBinary | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as { argv?: unknown; version?: unknown };
    const given = Array.isArray(value.argv) ? (value.argv as unknown[]) : [];
    const argv = isDirectPluginArgv(given)
      ? given
      : CANDIDATES.find((c) => JSON.stringify(c) === JSON.stringify(given));
    const version = typeof value.version === 'string' ? parseComposeVersion(value.version) : null;
    return argv && version !== null && version === value.version && Number(version.split('.')[0]) >= 2
      ? { argv: [...argv], version }
      : null;
  } catch {
    return null;
  }
}

/**
 * Finds Compose v2 once per job: the CLI an earlier step handed off (`EPHEMERAL_COMPOSE_CLI`, no process
 * started), else `version --short` of the plugin's binary run directly (where the docker CLI finds it), then
 * `docker compose`, then a stand-alone `docker-compose` — and hands the result off to the later steps. A
 * `docker compose` call costs ~50 ms more than the same binary run directly (issue 12; plugin-path.ts).
 * @throws SetupError when only Compose v1 or nothing is found, naming the fix
 */
export async function detectCompose(
  runner: Runner = run,
  handOff: ComposeHandOff = jobComposeHandOff,
  plugin: PluginLookup = findComposePlugin,
): Promise<ComposeBinary> {
  const handedOff = parseHandedOffCompose(handOff.read());
  if (handedOff) return handedOff;
  let v1: string | null = null;
  for (const argv of candidates(plugin)) {
    const result = await runner([...argv, 'version', '--short'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) continue;
    const version = parseComposeVersion(result.stdout);
    if (!version) continue;
    if (Number(version.split('.')[0]) >= 2) {
      handOff.write(JSON.stringify({ argv, version }));
      return { argv, version };
    }
    v1 = version;
  }
  if (v1)
    throw new SetupError(
      `Only Compose v1 (docker-compose ${v1}) was found; the actions need Compose v2`,
      FIX,
    );
  throw new SetupError(
    'Docker Compose was not found (neither "docker compose" nor "docker-compose" answered)',
    FIX,
  );
}

/** True when `version` (x.y.z) is at least `min`. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * The global options addressing a project: `--project-name=…`, `--file=…`…, `--project-directory=…`,
 * `--profile=…`…, `--env-file=…`…, each flag and its value as ONE argument: Compose run stand-alone reads the
 * arguments before the subcommand itself, and a value on its own there (a project or file named `compose`)
 * can be taken for the subcommand (plugin-path.ts).
 */
export function projectArgs(project: ProjectRef): string[] {
  return [
    `--project-name=${project.name}`,
    ...(project.files ?? []).map((file) => `--file=${file}`),
    ...(project.projectDirectory ? [`--project-directory=${project.projectDirectory}`] : []),
    ...(project.profiles ?? []).map((profile) => `--profile=${profile}`),
    ...(project.envFiles ?? []).map((file) => `--env-file=${file}`),
  ];
}

/**
 * `build` input: `auto` (default) and `always` build every service that has a `build:` section on every run
 * (`up --build`), from the layer cache, so each push runs its own code; `missing` builds only absent images
 * (a self-hosted runner may then serve a previous push's image); `never` builds nothing (`--no-build`).
 */
export type BuildPolicy = 'auto' | 'always' | 'missing' | 'never';
/** `pull` input, passed as `up --pull`: `missing` (default), `always`, `never`. */
export type PullPolicy = 'missing' | 'always' | 'never';

/**
 * `up --detach` arguments; with `noStart`, `--no-start`: images built or pulled and every container
 * created, none started (compose/ordered-start.ts starts them).
 */
export function upArgs(options: {
  build: BuildPolicy;
  pull: PullPolicy;
  services: string[];
  noStart?: boolean;
}): string[] {
  const build = options.build === 'never' ? ['--no-build'] : options.build === 'missing' ? [] : ['--build'];
  const start = options.noStart ? ['--no-start'] : [];
  return [
    'up',
    '--detach',
    '--remove-orphans',
    '--pull',
    options.pull,
    ...build,
    ...start,
    '--',
    ...options.services,
  ];
}

/** `config --format json`: the resolved model, interpolated, with profiles applied. */
export function configArgs(): string[] {
  return ['config', '--format', 'json'];
}

/** `ps --all --format json`: every container of the project, including exited one-shots. */
export function psArgs(): string[] {
  return ['ps', '--all', '--format', 'json'];
}

/** `logs --no-color --timestamps --tail <n> <service>`; the tail bounds the size (compose-action #297). */
export function logsArgs(service: string, tailLines: number): string[] {
  return ['logs', '--no-color', '--timestamps', '--tail', String(tailLines), '--', service];
}

/**
 * What to run in a service's container. Variables are passed by name only: `exec -e NAME` (no `=value`)
 * copies NAME from the calling process's environment into the container
 * (https://docs.docker.com/reference/cli/docker/compose/exec/), so a password set in the child's env never
 * appears in an argv: not in `ps`, not in a `ToolError` message, not in a log line.
 */
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

/** `exec -T [-e NAME]… [--user U] -- <service> <argv…>`: a command in a service's container, no TTY, no shell. */
export function execArgs(spec: ExecInService): string[] {
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

/** A Compose CLI bound to one binary: `compose.run(project, sub)` = `<bin> <project args> <sub…>`. */
export class DockerCompose {
  constructor(
    readonly binary: ComposeBinary,
    private readonly runner: Runner = run,
  ) {}

  /** The full argv for `sub` on `project` (pure). */
  argv(project: ProjectRef, sub: string[]): string[] {
    return [...this.binary.argv, ...projectArgs(project), ...sub];
  }

  /** Runs and returns the result, whatever the exit code. */
  tryRun(project: ProjectRef, sub: string[], options?: RunOptions): Promise<RunResult> {
    return this.runner(this.argv(project, sub), options);
  }

  /**
   * Runs and throws unless it exits 0.
   * @throws ToolError
   */
  async run(project: ProjectRef, sub: string[], options?: RunOptions): Promise<RunResult> {
    return mustSucceed(await this.tryRun(project, sub, options));
  }
}
