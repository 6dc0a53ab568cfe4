/**
 * The exec funnel: the one place the actions start processes. argv arrays only, never a shell string
 * (`shell: false`), so an argument like `; rm -rf /` stays one literal argument.
 *
 * Built on `node:child_process` rather than `@actions/exec` because the toolkit's exec can neither time
 * out nor kill its child (actions/toolkit#1777, #1656), and every external call here needs a deadline and
 * must die with a cancelled step.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ToolError } from './errors.js';

/** Where to stream stdout instead of holding it in memory (logs: compose-action #297). */
export interface StreamToFile {
  path: string;
  /** Stop writing after this many bytes (a note is appended); the process keeps running to completion. */
  maxBytes: number;
}

/** Options for one command. */
export interface RunOptions {
  cwd?: string;
  /** Merged over `process.env`; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** Kill (SIGTERM, then SIGKILL after 5 s) when still running after this many ms. Default 300000 (5 min). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Stream stdout to a file (bounded) instead of returning it. */
  stdoutFile?: StreamToFile;
  /** At most this many bytes of stdout are kept in memory (the rest is dropped, `truncated` set). Default 32 MiB. */
  maxStdoutBytes?: number;
  /** Called with each complete stdout line (for live progress). */
  onLine?: (line: string) => void;
  /** Called with each complete stderr line (Compose writes its progress there). */
  onStderrLine?: (line: string) => void;
}

/** The structured result of a command. */
export interface RunResult {
  argv: string[];
  /** Exit code, or null when killed by a signal or the program could not start. */
  exitCode: number | null;
  stdout: string;
  /** The last 64 KiB of stderr. */
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** True when stdout went over `maxStdoutBytes` or the file cap. */
  truncated: boolean;
  /** The spawn error (`ENOENT` when the program is missing), if any. */
  spawnError?: string;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const STDERR_KEEP = 64 * 1024;
const live = new Set<import('node:child_process').ChildProcess>();

/**
 * Runs `argv` and returns its result; never throws for a non-zero exit (see `mustSucceed`).
 * @param argv program and arguments, e.g. `['docker', 'compose', 'ps']`
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) throw new Error('run(): empty argv');
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const maxStdout = options.maxStdoutBytes ?? 32 * 1024 * 1024;
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let truncated = false;
    let timedOut = false;
    let spawnError: string | undefined;
    let file: WriteStream | undefined;
    let fileBytes = 0;
    let partial = '';
    if (options.stdoutFile) file = createWriteStream(options.stdoutFile.path);

    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onLine) {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine(line);
      }
      if (file && options.stdoutFile) {
        const room = options.stdoutFile.maxBytes - fileBytes;
        if (room > 0) {
          const piece = chunk.subarray(0, room);
          file.write(piece);
          fileBytes += piece.length;
        }
        if (chunk.length > room && !truncated) {
          truncated = true;
          file.write(`\n[truncated at ${options.stdoutFile.maxBytes} bytes]\n`);
        }
        return;
      }
      if (stdoutBytes + chunk.length > maxStdout) {
        truncated = true;
        const room = maxStdout - stdoutBytes;
        if (room > 0) stdoutChunks.push(chunk.subarray(0, room));
        stdoutBytes = maxStdout;
        return;
      }
      stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
    });
    let partialErr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-STDERR_KEEP);
      if (options.onStderrLine) {
        const lines = (partialErr + text).split('\n');
        partialErr = lines.pop() ?? '';
        for (const line of lines) options.onStderrLine(line);
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');

    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    }, timeoutMs);

    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      live.delete(child);
      if (options.onLine && partial) options.onLine(partial);
      if (options.onStderrLine && partialErr) options.onStderrLine(partialErr);
      const done = () =>
        resolve({
          argv: [...argv],
          exitCode,
          stdout: Buffer.concat(stdoutChunks).toString('utf8'),
          stderr,
          durationMs: Date.now() - started,
          timedOut,
          truncated,
          ...(spawnError ? { spawnError } : {}),
        });
      if (file) file.end(done);
      else done();
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
      finish(null);
    });
    child.on('close', (code) => {
      if (spawnError === undefined) finish(code);
    });
  });
}

/**
 * Throws a `ToolError` unless the command exited 0.
 * @throws ToolError with the argv, exit code and stderr tail (4 KiB)
 */
export function mustSucceed(result: RunResult): RunResult {
  if (result.exitCode === 0) return result;
  const reason = result.spawnError
    ? `could not start: ${result.spawnError}`
    : result.timedOut
      ? `timed out after ${result.durationMs} ms`
      : `exit ${result.exitCode}`;
  throw new ToolError(result.argv, result.exitCode, result.stderr.slice(-4096), reason);
}

/**
 * Sends SIGTERM to every process the funnel started that is still running, and resolves once they have
 * exited or `graceMs` passed (then SIGKILL). Used when the step is cancelled.
 */
export async function terminateAll(graceMs = 5000): Promise<void> {
  const children = [...live];
  if (children.length === 0) return;
  const exited = children.map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('close', () => resolve()),
      ),
  );
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}

/** Number of processes still running (for tests). */
export function liveCount(): number {
  return live.size;
}
