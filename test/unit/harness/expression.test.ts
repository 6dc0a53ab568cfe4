/** post-if conditions and expressions evaluated by GitHub's @actions/expressions, as the runner does. */
import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  type ExpressionScope,
  evaluateCondition,
  evaluateExpression,
  interpolate,
} from '../../harness/expression.js';

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
    expect(() => evaluateCondition('secrets.X', scope('success'))).toThrow(/Unrecognized named-value/);
    expect(() => evaluateCondition('always(1)', scope('success'))).toThrow(/Too many parameters/);
  });

  it('evaluates with GitHub’s functions and keeps env case-sensitive', () => {
    const env = { A: 'x', LIST: '["a","b"]' };
    expect(evaluateExpression("env.a == 'x'", scope('success', env))).toBe(false);
    expect(evaluateExpression("env.A == 'X'", scope('success', env))).toBe(true);
    expect(evaluateExpression("join(fromJSON(env.LIST), '+')", scope('success', env))).toBe('a+b');
    expect(evaluateExpression("format('{0}-{{1}}', env.A)", scope('success', env))).toBe('x-{1}');
    expect(evaluateExpression("contains(fromJSON(env.LIST), 'B')", scope('success', env))).toBe(true);
    expect(evaluateExpression('fromJSON(\'{"n": 1}\').n', scope('success'))).toBe(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(interpolate('v${{ env.A }}-${{ null }}', scope('success', env))).toBe('vx-');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(() => interpolate('${{ env.A == }}', scope('success', env))).toThrow(ExpressionError);
  });
});
