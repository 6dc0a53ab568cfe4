/**
 * The frame every main and post runs in: cancellation (the runner sends SIGINT, then SIGTERM 7.5 s later:
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-cancellation) kills the
 * processes the funnel started before the step exits, so a cancelled `compose up` cannot create containers
 * after post's `down` has run. Errors end as `core.setFailed` (main) or `core.warning` (post).
 */
import * as core from '@actions/core';
import { uploadAbandoned } from './artifact.js';
import { terminateAll } from './cli.js';
import { errorMessage, UserInputError } from './errors.js';

let cancelled = false;
const cancelHandlers: Array<() => Promise<void>> = [];

/** True once SIGINT/SIGTERM arrived. */
export function isCancelled(): boolean {
  return cancelled;
}

/** Registers work to do on cancellation after child processes are stopped (e.g. write the report). */
export function onCancel(handler: () => Promise<void>): void {
  cancelHandlers.push(handler);
}

function installSignalHandlers(): void {
  const handle = (signal: NodeJS.Signals) => {
    if (cancelled) return;
    cancelled = true;
    core.warning(`Received ${signal}: the step was cancelled; stopping child processes.`);
    void (async () => {
      await terminateAll(4000);
      for (const handler of cancelHandlers) {
        try {
          await handler();
        } catch (error) {
          core.warning(`cancel handler: ${errorMessage(error)}`);
        }
      }
      process.exit(1);
    })();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Runs a main step: any error fails the step; a `UserInputError` shows its message only. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  installSignalHandlers();
  try {
    await main();
  } catch (error) {
    if (!(error instanceof UserInputError) && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(errorMessage(error));
  }
  // An abandoned artifact upload keeps retrying in the background; the step's work is done.
  if (uploadAbandoned()) process.exit();
}

/** Runs a post step: it never fails the job; errors become warnings (main fails, post warns). */
export async function runPost(post: () => Promise<void>): Promise<void> {
  installSignalHandlers();
  try {
    await post();
  } catch (error) {
    core.warning(`Cleanup did not complete: ${errorMessage(error)}`);
  }
  if (uploadAbandoned()) process.exit();
}
