/** The event-backed detection latency the bench reports (bench/compose-latency.ts `detection`), from a docker call trace. */
import { describe, expect, it } from 'vitest';
import { detection } from '../../../bench/compose-latency.js';

/** A trace line as bench/trace.ts writes it: start ns, end ns, pid, phase, argv. */
const line = (startMs: number, endMs: number, phase: string, argv: string) =>
  [String(BigInt(startMs * 1000) * 1000n), String(BigInt(endMs * 1000) * 1000n), '1', phase, argv].join('\t');

describe('detection', () => {
  const trace = [
    line(1000, 1010, 'main', 'container inspect a b'),
    line(1500, 1530, 'main', 'container inspect a b'),
    line(1600, 1620, 'main', 'container inspect a b'),
    line(1505, 1900, 'post', 'container inspect a b'),
    line(1400, 1700, 'main', 'network ls'),
  ].join('\n');

  it('is the end of the first main-step look that ended after the last healthy event, minus that event', () => {
    expect(detection(trace, [1200, 1490])).toEqual({ totalMs: 40, wakeMs: 10 });
  });

  it('is null without a healthy event, or without a look ending after it (post-step looks do not count)', () => {
    expect(detection(trace, [])).toBeNull();
    expect(detection(trace, [1700])).toBeNull();
  });
});
