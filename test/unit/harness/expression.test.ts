/** post-if conditions evaluated like GitHub. */
import { describe, expect, it } from 'vitest';
import { type ExpressionScope, evaluateCondition } from '../../harness/expression.js';

describe('harness building blocks', () => {
  const scope = (
    jobStatus: ExpressionScope['jobStatus'],
    env: Record<string, string> = {},
  ): ExpressionScope => ({
    jobStatus,
    contexts: { env },
  });

  it('evaluates post-if conditions like GitHub', () => {
    const keep = "always() && env.EPHEMERAL_KEEP != 'true'";
    expect(evaluateCondition(keep, scope('failure'))).toBe(true);
    expect(evaluateCondition(keep, scope('cancelled', { EPHEMERAL_KEEP: 'true' }))).toBe(false);
    expect(evaluateCondition('success()', scope('cancelled'))).toBe(false);
    expect(evaluateCondition('cancelled() || failure()', scope('cancelled'))).toBe(true);
    expect(evaluateCondition("!(env.A == 'x') && success()", scope('success', { A: 'X' }))).toBe(false);
    expect(evaluateCondition("env.MISSING == ''", scope('success'))).toBe(true); // null coerces to 0, '' to 0
    expect(evaluateCondition("env['A-B'] == 'v' || false", scope('success', { 'A-B': 'v' }))).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(evaluateCondition('${{ failure() }}', scope('failure'))).toBe(true);
    expect(() => evaluateCondition('nope()', scope('success'))).toThrow(/Unrecognized function/);
  });
});
