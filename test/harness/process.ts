/**
 * One step process, started and stopped as the runner does (ProcessInvoker): `node <script>`, stdin
 * closed, its own process group; on cancel or timeout SIGINT, then SIGTERM 7.5 s later, then SIGKILL of the
 * process group 2.5 s after that (CancelAndKillProcessTree). Output is handed over line by line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './commands.js';
import type { StepResult } from './types.js';

/** Grace period between SIGINT and SIGTERM on cancel/timeout (actions/runner ProcessInvoker). */
export const SIGINT_GRACE_MS = 7500;
/** Grace period between SIGTERM and killing the process tree (actions/runner ProcessInvoker). */
export const SIGTERM_GRACE_MS = 2500;

/** Live step processes, SIGKILLed if the harness process exits while they still run. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) killGroup(c);
    });
  }
  liveChildren.add(child);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group already gone
  }
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

/** What one process run gave. */
export interface ProcessRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  cancelled: boolean;
  timedOut: boolean;
  spawnError: Error | null;
  signalsSent: StepResult['signalsSent'];
}

/** How to run it. */
export interface ProcessOptions {
  node: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Cancel when a stdout line matches. */
  cancelWhen?: RegExp;
  /** Cancel this long after the start. */
  cancelAfterMs?: number;
}

/** Timers that all go when the process is done. */
class Timers {
  private readonly set = new Set<NodeJS.Timeout>();
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.set.delete(t);
      fn();
    }, ms);
    this.set.add(t);
  }
  clear(): void {
    for (const t of this.set) clearTimeout(t);
    this.set.clear();
  }
}

/** The runner's stop sequence for one child: SIGINT → (7.5 s) SIGTERM → (2.5 s) SIGKILL of the group. */
class Stopper {
  escalating = false;
  exited = false;
  constructor(
    private readonly child: ChildProcess,
    private readonly run: ProcessRun,
    private readonly timers: Timers,
    private readonly since: () => number,
  ) {}

  private send(signal: 'SIGINT' | 'SIGTERM'): void {
    try {
      if (this.child.kill(signal)) this.run.signalsSent.push({ signal, atMs: this.since() });
    } catch {
      // process already gone
    }
  }

  escalate(): void {
    if (this.escalating || this.exited) return;
    this.escalating = true;
    this.send('SIGINT');
    this.timers.later(SIGINT_GRACE_MS, () => {
      if (this.exited) return;
      this.send('SIGTERM');
      this.timers.later(SIGTERM_GRACE_MS, () => {
        if (this.exited) return;
        this.run.signalsSent.push({ signal: 'SIGKILL', atMs: this.since() });
        killGroup(this.child);
      });
    });
  }
}

/** Collects a stream into `run[name]` and hands each complete line to `onLine`; `flush` hands the rest. */
function wire(
  stream: NodeJS.ReadableStream | null,
  name: 'stdout' | 'stderr',
  run: ProcessRun,
  onLines: (lines: string[]) => void,
): { flush: () => void } {
  if (!stream) return { flush: () => {} };
  const decoder = new StringDecoder('utf8');
  const splitter = new LineSplitter();
  stream.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk);
    run[name] += text;
    onLines(splitter.push(text));
  });
  return {
    flush: () => {
      const text = decoder.end();
      run[name] += text;
      onLines(splitter.push(text));
      onLines(splitter.flush());
    },
  };
}

/** Runs one node process with the runner's cancellation/timeout semantics. */
export function runProcess(o: ProcessOptions): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const start = performance.now();
    const since = () => Math.round(performance.now() - start);
    const run: ProcessRun = {
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      cancelled: false,
      timedOut: false,
      spawnError: null,
      signalsSent: [],
    };
    // detached: own process group, so the final kill reaches grandchildren too
    const child = spawn(o.node, [o.script], {
      cwd: o.cwd,
      env: o.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    trackChild(child);
    child.stdin?.on('error', () => {});
    child.stdin?.end(); // the runner closes STDIN right away
    const timers = new Timers();
    const stopper = new Stopper(child, run, timers, since);
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      timers.clear();
      liveChildren.delete(child);
      run.durationMs = Math.round(performance.now() - start);
      resolve(run);
    };
    const cancel = (why: 'cancelled' | 'timedOut') => {
      if (stopper.exited || stopper.escalating) return;
      run[why] = true;
      stopper.escalate();
    };
    const lines = (name: 'stdout' | 'stderr') => (list: string[]) => {
      for (const line of list) {
        o.onLine(name, line);
        if (name !== 'stdout' || !o.cancelWhen) continue;
        o.cancelWhen.lastIndex = 0;
        if (o.cancelWhen.test(line)) cancel('cancelled');
      }
    };
    const out = wire(child.stdout, 'stdout', run, lines('stdout'));
    const err = wire(child.stderr, 'stderr', run, lines('stderr'));
    timers.later(o.timeoutMs, () => cancel('timedOut'));
    if (o.cancelAfterMs !== undefined) timers.later(o.cancelAfterMs, () => cancel('cancelled'));
    child.on('error', (e) => {
      run.spawnError = e;
      if (child.pid === undefined) {
        stopper.exited = true;
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      stopper.exited = true;
      run.exitCode = code;
      run.signal = signal;
      timers.clear();
      // The runner waits for the output streams; if a leftover grandchild keeps them open it
      // kills the process tree after 5 s.
      timers.later(5000, () => killGroup(child));
    });
    child.on('close', () => {
      out.flush();
      err.flush();
      finish();
    });
  });
}
