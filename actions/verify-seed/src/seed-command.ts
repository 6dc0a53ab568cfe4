/**
 * The optional `seed-command`: an idempotent seed run before verifying, through the exec funnel (argv, no
 * shell). The input is a YAML list (`[docker, compose, run, --rm, seed]`, or one `- item` per line) or a
 * plain command line split on whitespace; quotes, pipes, redirections and `$(…)` mean nothing without a
 * shell, so a plain line holding them is refused with the fix (use the list form). It runs in
 * working-directory with COMPOSE_PROJECT_NAME and COMPOSE_FILE set from provision-compose's hand-off (unless
 * the step sets them), so `docker compose exec -T db …` / `docker compose run --rm seed` address the
 * environment. Its output streams to the log (secrets masked); a failure fails the action with the tail of
 * its stderr, before any check runs.
 */
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import * as core from '@actions/core';
import { parse as parseYaml } from 'yaml';
import { type RunResult, run } from '../../shared/src/exec/cli.js';
import { requireProgram } from '../../shared/src/exec/program.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { ENV_VCLUSTER_KUBECONFIG } from '../../shared/src/runtime/handoff.js';
import { redact, registerArgvSecrets } from '../../shared/src/runtime/secrets.js';

/**
 * Parses the `seed-command` input; [] when empty. Its secret values are registered (masked and redacted).
 * @throws UserInputError naming the input when it is neither a list of strings nor a plain command line
 */
export function parseSeedCommand(input: string, text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') || trimmed.startsWith('- ')) {
    let value: unknown;
    try {
      value = parseYaml(trimmed);
    } catch (error) {
      throw new UserInputError(
        input,
        `is not a valid YAML list (${(error as Error).message.split('\n')[0]})`,
        'write it as [program, arg, …] or one "- arg" per line',
      );
    }
    if (!Array.isArray(value) || value.length === 0 || value.some((v) => v === null || typeof v === 'object'))
      throw new UserInputError(input, 'must be a non-empty list of strings', 'write it as [program, arg, …]');
    return withSecretsRegistered(value.map(String));
  }
  if (/["'`\\|&;<>]|\$\(/.test(trimmed)) {
    throw new UserInputError(
      input,
      'holds quotes or shell syntax, but it is run without a shell (argv), so they would reach the program literally',
      'write it as a YAML list, one argument per item: [psql, -c, "SELECT 1"]',
    );
  }
  return withSecretsRegistered(trimmed.split(/\s+/));
}

/**
 * Parses the `seed-command` input (see `parseSeedCommand`) and checks that its program can be started from
 * `cwd`, before anything runs; [] when empty.
 * @throws UserInputError naming the input when it does not parse or its program is not found
 */
export function readSeedCommand(input: string, text: string, cwd: string): string[] {
  const argv = parseSeedCommand(input, text);
  if (argv.length > 0)
    requireProgram(
      input,
      argv[0]!,
      `install ${argv[0]} on the runner, or give its path (relative to working-directory, ${cwd}) as the first item`,
      cwd,
    );
  return argv;
}

/** Registers the command line's secret values (`--password x`, `TOKEN=x`, URL passwords) before any log line. */
function withSecretsRegistered(argv: string[]): string[] {
  registerArgvSecrets(argv);
  return argv;
}

/** What the seed command needs to run. */
export interface SeedRun {
  argv: string[];
  cwd: string;
  timeoutMs: number;
  /** The Compose project and files from provision-compose, for `docker compose` inside the command. */
  project: string;
  composeFiles: string[];
}

/**
 * The environment additions for the seed command (only what the step did not set itself). After
 * deploy-namespace with `isolation: vcluster`, KUBECONFIG is the virtual cluster's
 * (`EPHEMERAL_VCLUSTER_KUBECONFIG`, while its file exists), so `kubectl exec …` in the command reaches the app,
 * whatever KUBECONFIG the job or a cluster-login action set (the host's); a command that needs the host
 * passes `--kubeconfig` itself, which kubectl prefers to the variable.
 */
export function seedEnv(
  seed: Pick<SeedRun, 'project' | 'composeFiles'>,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (seed.project && !env.COMPOSE_PROJECT_NAME) out.COMPOSE_PROJECT_NAME = seed.project;
  if (seed.composeFiles.length > 0 && !env.COMPOSE_FILE) {
    out.COMPOSE_FILE = seed.composeFiles.join(delimiter);
    if (delimiter !== ':') out.COMPOSE_PATH_SEPARATOR = delimiter;
  }
  const virtual = env[ENV_VCLUSTER_KUBECONFIG];
  if (virtual && existsSync(virtual)) out.KUBECONFIG = virtual;
  return out;
}

/**
 * Runs the seed command, streaming its output to the log.
 * @throws Error with the exit code and the tail of stderr when it fails or times out
 */
export async function runSeedCommand(seed: SeedRun, runner = run): Promise<RunResult> {
  core.info(
    `Seed: ${redact(seed.argv.join(' '))} (in ${seed.cwd}, timeout ${Math.round(seed.timeoutMs / 1000)} s)`,
  );
  const result = await runner(seed.argv, {
    cwd: seed.cwd,
    env: seedEnv(seed, process.env),
    timeoutMs: seed.timeoutMs,
    maxStdoutBytes: 1024 * 1024,
    onLine: (line) => core.info(`seed │ ${redact(line)}`),
    onStderrLine: (line) => core.info(`seed │ ${redact(line)}`),
  });
  if (result.exitCode === 0) return result;
  const why = result.spawnError
    ? `could not start ${seed.argv[0]} (${result.spawnError})`
    : result.timedOut
      ? `did not finish within ${Math.round(seed.timeoutMs / 1000)} s`
      : `exited ${result.exitCode}`;
  const tail = redact(result.stderr.trim().split('\n').slice(-8).join('\n'));
  throw new Error(`seed-command ${why}${tail ? `: ${tail}` : ''}`);
}
