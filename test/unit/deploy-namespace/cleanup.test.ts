/** The post step's cleanup policy. */
import { describe, expect, it } from 'vitest';
import { shouldClean } from '../../../actions/deploy-namespace/src/cleanup.js';

describe('cleanup policy', () => {
  it.each([
    ['always', true, true],
    ['always', false, true],
    ['on-failure', true, false],
    ['on-failure', false, true],
    ['never', false, false],
  ] as const)('cleanup %s, main succeeded %s → clean %s', (policy, succeeded, clean) => {
    expect(shouldClean(policy, succeeded)).toBe(clean);
  });
});
