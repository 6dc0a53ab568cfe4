/** One rule for bounding an attempt in time (wait-ready's probes, verify-seed's checks). */
import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../../../actions/shared/src/runtime/clock.js';

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
