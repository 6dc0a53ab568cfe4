/** wait-ready's readiness line in the sticky PR comment. */
import { describe, expect, it } from 'vitest';
import { type ProbeReport, readinessLine } from '../../../actions/wait-ready/src/report.js';

const probe = (
  name: string,
  ready: boolean,
  timeToReadyMs: number | null,
  last = 'HTTP 200',
): ProbeReport => ({
  name,
  kind: 'http',
  target: `http://127.0.0.1/${name}`,
  ready,
  attempts: 3,
  timeToReadyMs,
  last,
});

describe('readinessLine', () => {
  it('ready: the slowest probe’s time, then each probe’s', () => {
    expect(readinessLine([probe('api', true, 4200), probe('db', true, 1000)])).toBe(
      'ready in 4.2 s: api 4.2 s, db 1.0 s',
    );
  });

  it('not ready: which probes, with their last answer, bounded', () => {
    const line = readinessLine([probe('api', false, null, 'HTTP 503 '.repeat(100)), probe('db', true, 10)]);
    expect(line).toMatch(/^not ready \(1 of 2\): api \(HTTP 503/);
    expect(line.length).toBeLessThan(700);
  });
});
