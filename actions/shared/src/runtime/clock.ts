/**
 * Time for the waiting logic (wait-ready's polling, verify-seed's retries, namespace teardown): a clock and
 * a sleep that tests replace, and one rule for bounding an attempt in time.
 */

/** A monotonic clock in ms and a sleep, injectable so waiting logic is unit-tested without real time. */
export interface Clock {
  /** Milliseconds from an arbitrary origin (monotonic). */
  now(): number;
  /** Resolves after `ms` milliseconds (at once for ms ≤ 0). */
  sleep(ms: number): Promise<void>;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Runs one attempt bounded in time. The attempt gets an `AbortSignal` that aborts after `timeoutMs` (and
 * once the attempt settled, so nothing it started outlives it); when the time runs out first, the result is
 * `onTimeout()` and the attempt's own late result is ignored.
 * @param timeoutMs the limit in ms
 * @returns the attempt's result, or `onTimeout()`; rejects only when the attempt rejects in time
 */
export async function withTimeout<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  onTimeout: () => T,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(onTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
