/**
 * The `status` output every action declares (issue 9, defect 5: set on every path). An action sets it with
 * `setStatus` once it knows the outcome; the frame (run-with-report.ts) sets `error` for a failure that set
 * none (a bad input, an unreachable engine or cluster, a tool that failed) and `cancelled` for a cancelled
 * step. Post steps have no outputs and never call it.
 */
import * as core from '@actions/core';

/** The output's name in every action.yml. */
export const STATUS_OUTPUT = 'status';

let current: string | undefined;

/** Sets the `status` output (e.g. `ready`, `removed`, `error`); a later call replaces an earlier one. */
export function setStatus(status: string): void {
  current = status;
  core.setOutput(STATUS_OUTPUT, status);
}

/** The status set so far in this process, or undefined. */
export function currentStatus(): string | undefined {
  return current;
}

/** Sets `status` only when nothing set it yet. */
export function setStatusUnlessSet(status: string): void {
  if (current === undefined) setStatus(status);
}
