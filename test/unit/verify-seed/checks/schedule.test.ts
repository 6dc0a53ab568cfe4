/** Running checks: retries, timeouts, the deadline, parallelism; report entries from evaluations. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../../actions/shared/src/runtime/clock.js';
import type { Evaluation, RunnableCheck } from '../../../../actions/verify-seed/src/checks/attempt.js';
import {
  MAX_PARALLEL,
  runAll,
  runCheck,
  toReport,
} from '../../../../actions/verify-seed/src/checks/schedule.js';
import type { SqlCheck } from '../../../../actions/verify-seed/src/spec/types.js';

const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

/** A virtual clock: sleeping advances time at once. */
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

function scripted(outcomes: boolean[], partial: Partial<SqlCheck> = {}): RunnableCheck & { calls: number } {
  const runnable = {
    calls: 0,
    check: {
      name: 'c',
      kind: 'sql',
      connection: 'db',
      query: 'q',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at,
      ...partial,
    } as SqlCheck,
    target: 't',
    expected: 'x',
    async attempt(): Promise<Evaluation> {
      const ok = outcomes[Math.min(runnable.calls, outcomes.length - 1)]!;
      runnable.calls++;
      return { assertions: [{ what: 'v', expected: '1', actual: ok ? '1' : '0', passed: ok }] };
    },
  };
  return runnable;
}

describe('retries, timeouts and the deadline', () => {
  const timing = { deadlineMs: 60_000, checkTimeoutMs: 5000, retries: 0, retryIntervalMs: 1000 };

  it('retries a failing check until it passes, retry-interval apart', async () => {
    const clock = virtualClock();
    const r = scripted([false, false, true]);
    const report = await runCheck(r, { ...timing, retries: 5 }, 0, clock);
    expect(report).toMatchObject({ passed: true, attempts: 3 });
    expect(clock.slept).toEqual([1000, 1000]);
  });

  it("gives up after 1 + retries attempts; a check's own retries and interval win", async () => {
    const clock = virtualClock();
    const r = scripted([false], { retries: 2, retryIntervalMs: 300 });
    const report = await runCheck(r, { ...timing, retries: 10 }, 0, clock);
    expect(report).toMatchObject({ passed: false, attempts: 3, error: 'v: expected 1, got 0' });
    expect(clock.slept).toEqual([300, 300]);
  });

  it('the deadline cuts retries short, and a check it leaves no time for is reported as not run', async () => {
    const clock = virtualClock();
    const r = scripted([false]);
    const report = await runCheck(r, { ...timing, deadlineMs: 2500, retries: 100 }, 0, clock);
    expect(report.attempts).toBe(3); // at 0, 1000 and 2000 ms; the sleep after is cut to the 500 ms left
    expect(clock.slept).toEqual([1000, 1000, 500]);
    const late = await runCheck(scripted([true]), { ...timing, deadlineMs: 2500 }, -5000, virtualClock());
    expect(late).toMatchObject({ passed: false, attempts: 0, actual: 'not run' });
  });

  it('an attempt that hangs is cut at the check timeout (real timers)', async () => {
    const hanging: RunnableCheck = {
      check: {
        name: 'h',
        kind: 'sql',
        connection: 'db',
        query: 'q',
        params: [],
        readOnly: true,
        expect: { ordered: false },
        at,
        timeoutMs: 200,
      },
      target: 't',
      expected: 'x',
      attempt: (abort) =>
        new Promise((resolve) =>
          abort.addEventListener('abort', () => setTimeout(() => resolve({ assertions: [] }), 5000)),
        ),
    };
    const started = Date.now();
    const report = await runCheck(hanging, timing, performance.now());
    expect(report.error).toBe(
      'no answer from connection "db" (t) within 200 ms (the check\'s timeout, or what was left of the deadline)',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('runs every check (one failing never stops the others), at most MAX_PARALLEL at a time, results in spec order', async () => {
    let running = 0;
    let peak = 0;
    const make = (ok: boolean, name: string) => {
      const r = scripted([ok], { name });
      const attempt = r.attempt.bind(r);
      r.attempt = async (...args) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const out = await attempt(...args);
        running--;
        return out;
      };
      return r;
    };
    const runnables = Array.from({ length: 9 }, (_, i) => make(i % 3 !== 1, `c${i}`));
    const reports = await runAll(runnables, timing, performance.now());
    expect(reports.map((r) => r.name)).toEqual(runnables.map((r) => r.check.name));
    expect(reports.map((r) => r.passed)).toEqual([true, false, true, true, false, true, true, false, true]);
    expect(peak).toBeLessThanOrEqual(MAX_PARALLEL);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('report entries from evaluations', () => {
  const runnable = {
    check: {
      name: 'users',
      kind: 'sql',
      connection: 'db',
      query: 'SELECT 1',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at: { file: 'spec.yaml', label: 'spec.yaml', line: 7, column: 5 },
    },
    target: 'postgres://app:***@h/app',
    expected: 'row-count: = 3',
    attempt: async () => ({ assertions: [] }),
  } as unknown as RunnableCheck;

  it('a pass joins every expectation and what was found', () => {
    const r = toReport(
      runnable,
      {
        assertions: [
          { what: 'row-count', expected: '= 3', actual: '3', passed: true },
          { what: 'columns', expected: '⊇ id', actual: 'id, email', passed: true },
        ],
      },
      1,
      12.4,
    );
    expect(r).toMatchObject({
      passed: true,
      expected: 'row-count: = 3; columns: ⊇ id',
      actual: 'row-count: 3; columns: id, email',
      durationMs: 12,
      source: { file: 'spec.yaml', line: 7, column: 5 },
    });
    expect(r.error).toBeUndefined();
  });

  it('a failure names the first failing expectation; an error shows the static expectation and the error', () => {
    const bad = toReport(
      runnable,
      { assertions: [{ what: 'row-count', expected: '= 3', actual: '2', passed: false }] },
      2,
      5,
    );
    expect(bad).toMatchObject({ passed: false, error: 'row-count: expected = 3, got 2', attempts: 2 });
    const broken = toReport(
      runnable,
      { assertions: [], error: 'SQL error from db: relation "userz" does not exist' },
      1,
      5,
    );
    expect(broken).toMatchObject({
      passed: false,
      expected: 'row-count: = 3',
      actual: 'error: SQL error from db: relation "userz" does not exist',
      error: 'SQL error from db: relation "userz" does not exist',
    });
    const never = toReport(runnable, null, 0, 0);
    expect(never).toMatchObject({ passed: false, attempts: 0, actual: 'not run' });
    expect(never.error).toMatch(/^not run: the deadline passed/);
  });

  it('an evaluation with no assertions never counts as passed', () => {
    expect(toReport(runnable, { assertions: [] }, 1, 1).passed).toBe(false);
  });
});
