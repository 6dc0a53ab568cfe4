/**
 * Running a program inside a service of the environment — the seam between the command-line clients
 * (psql.ts, mysql-client.ts, redis-cli.ts) and the platform. Compose implements it with
 * `docker compose exec -T` on the shared `DockerCompose` wrapper (the exec funnel: argv, no shell, a
 * timeout); a Kubernetes implementation would use `kubectl exec` and leave the clients unchanged.
 */

import { type DockerCompose, execArgs, type ProjectRef } from '../../../../shared/src/compose/compose.js';
import type { RunResult } from '../../../../shared/src/exec/cli.js';
import { SqlError } from '../types.js';

/** Options of one command in a service. */
export interface ServiceExecOptions {
  /**
   * Variables for the program (passwords): set in the exec process's own environment and handed over by
   * name, so their values appear in no argv.
   */
  env: Record<string, string>;
  /** Kill after this many ms. */
  timeoutMs: number;
  /** Cap on stdout kept in memory, in bytes. */
  maxStdoutBytes: number;
}

/** Runs programs in the environment's services. */
export interface ServiceExec {
  /** For messages: `service db of Compose project webapp-pr-42-ab12cd`. */
  describe(service: string): string;
  /** Runs `argv` in `service`; never throws for a non-zero exit (the caller reads exitCode/stderr). */
  run(service: string, argv: readonly string[], options: ServiceExecOptions): Promise<RunResult>;
}

/** `ServiceExec` on a Compose project (`docker compose exec -T -e NAME… -- <service> <argv…>`). */
export class ComposeServiceExec implements ServiceExec {
  constructor(
    private readonly compose: DockerCompose,
    private readonly project: ProjectRef,
  ) {}

  describe(service: string): string {
    return `service ${service} of Compose project ${this.project.name}`;
  }

  run(service: string, argv: readonly string[], options: ServiceExecOptions): Promise<RunResult> {
    return this.compose.tryRun(
      this.project,
      execArgs({ service, argv, envNames: Object.keys(options.env) }),
      { env: options.env, timeoutMs: options.timeoutMs, maxStdoutBytes: options.maxStdoutBytes },
    );
  }
}

/** The most stdout a client's result may hold, in bytes. */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/**
 * The parsed result of a client that exited 0.
 * @throws SqlError when the output reached `MAX_RESULT_BYTES` (the result would be cut)
 */
export function parsedResult<T>(result: RunResult, parse: (stdout: string) => T): T {
  if (result.truncated) throw new SqlError('the result is larger than 16 MiB; select fewer rows or columns');
  return parse(result.stdout);
}

/** The error text of a failed exec: the program's stderr (last lines), or why it did not run. */
export function execFailure(result: RunResult): string {
  if (result.spawnError) return `could not start docker: ${result.spawnError}`;
  if (result.timedOut) return `no answer within ${result.durationMs} ms`;
  const text = (result.stderr || result.stdout).trim().split('\n').slice(-6).join(' ').trim();
  return text || `exit ${result.exitCode}`;
}

/**
 * True when the failure is about reaching the service or the program (no container, not running, client
 * not installed), not about the query.
 */
export function isReachFailure(result: RunResult): boolean {
  if (result.spawnError || result.timedOut) return true;
  return /no such service|is not running|service ".*" is not running|executable file not found|no container found|OCI runtime exec failed|could not connect|connection refused|can't connect|No such file or directory \(.*socket|Could not connect/i.test(
    result.stderr,
  );
}
