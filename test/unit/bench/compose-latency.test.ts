/**
 * The event-backed detection latency the bench reports (bench/compose-latency.ts `detection`), from the wait's
 * looks: its own debug lines (`looksFromLines`), or a docker call trace for a build without them (`looksFromTrace`).
 */
import { describe, expect, it } from 'vitest';
import { detection, looksFromLines, looksFromTrace } from '../../../bench/compose-latency.js';

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
    expect(detection(looksFromTrace(trace), [1200, 1490])).toEqual({ totalMs: 40, wakeMs: 10 });
  });

  it('is null without a healthy event, or without a look ending after it (post-step looks do not count)', () => {
    expect(detection(looksFromTrace(trace), [])).toBeNull();
    expect(detection(looksFromTrace(trace), [1700])).toBeNull();
  });

  it('reads the looks from the wait’s debug lines, on the process origin of the start-up line', () => {
    const lines = [
      '::debug::ephemeral start-up: 60.0 ms (origin 1000.0)',
      '::debug::ephemeral at 100.0 ms: wait: look',
      '::debug::ephemeral at 103.5 ms: docker API GET /containers/a/json: 200 in 2.0 ms',
      '::debug::ephemeral at 104.0 ms: wait: looked',
      'Services: db starting',
      '::debug::ephemeral at 600.0 ms: wait: look',
      '::debug::ephemeral at 602.0 ms: wait: looked',
    ];
    expect(looksFromLines(lines)).toEqual([
      { start: 1100, end: 1104 },
      { start: 1600, end: 1602 },
    ]);
    expect(detection(looksFromLines(lines), [1590])).toEqual({ totalMs: 12, wakeMs: 10 });
    expect(looksFromLines(lines.slice(1))).toEqual([]); // no origin, no times
  });
});
