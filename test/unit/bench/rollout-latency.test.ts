/** The rollout detection latency the bench reports (bench/rollout-latency.ts `rolloutDetection`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rolloutDetection } from '../../../bench/rollout-latency.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/kube/${name}.json`, import.meta.url), 'utf8'));

describe('rolloutDetection', () => {
  const events = [
    { atMs: 1000, object: fixture('deployment-progressing') },
    { atMs: 1500, object: fixture('deployment-complete') },
    { atMs: 1700, object: fixture('deployment-complete') },
  ];

  it('is the ready line minus the arrival of the first event whose object is rolled out', () => {
    expect(rolloutDetection(events, 1512.5)).toBe(12.5);
  });

  it('is negative when the ready line came before the bench saw the same event (reported as it is)', () => {
    expect(rolloutDetection(events, 1497)).toBe(-3);
  });

  it('is null without a rolled-out event or without a ready line', () => {
    expect(rolloutDetection(events.slice(0, 1), 1600)).toBeNull();
    expect(rolloutDetection([], 1600)).toBeNull();
    expect(rolloutDetection(events, null)).toBeNull();
  });
});
