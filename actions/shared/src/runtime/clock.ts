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

/** What `pollUntil` takes. */
export interface PollOptions<T> {
  /** True when the looked-at value is what the wait is for. */
  done: (value: T) => boolean;
  /** When to give up: a `clock.now()` value, ms. */
  deadline: number;
  /** The pause between looks, ms (the last pause is cut short at the deadline). */
  intervalMs: number;
  clock?: Clock;
  /** Told the last value while still waiting, at most once per `progressEveryMs` (default 10,000 ms). */
  progress?: (value: T) => void;
  progressEveryMs?: number;
}

/**
 * Looks (`look()`) until `done` holds or the deadline passes: the one poll loop of the waiting logic that
 * watches a resource go away (namespace teardown, the sweep's batch, a Terminating namespace before a
 * deploy). Looks at least once, and once more at the deadline.
 * @returns the last value looked at, and whether `done` held for it (false: the deadline passed first)
 * @throws whatever `look()` throws
 */
export async function pollUntil<T>(
  look: () => Promise<T>,
  o: PollOptions<T>,
): Promise<{ value: T; done: boolean }> {
  const clock = o.clock ?? realClock;
  let lastProgress = clock.now();
  for (;;) {
    const value = await look();
    if (o.done(value)) return { value, done: true };
    if (clock.now() >= o.deadline) return { value, done: false };
    if (o.progress && clock.now() - lastProgress >= (o.progressEveryMs ?? 10_000)) {
      o.progress(value);
      lastProgress = clock.now();
    }
    await clock.sleep(Math.min(o.intervalMs, Math.max(0, o.deadline - clock.now())));
  }
}
