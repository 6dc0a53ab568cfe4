/**
 * The exec funnel: the one place the actions start processes. argv arrays only, never a shell string
 * (`shell: false`), so an argument like `; rm -rf /` stays one literal argument.
 *
 * Built on `node:child_process` rather than `@actions/exec` because the toolkit's exec can neither time
 * out nor kill its child (actions/toolkit#1777, #1656), and every external call here needs a deadline and
 * must die with a cancelled step.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ToolError } from '../runtime/errors.js';
import { onCancelStop } from '../runtime/run.js';

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
  /** Stops the command (SIGTERM, then SIGKILL after 5 s) when aborted; the result then has `aborted`. */
  signal?: AbortSignal;
  /**
   * The argv as errors and reports show it, when some arguments are secret in a way only the caller knows
   * (Helm's `--set` values); default `argv`. Secret-named flags and URL passwords are hidden either way.
   */
  display?: readonly string[];
}

/** The structured result of a command. */
export interface RunResult {
  argv: string[];
  /** The argv as shown (RunOptions.display), when the caller gave one. */
  display?: string[];
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
  /** True when `signal` stopped it. */
  aborted?: boolean;
}

/**
 * Runs a command: the funnel's signature. Tool wrappers (`DockerCompose`, `Docker`, `Kubectl`, `Helm`) take
 * one, so tests pass a scripted runner instead of starting processes.
 */
export type Runner = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

const DEFAULT_TIMEOUT_MS = 300_000;
/**
 * How long (ms) an exited process's pipes may stay open before the funnel stops reading them: a killed
 * wrapper script (a `docker` shim) leaves its child holding them, and Node's `close` would never come.
 */
export const STDIO_DRAIN_MS = 2000;
const STDERR_KEEP = 64 * 1024;
const live = new Set<ChildProcess>();

/** Splits a byte stream into lines for a callback; `flush` hands over the last, unterminated one. */
class Lines {
  private partial = '';
  constructor(private readonly onLine: ((line: string) => void) | undefined) {}
  push(text: string): void {
    if (!this.onLine) return;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }
  flush(): void {
    if (this.onLine && this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}

/** Where stdout goes: a capped file (`stdoutFile`), else a capped buffer; lines to `onLine` either way. */
class StdoutSink {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private readonly file: WriteStream | undefined;
  private readonly lines: Lines;
  truncated = false;

  constructor(private readonly options: RunOptions) {
    this.lines = new Lines(options.onLine);
    if (options.stdoutFile) this.file = createWriteStream(options.stdoutFile.path);
  }

  write(chunk: Buffer): void {
    this.lines.push(chunk.toString('utf8'));
    const cap = this.options.stdoutFile;
    if (this.file && cap) {
      const room = cap.maxBytes - this.bytes;
      if (room > 0) {
        const piece = chunk.subarray(0, room);
        this.file.write(piece);
        this.bytes += piece.length;
      }
      if (chunk.length > room && !this.truncated) {
        this.truncated = true;
        this.file.write(`\n[truncated at ${cap.maxBytes} bytes]\n`);
      }
      return;
    }
    const max = this.options.maxStdoutBytes ?? 32 * 1024 * 1024;
    if (this.bytes + chunk.length > max) {
      this.truncated = true;
      const room = max - this.bytes;
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.bytes = max;
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Flushes the last line and closes the file; then `text()` is final. */
  close(done: () => void): void {
    this.lines.flush();
    if (this.file) this.file.end(done);
    else done();
  }

  /** What was kept in memory ('' when streamed to a file). */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * SIGTERM after `timeoutMs` or when `signal` aborts, SIGKILL 5 s later; `fired` tells whether the timeout
 * had to, `aborted` whether the signal did.
 */
function killAfter(child: ChildProcess, timeoutMs: number, signal?: AbortSignal) {
  let killTimer: NodeJS.Timeout | undefined;
  const state = { fired: false, aborted: false, clear: () => {} };
  const stop = () => {
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
  };
  const timer = setTimeout(() => {
    state.fired = true;
    stop();
  }, timeoutMs);
  const onAbort = () => {
    state.aborted = true;
    stop();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  state.clear = () => {
    clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    signal?.removeEventListener('abort', onAbort);
  };
  return state;
}

/** `process.env` with `overrides` merged over it; an `undefined` value removes the variable. */
function childEnv(overrides: RunOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Runs `argv` and returns its result; never throws for a non-zero exit (see `mustSucceed`).
 * @param argv program and arguments, e.g. `['docker', 'compose', 'ps']`
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) throw new Error('run(): empty argv');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: childEnv(options.env),
      shell: false,
      stdio: 'pipe',
    });
    live.add(child);
    const stdout = new StdoutSink(options);
    const stderrLines = new Lines(options.onStderrLine);
    let stderr = '';
    let spawnError: string | undefined;
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr = (stderr + text).slice(-STDERR_KEEP);
      stderrLines.push(text);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timeout = killAfter(child, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
    let done = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (exitCode: number | null) => {
      if (done) return;
      done = true;
      timeout.clear();
      if (drainTimer) clearTimeout(drainTimer);
      live.delete(child);
      stderrLines.flush();
      stdout.close(() =>
        resolve({
          argv: [...argv],
          ...(options.display ? { display: [...options.display] } : {}),
          exitCode,
          stdout: stdout.text(),
          stderr,
          durationMs: Date.now() - started,
          timedOut: timeout.fired,
          truncated: stdout.truncated,
          ...(spawnError ? { spawnError } : {}),
          ...(timeout.aborted ? { aborted: true } : {}),
        }),
      );
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
      finish(null);
    });
    child.on('close', (code) => {
      if (spawnError === undefined) finish(code);
    });
    child.on('exit', (code) => {
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        if (spawnError === undefined) finish(code);
      }, STDIO_DRAIN_MS);
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
  throw new ToolError(result.display ?? result.argv, result.exitCode, result.stderr.slice(-4096), reason);
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
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}

// A cancelled step stops its children before anything else runs (see runtime/run.ts).
onCancelStop(() => terminateAll(4000));
