/** A scripted kubectl for watch tests: `--watch` calls stay running until the test ends them or they are aborted. */
import type { Runner, RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';

/** One running (fake) `kubectl get … --watch`. */
export interface FakeWatchProcess {
  argv: string[];
  options: RunOptions;
  /** Prints one line on its stdout. */
  print(line: string): void;
  /** Exits with `code` (as kubectl does when the API server closes the watch). */
  exit(code: number, stderr?: string): void;
  /** True once aborted (killed) or exited. */
  done: boolean;
  aborted: boolean;
}

/** A fake runner: `--watch` calls become FakeWatchProcess; every other call answers with `get`. */
export function fakeKubectl(get: (argv: string[], options: RunOptions) => Promise<RunResult> | RunResult) {
  const watches: FakeWatchProcess[] = [];
  const calls: string[][] = [];
  const runner: Runner = (argv, options = {}) => {
    calls.push([...argv]);
    if (!argv.includes('--watch')) return Promise.resolve(get([...argv], options));
    return new Promise<RunResult>((resolve) => {
      const finish = (exitCode: number | null, stderr: string, aborted: boolean) => {
        if (proc.done) return;
        proc.done = true;
        proc.aborted = aborted;
        resolve({ ...result([...argv], exitCode, '', stderr), ...(aborted ? { aborted } : {}) });
      };
      const proc: FakeWatchProcess = {
        argv: [...argv],
        options,
        done: false,
        aborted: false,
        print: (line) => {
          if (!proc.done) options.onLine?.(line);
        },
        exit: (code, stderr = '') => finish(code, stderr, false),
      };
      watches.push(proc);
      if (options.signal?.aborted) finish(null, '', true);
      options.signal?.addEventListener('abort', () => finish(null, '', true), { once: true });
    });
  };
  return { runner, watches, calls };
}

/** A RunResult. */
export function result(argv: string[], exitCode: number | null, stdout: string, stderr = ''): RunResult {
  return { argv, exitCode, stdout, stderr, durationMs: 1, timedOut: false, truncated: false };
}

/** One `--output-watch-events` line. */
export function eventLine(type: string, object: Record<string, unknown>): string {
  return JSON.stringify({ type, object });
}
