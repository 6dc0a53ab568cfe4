/**
 * The polling engine: runs every probe on its own schedule until it has succeeded `consecutive` times in
 * a row, or the global deadline passes. No blind sleeps: the next attempt starts `interval` after the
 * previous one started (or at once if it took longer), so a service is seen ready at most one interval
 * (plus the attempt's own latency) after it became ready. After each failure the interval grows by
 * `backoff`, capped at `maxInterval`. An event-backed probe (`wake`) is attempted again the moment its
 * events say something changed, the interval being only a fallback. The clock is injectable for unit tests.
 */
import { type Clock, realClock, withTimeout } from '../../shared/src/runtime/clock.js';
import { errorMessage } from '../../shared/src/runtime/errors.js';
import type { ProbeReport } from './report.js';

/** One attempt's outcome. `detail` is the last response or error, for the report (bounded by the probe). */
export interface AttemptResult {
  ok: boolean;
  detail: string;
  /** Set on a failure waiting cannot fix (a failed Job): the probe stops at once, not ready. */
  final?: boolean;
}

/** A probe: a name, what it targets, and one attempt bounded by `signal`. */
export interface Probe {
  name: string;
  kind: string;
  target: string;
  attempt(signal: AbortSignal): Promise<AttemptResult>;
  /**
   * Event-backed probes (Compose health): resolves when something the probe depends on changed, or after
   * `ms`, so the next attempt runs at once instead of an interval later.
   */
  wake?(ms: number): Promise<void>;
  /** Releases what the probe holds (a Kubernetes probe's watch): called once when its polling ends. */
  close?(): Promise<void>;
}

/** Stops every probe of a `pollAll` after its current attempt (a final failure, a Compose service that failed). */
export interface Halt {
  stopped: boolean;
  /** Resolves when `stopped` turns true. */
  promise: Promise<void>;
  stop(): void;
}

/** A fresh, not yet stopped `Halt`. */
export function halter(): Halt {
  let resolve = () => {};
  const halt: Halt = {
    stopped: false,
    promise: new Promise<void>((r) => {
      resolve = r;
    }),
    stop() {
      halt.stopped = true;
      resolve();
    },
  };
  return halt;
}

/** Timing, all in ms except `backoff` (a factor ≥ 1) and `consecutive` (a count ≥ 1). */
export interface Timing {
  deadlineMs: number;
  attemptTimeoutMs: number;
  intervalMs: number;
  maxIntervalMs: number;
  backoff: number;
  consecutive: number;
}

/** One probe's outcome: the report's probe entry (times in ms). */
export type ProbeOutcome = ProbeReport;

/** The delay before attempt n+1 after `failures` failures in a row: interval × backoff^failures, capped. */
export function nextInterval(
  timing: Pick<Timing, 'intervalMs' | 'maxIntervalMs' | 'backoff'>,
  failures: number,
): number {
  return Math.min(
    timing.intervalMs * timing.backoff ** failures,
    Math.max(timing.maxIntervalMs, timing.intervalMs),
  );
}

/** One attempt, bounded by `timeoutMs`; a thrown error is a failed attempt. */
async function attemptWithTimeout(probe: Probe, timeoutMs: number): Promise<AttemptResult> {
  try {
    return await withTimeout<AttemptResult>(
      (signal) => probe.attempt(signal),
      timeoutMs,
      () => ({ ok: false, detail: `attempt timed out after ${timeoutMs} ms` }),
    );
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}

/** Polls one probe until ready or the deadline (measured from `start`), then closes it. */
export async function pollProbe(
  probe: Probe,
  timing: Timing,
  start: number,
  clock: Clock = realClock,
  onAttempt?: (probe: Probe, result: AttemptResult, attempt: number) => void,
  halt: Halt = halter(),
): Promise<ProbeOutcome> {
  try {
    let attempts = 0;
    let streak = 0;
    let failures = 0;
    let last = '';
    for (;;) {
      const began = clock.now();
      const remaining = start + timing.deadlineMs - began;
      if (remaining < 1 || (halt.stopped && attempts > 0)) break;
      attempts++;
      const cutByDeadline = remaining < timing.attemptTimeoutMs;
      const result = await attemptWithTimeout(
        probe,
        Math.max(1, Math.round(Math.min(timing.attemptTimeoutMs, remaining))),
      );
      // An attempt the global deadline cut short says nothing new: keep the last real response or error.
      const cutShort =
        cutByDeadline && !result.ok && result.detail.startsWith('attempt timed out') && last !== '';
      if (!cutShort) last = result.detail.slice(0, 2048);
      onAttempt?.(probe, result, attempts);
      if (result.ok) {
        streak++;
        failures = 0;
        if (streak >= timing.consecutive) {
          return {
            ...describe(probe),
            ready: true,
            attempts,
            timeToReadyMs: Math.round(clock.now() - start),
            last,
          };
        }
      } else {
        streak = 0;
        failures++;
        if (result.final) {
          halt.stop();
          break;
        }
      }
      const wait =
        (result.ok ? timing.intervalMs : nextInterval(timing, failures - 1)) - (clock.now() - began);
      const untilDeadline = start + timing.deadlineMs - clock.now();
      if (untilDeadline <= 0 || halt.stopped) break;
      const pause = Math.min(Math.max(wait, 0), untilDeadline);
      await Promise.race([probe.wake ? probe.wake(pause) : clock.sleep(pause), halt.promise]);
    }
    return { ...describe(probe), ready: false, attempts, timeToReadyMs: null, last };
  } finally {
    await probe.close?.();
  }
}

function describe(probe: Probe): Pick<ProbeOutcome, 'name' | 'kind' | 'target'> {
  return { name: probe.name, kind: probe.kind, target: probe.target };
}

/**
 * Polls every probe concurrently; resolves when each is ready or out of time. A final failure (a failed
 * Job, a failed Compose service) stops the others after their current attempt: the wait has failed either
 * way. So does `halt.stop()` from outside (compose-scope.ts).
 */
export function pollAll(
  probes: Probe[],
  timing: Timing,
  clock: Clock = realClock,
  onAttempt?: (probe: Probe, result: AttemptResult, attempt: number) => void,
  halt: Halt = halter(),
): Promise<ProbeOutcome[]> {
  const start = clock.now();
  return Promise.all(probes.map((probe) => pollProbe(probe, timing, start, clock, onAttempt, halt)));
}
