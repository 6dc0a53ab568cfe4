/**
 * The frame every main and post runs in. Errors end as `core.setFailed` (main) or `core.warning` (post):
 * main fails, post warns.
 *
 * Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-cancellation). On the first
 * signal the registered stoppers run first (the exec funnel kills the processes it started, so a cancelled
 * `compose up` cannot create containers after post's `down` has run), then the cancel handlers (e.g. write
 * the report), then the process exits 1. Registration keeps this module free of the rooms that use it.
 */
import * as core from '@actions/core';
import { errorMessage, UserInputError } from './errors.js';

let cancelled = false;
const stoppers: Array<() => Promise<void>> = [];
const cancelHandlers: Array<() => Promise<void>> = [];

let exitAtEnd = false;

/**
 * Asks the frame to end the process as soon as the step's own work is done, because something left in the
 * background would keep Node alive (an artifact upload abandoned at its deadline keeps retrying: see
 * report/artifact.ts).
 */
export function exitWhenDone(): void {
  exitAtEnd = true;
}

/** True once SIGINT/SIGTERM arrived. */
export function isCancelled(): boolean {
  return cancelled;
}

/** Registers what stops running work on cancellation (child processes); stoppers run before handlers. */
export function onCancelStop(stop: () => Promise<void>): void {
  stoppers.push(stop);
}

/** Registers work to do on cancellation after the stoppers ran (e.g. write the report). */
export function onCancel(handler: () => Promise<void>): void {
  cancelHandlers.push(handler);
}

async function runAll(list: Array<() => Promise<void>>, what: string): Promise<void> {
  for (const fn of list) {
    try {
      await fn();
    } catch (error) {
      core.warning(`${what}: ${errorMessage(error)}`);
    }
  }
}

function installSignalHandlers(): void {
  const handle = (signal: NodeJS.Signals) => {
    if (cancelled) return;
    cancelled = true;
    core.warning(`Received ${signal}: the step was cancelled; stopping child processes.`);
    void (async () => {
      await runAll(stoppers, 'cancel: stopping');
      await runAll(cancelHandlers, 'cancel handler');
      process.exit(1);
    })();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** The debug line `npm run bench` reads (bench/startup-bench.ts); keep its wording in step with it. */
export const STARTUP_LINE = 'ephemeral start-up:';

/** The debug line of a timed moment (`markTime`); bench/trace-timeline.ts reads it. */
export const MARK_LINE = 'ephemeral at';

/**
 * Logs, as a debug line, how long the process took to reach its first line of work: Node's own start,
 * loading and evaluating the bundle, in ms since the process started (`performance.timeOrigin`,
 * https://nodejs.org/api/perf_hooks.html#performancetimeorigin), and that origin in ms since the epoch,
 * which puts the step's later marks on one clock with other processes'.
 */
function traceStartUp(): void {
  core.debug(
    `${STARTUP_LINE} ${performance.now().toFixed(1)} ms (origin ${performance.timeOrigin.toFixed(1)})`,
  );
}

/**
 * Logs, as a debug line, the moment `what` happened, in ms since the process started
 * (`ephemeral at 412.3 ms: config end`): the phases' timestamps a trace puts on one timeline.
 */
export function markTime(what: string): void {
  core.debug(`${MARK_LINE} ${performance.now().toFixed(1)} ms: ${what}`);
}

/** Runs a main step: any error fails the step; a `UserInputError` shows its message only. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  traceStartUp();
  installSignalHandlers();
  try {
    await main();
  } catch (error) {
    if (!(error instanceof UserInputError) && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(errorMessage(error));
  }
  if (exitAtEnd) process.exit();
}

/** Runs a post step: it never fails the job; errors become warnings (main fails, post warns). */
export async function runPost(post: () => Promise<void>): Promise<void> {
  traceStartUp();
  installSignalHandlers();
  try {
    await post();
  } catch (error) {
    core.warning(`Cleanup did not complete: ${errorMessage(error)}`);
  }
  if (exitAtEnd) process.exit();
}
