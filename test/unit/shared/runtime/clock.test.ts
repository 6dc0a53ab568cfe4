/** One rule for bounding an attempt in time (wait-ready's probes, verify-seed's checks). */
import { describe, expect, it } from 'vitest';
import { type Clock, pollUntil, withTimeout } from '../../../../actions/shared/src/runtime/clock.js';

describe('withTimeout', () => {
  it("gives the attempt's result when it settles in time, and aborts its signal afterwards", async () => {
    let seen: AbortSignal | undefined;
    const result = await withTimeout(
      async (signal) => {
        seen = signal;
        return 'answer';
      },
      10_000,
      () => 'timed out',
    );
    expect(result).toBe('answer');
    expect(seen?.aborted).toBe(true);
  });

  it('gives onTimeout() when the attempt never settles, with its signal aborted', async () => {
    let seen: AbortSignal | undefined;
    const result = await withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<string>(() => {});
      },
      20,
      () => 'timed out',
    );
    expect(result).toBe('timed out');
    expect(seen?.aborted).toBe(true);
  });

  it('rejects with the error of an attempt that fails in time', async () => {
    await expect(
      withTimeout(
        async () => {
          throw new Error('refused');
        },
        10_000,
        () => 'timed out',
      ),
    ).rejects.toThrow('refused');
  });
});

/** A clock whose sleep only advances its own time, recording each pause. */
function manualClock() {
  let now = 0;
  const pauses: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      pauses.push(ms);
      now += ms;
    },
  };
  return { clock, pauses };
}

describe('pollUntil', () => {
  it('looks until done holds, pausing the interval between looks', async () => {
    const { clock, pauses } = manualClock();
    const values = [3, 2, 1, 0];
    const result = await pollUntil(async () => values.shift()!, {
      done: (v) => v === 0,
      deadline: 60_000,
      intervalMs: 1000,
      clock,
    });
    expect(result).toEqual({ value: 0, done: true });
    expect(pauses).toEqual([1000, 1000, 1000]);
  });

  it('gives the last value and done=false at the deadline, cutting the last pause short and looking once more', async () => {
    const { clock, pauses } = manualClock();
    let looks = 0;
    const result = await pollUntil(async () => ++looks, {
      done: () => false,
      deadline: 2500,
      intervalMs: 1000,
      clock,
    });
    expect(result).toEqual({ value: 4, done: false });
    expect(pauses).toEqual([1000, 1000, 500]);
  });

  it('looks once even when the deadline has passed, and reports progress at most once per period', async () => {
    const { clock } = manualClock();
    const once = await pollUntil(async () => 'x', {
      done: () => false,
      deadline: -1,
      intervalMs: 1000,
      clock,
    });
    expect(once).toEqual({ value: 'x', done: false });
    const seen: number[] = [];
    let looks = 0;
    await pollUntil(async () => ++looks, {
      done: () => false,
      deadline: 25_000,
      intervalMs: 1000,
      clock: manualClock().clock,
      progress: (v) => seen.push(v),
    });
    expect(seen).toEqual([11, 21]);
  });

  it('passes on what look() throws', async () => {
    const { clock } = manualClock();
    await expect(
      pollUntil(
        async () => {
          throw new Error('boom');
        },
        { done: () => true, deadline: 10, intervalMs: 1, clock },
      ),
    ).rejects.toThrow('boom');
  });
});
