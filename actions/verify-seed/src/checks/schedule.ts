/**
 * Runs every check to a verdict within the global deadline. Each check gets up to 1 + `retries` attempts
 * (data may arrive asynchronously), `retryInterval` apart; each attempt is bounded by the check's timeout
 * and by what is left of the deadline. Checks run `MAX_PARALLEL` at a time, in spec order; one failing or
 * hanging check never stops the others. A check the deadline leaves no time for is reported as not run.
 * The clock is injectable for unit tests.
 */
import { type Clock, realClock, withTimeout } from '../../../shared/src/runtime/clock.js';
import { bounded, type CheckReport } from '../report.js';
import { type Evaluation, evaluationPassed, type RunnableCheck } from './attempt.js';

/** Checks that run at the same time. */
export const MAX_PARALLEL = 4;

/** Timing defaults from the inputs (ms); a check's own `timeout`/`retries`/`retry-interval` win. */
export interface Timing {
  /** From the start of the action (the seed command counts). */
  deadlineMs: number;
  checkTimeoutMs: number;
  retries: number;
  retryIntervalMs: number;
}

/** Time the connection gets less than the attempt, so its own timeout error (more precise) comes first. */
const DRIVER_MARGIN_MS = 200;

/** One attempt bounded by `timeoutMs` (a runnable check never throws: errors are evaluations). */
function attemptWithTimeout(runnable: RunnableCheck, timeoutMs: number): Promise<Evaluation> {
  return withTimeout<Evaluation>(
    (signal) => runnable.attempt(signal, Math.max(100, timeoutMs - DRIVER_MARGIN_MS)),
    timeoutMs,
    () => ({
      assertions: [],
      error: `no answer from connection "${runnable.check.connection}" (${runnable.target}) within ${Math.round(timeoutMs)} ms (the check's timeout, or what was left of the deadline)`,
    }),
  );
}

function join(parts: string[]): string {
  return bounded(parts.join('; '));
}

/** The report entry for a check's last evaluation. */
export function toReport(
  runnable: RunnableCheck,
  last: Evaluation | null,
  attempts: number,
  durationMs: number,
): CheckReport {
  const { check } = runnable;
  const passed = last !== null && evaluationPassed(last);
  const assertions = (last?.assertions ?? []).map((a) => ({
    what: a.what,
    expected: bounded(a.expected),
    actual: bounded(a.actual),
    passed: a.passed,
  }));
  const failing = assertions.filter((a) => !a.passed);
  const error =
    last === null
      ? 'not run: the deadline passed before this check could start (raise "timeout" or shorten the checks)'
      : (last.error ??
        last.problem ??
        (failing.length > 0
          ? `${failing[0]!.what}: expected ${failing[0]!.expected}, got ${failing[0]!.actual}`
          : undefined));
  const report: CheckReport = {
    name: check.name,
    kind: check.kind,
    connection: check.connection,
    target: runnable.target,
    passed,
    expected:
      assertions.length > 0
        ? join(assertions.map((a) => `${a.what}: ${a.expected}`))
        : bounded(runnable.expected),
    actual:
      assertions.length > 0
        ? join(assertions.map((a) => `${a.what}: ${a.actual}`))
        : bounded(last?.error ? `error: ${last.error}` : 'not run'),
    attempts,
    durationMs: Math.round(durationMs),
    assertions,
    ...(check.at.file
      ? { source: { file: check.at.file, line: check.at.line, column: check.at.column } }
      : {}),
  };
  if (!passed && error) report.error = bounded(error);
  return report;
}

/** Runs one check to its verdict: attempts with retries inside the deadline (measured from `start`). */
export async function runCheck(
  runnable: RunnableCheck,
  timing: Timing,
  start: number,
  clock: Clock = realClock,
  onAttempt?: (runnable: RunnableCheck, evaluation: Evaluation, attempt: number) => void,
): Promise<CheckReport> {
  const { check } = runnable;
  const retries = check.retries ?? timing.retries;
  const interval = check.retryIntervalMs ?? timing.retryIntervalMs;
  const checkTimeout = check.timeoutMs ?? timing.checkTimeoutMs;
  const began = clock.now();
  let attempts = 0;
  let last: Evaluation | null = null;
  for (;;) {
    const remaining = start + timing.deadlineMs - clock.now();
    if (remaining <= 0) break;
    attempts++;
    last = await attemptWithTimeout(runnable, Math.min(checkTimeout, remaining));
    onAttempt?.(runnable, last, attempts);
    if (evaluationPassed(last) || attempts > retries) break;
    const left = start + timing.deadlineMs - clock.now();
    if (left <= 0) break;
    await clock.sleep(Math.min(interval, left));
  }
  return toReport(runnable, last, attempts, clock.now() - began);
}

/** Runs every check, `MAX_PARALLEL` at a time; results in spec order. */
export async function runAll(
  runnables: readonly RunnableCheck[],
  timing: Timing,
  start: number,
  clock: Clock = realClock,
  onDone?: (report: CheckReport) => void,
  onAttempt?: (runnable: RunnableCheck, evaluation: Evaluation, attempt: number) => void,
): Promise<CheckReport[]> {
  const results = new Array<CheckReport>(runnables.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= runnables.length) return;
      const report = await runCheck(runnables[index]!, timing, start, clock, onAttempt);
      results[index] = report;
      onDone?.(report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL, runnables.length) }, worker));
  return results;
}
