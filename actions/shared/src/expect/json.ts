/**
 * Expectations on JSON values, shared by wait-ready (HTTP bodies) and verify-seed (query results).
 *
 * Subset rule: every key in `expected` must be in `actual` with a matching value; objects match
 * recursively; arrays match element by element and must have the same length; scalars match with `===`.
 * JMESPath expressions follow https://jmespath.org/specification.html (@jmespath-community/jmespath).
 */
import { search } from '@jmespath-community/jmespath';

/** A mismatch's location (`$.db.status`) and description, or null when `actual` contains `expected`. */
export function subsetMismatch(actual: unknown, expected: unknown, path = '$'): string | null {
  if (expected !== null && typeof expected === 'object') {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return `${path}: expected an array, got ${typeName(actual)}`;
      if (actual.length !== expected.length)
        return `${path}: expected ${expected.length} items, got ${actual.length}`;
      for (let i = 0; i < expected.length; i++) {
        const mismatch = subsetMismatch(actual[i], expected[i], `${path}[${i}]`);
        if (mismatch) return mismatch;
      }
      return null;
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: expected an object, got ${typeName(actual)}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key}: missing`;
      const mismatch = subsetMismatch((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return actual === expected
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Evaluates a JMESPath expression.
 * @throws Error with the parser's message when the expression is invalid
 */
export function jmespath(data: unknown, expression: string): unknown {
  return search(data as Parameters<typeof search>[0], expression);
}

/**
 * True when `value` names commit `sha`: equal (case-insensitive), or a prefix of at least 7 hex digits
 * (a short SHA, as `git rev-parse --short` prints), either way round.
 */
export function commitMatches(value: string, sha: string): boolean {
  const a = value.trim().toLowerCase();
  const b = sha.trim().toLowerCase();
  if (!/^[0-9a-f]{7,64}$/.test(a) || !/^[0-9a-f]{7,64}$/.test(b)) return false;
  return a.startsWith(b) || b.startsWith(a);
}

/** Every string anywhere in a JSON value (depth-first), for finding a commit SHA without a path. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) allStrings(item, out);
  return out;
}
