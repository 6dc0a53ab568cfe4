/** The poll engine: backoff, no drift, consecutive successes, the deadline, attempt timeouts, final failures. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../actions/shared/src/runtime/clock.js';
import { nextInterval, type Probe, pollAll, pollProbe } from '../../../actions/wait-ready/src/poll.js';

/** A virtual clock: sleep advances time instantly. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function scripted(results: boolean[], clock: Clock, costMs = 0): Probe & { calls: number } {
  const probe = {
    name: 'p',
    kind: 'tcp',
    target: 't',
    calls: 0,
    async attempt() {
      const ok = results[Math.min(probe.calls, results.length - 1)]!;
      probe.calls++;
      await clock.sleep(costMs);
      return { ok, detail: ok ? 'up' : 'refused' };
    },
  };
  return probe;
}

const timing = {
  deadlineMs: 60_000,
  attemptTimeoutMs: 5000,
  intervalMs: 1000,
  maxIntervalMs: 4000,
  backoff: 2,
  consecutive: 1,
};

describe('poll engine', () => {
  it('backs off by the factor and caps at max-interval', () => {
    expect([0, 1, 2, 3, 4].map((n) => nextInterval(timing, n))).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(nextInterval({ ...timing, backoff: 1 }, 10)).toBe(1000);
  });

  it('sleeps interval × backoff^n between failures, and stops at the first success', async () => {
    const clock = virtualClock();
    const probe = scripted([false, false, false, true], clock);
    const outcome = await pollProbe(probe, timing, 0, clock);
    expect(outcome).toMatchObject({ ready: true, attempts: 4, timeToReadyMs: 7000, last: 'up' });
    expect(clock.slept.filter((ms) => ms > 0)).toEqual([1000, 2000, 4000]);
  });

  it('counts the attempt time into the interval (no drift)', async () => {
    const clock = virtualClock();
    const probe = scripted([false, false, true], clock, 300);
    await pollProbe(probe, { ...timing, backoff: 1 }, 0, clock);
    expect(clock.slept.filter((ms) => ms !== 300)).toEqual([700, 700]);
  });

  it('needs `consecutive` successes in a row', async () => {
    const clock = virtualClock();
    const probe = scripted([true, false, true, true, true], clock);
    const outcome = await pollProbe(probe, { ...timing, consecutive: 3, backoff: 1 }, 0, clock);
    expect(outcome.attempts).toBe(5);
    expect(outcome.ready).toBe(true);
  });

  it('gives up at the deadline with the last error', async () => {
    const clock = virtualClock();
    const probe = scripted([false], clock);
    const outcome = await pollProbe(probe, { ...timing, deadlineMs: 10_000 }, 0, clock);
    expect(outcome.ready).toBe(false);
    expect(outcome.timeToReadyMs).toBeNull();
    expect(outcome.last).toBe('refused');
    expect(clock.now()).toBeLessThanOrEqual(10_000);
    expect(outcome.attempts).toBe(4); // at 0, 1, 3 and 7 s; the next would be at 15 s, past the deadline
  });

  it('bounds a hanging attempt by attempt-timeout', async () => {
    const hanging: Probe = { name: 'h', kind: 'http', target: 'x', attempt: () => new Promise(() => {}) };
    const started = Date.now();
    const outcome = await pollProbe(
      hanging,
      { ...timing, deadlineMs: 400, attemptTimeoutMs: 100, intervalMs: 50, maxIntervalMs: 50, backoff: 1 },
      performance.now(),
    );
    expect(outcome.ready).toBe(false);
    expect(outcome.last).toMatch(/timed out after \d+ ms/);
    expect(outcome.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('poll engine: the deadline never hides the last real answer', () => {
  it('keeps the last response when the final attempt is cut short by the deadline', async () => {
    let calls = 0;
    const probe: Probe = {
      name: 'slow-at-the-end',
      kind: 'http',
      target: 'x',
      attempt: () => {
        calls++;
        return calls === 1 ? Promise.resolve({ ok: false, detail: 'status 404' }) : new Promise(() => {});
      },
    };
    const outcome = await pollProbe(
      probe,
      {
        deadlineMs: 300,
        attemptTimeoutMs: 5000,
        intervalMs: 100,
        maxIntervalMs: 100,
        backoff: 1,
        consecutive: 1,
      },
      performance.now(),
    );
    expect(outcome.ready).toBe(false);
    expect(calls).toBe(2);
    expect(outcome.last).toBe('status 404');
  });
});

describe('poll: a final failure stops the wait', () => {
  it('stops the failed probe at once and the others after their current attempt', async () => {
    let t = 0;
    const clock = {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
    };
    const timing = {
      deadlineMs: 60_000,
      attemptTimeoutMs: 1000,
      intervalMs: 100,
      maxIntervalMs: 100,
      backoff: 1,
      consecutive: 1,
    };
    let attemptsB = 0;
    const outcomes = await pollAll(
      [
        {
          name: 'a',
          kind: 'job',
          target: 'a',
          attempt: async () => ({ ok: false, detail: 'failed: BackoffLimitExceeded', final: true }),
        },
        {
          name: 'b',
          kind: 'pods',
          target: 'b',
          attempt: async () => ({ ok: false, detail: `pending ${++attemptsB}` }),
        },
      ],
      timing,
      clock,
    );
    expect(outcomes[0]).toMatchObject({ ready: false, attempts: 1, last: 'failed: BackoffLimitExceeded' });
    expect(outcomes[1]!.attempts).toBeLessThanOrEqual(2);
    expect(t).toBeLessThan(1000);
  });
});
