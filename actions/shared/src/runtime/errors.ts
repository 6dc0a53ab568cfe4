/**
 * Error types shared by every action.
 *
 * A `UserInputError` is the user's to fix (a bad input, a compose file we refuse); the action fails with its
 * message alone, no stack. A `ToolError` is a CLI (docker, docker compose) that exited non-zero; it carries the
 * argv (never a shell string) and a bounded stderr tail so the failure can be read without debug logging.
 */

import { redactArgv } from './secret-text.js';

/** A bad input or configuration. `message` names the input, what was wrong and the fix. */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  /**
   * @param input the action input (or file/key) that is wrong, e.g. `timeout` or `compose.yaml: services.db.container_name`
   * @param problem what was wrong, e.g. `"10x" is not a duration`
   * @param fix what to do instead, e.g. `use a number of seconds or a unit: 90s, 5m, 1h`
   */
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`Input "${input}": ${problem}. Fix: ${fix}.`);
  }
}

/** A command run through the exec funnel failed (non-zero exit, timeout or could not start). */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  /** The command as shown: secret-named flag values, `NAME=value` secrets and URL passwords as `***`. */
  readonly argv: readonly string[];
  /**
   * @param argv the command as run (or as the caller shows it), argv[0] being the program
   * @param exitCode the exit code, or null when it was killed or could not start
   * @param stderrTail the last bytes of stderr (at most 4 KiB), already redacted by the caller where needed
   * @param reason short cause: `exit 1`, `timed out after 30000 ms`, `spawn ENOENT`
   */
  constructor(
    argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderrTail: string,
    readonly reason: string,
  ) {
    const shown = redactArgv(argv).argv;
    super(`\`${shown.join(' ')}\` failed (${reason})${stderrTail ? `: ${stderrTail.trim()}` : ''}`);
    this.argv = shown;
  }
}

/** A deadline passed before the awaited condition held. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  /** @param what what was awaited; @param deadlineMs the deadline that passed, in ms */
  constructor(
    readonly what: string,
    readonly deadlineMs: number,
    detail: string,
  ) {
    super(`${what} did not happen within ${Math.round(deadlineMs / 100) / 10} s: ${detail}`);
  }
}

/** Renders any thrown value as a one-line message for `core.setFailed`. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The machine lacks something the action needs (Docker, Compose v2). `message` says what and the fix. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${problem}. Fix: ${fix}.`);
  }
}
