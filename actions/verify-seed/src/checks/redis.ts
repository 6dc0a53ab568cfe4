/**
 * A redis check: one key (exists, type, value, members, size) or a key pattern (how many keys match).
 * Without expectations, a key must exist and a pattern must match at least one key.
 */

import type { RedisSession } from '../connections/types.js';
import { checkNumber, checkValue, describeNumber, describeValue, show } from '../expect/values.js';
import type { AssertionReport } from '../report.js';
import type { RedisCheck, RedisExpect } from '../spec/types.js';
import { RedisReader } from './redis-reader.js';

/** The static description of a redis check's expectations. */
export function describeRedisExpect(check: Pick<RedisCheck, 'pattern' | 'expect'>): string {
  const e = check.expect;
  if (check.pattern !== undefined)
    return `count of ${check.pattern}: ${describeNumber(e.count ?? { min: 1 })}`;
  const parts: string[] = [];
  if (e.exists !== undefined) parts.push(`exists: ${e.exists}`);
  if (e.type) parts.push(`type: ${e.type}`);
  if (e.value) parts.push(`value: ${describeValue(e.value)}`);
  if (e.members) parts.push(`members: ${show(e.members)}`);
  if (e.size) parts.push(`size: ${describeNumber(e.size)}`);
  return parts.join('; ') || 'exists: true';
}

function hasValueExpectations(e: RedisExpect): boolean {
  return e.type !== undefined || e.value !== undefined || e.members !== undefined || e.size !== undefined;
}

/** Reads what the check needs and compares it. */
export async function evaluateRedis(session: RedisSession, check: RedisCheck): Promise<AssertionReport[]> {
  const reader = new RedisReader(session);
  const e = check.expect;
  if (check.pattern !== undefined) {
    const expected = e.count ?? { min: 1 };
    const scan = await reader.count(check.pattern, check.scanLimit);
    if (!scan.complete)
      return [
        {
          what: `count ${check.pattern}`,
          expected: describeNumber(expected),
          actual: `unknown: SCAN stopped after examining ${scan.examined} keys (scan-limit ${check.scanLimit}) with ${scan.count} found; raise scan-limit or narrow the pattern`,
          passed: false,
        },
      ];
    return [
      checkNumber(
        `count ${check.pattern}`,
        scan.count,
        expected,
        `${scan.count}${scan.count > 0 ? ` (${scan.sample.join(', ')}${scan.count > scan.sample.length ? ', …' : ''})` : ''}`,
      ),
    ];
  }
  const key = check.key!;
  const out: AssertionReport[] = [];
  const type = await reader.type(key);
  const exists = type !== 'none';
  const wantExists = e.exists ?? (hasValueExpectations(e) ? undefined : true);
  if (wantExists !== undefined)
    out.push({
      what: 'exists',
      expected: String(wantExists),
      actual: String(exists),
      passed: exists === wantExists,
    });
  if (!exists) {
    for (const [what, expected] of [
      ['type', e.type],
      ['value', e.value ? describeValue(e.value) : undefined],
      ['members', e.members ? show(e.members) : undefined],
      ['size', e.size ? describeNumber(e.size) : undefined],
    ] as const)
      if (expected !== undefined)
        out.push({ what, expected, actual: `key "${key}" does not exist`, passed: false });
    return out;
  }
  if (e.type) out.push({ what: 'type', expected: e.type, actual: type, passed: type === e.type });
  if (e.size) out.push(checkNumber('size', await reader.size(key, type), e.size));
  if (e.value || e.members) {
    const value = await reader.value(key, type);
    if (e.value) out.push(...checkValue('value', value, e.value));
    if (e.members) {
      const actual = Array.isArray(value) ? value.map(String) : null;
      const ordered = type === 'list';
      const a = actual ? (ordered ? actual : [...actual].sort()) : null;
      const x = ordered ? e.members : [...e.members].sort();
      out.push({
        what: ordered ? 'members (in order)' : 'members',
        expected: show(x),
        actual: a ? show(a) : `a ${type}, not a collection`,
        passed: a !== null && a.length === x.length && a.every((m, i) => m === x[i]),
      });
    }
  }
  return out;
}
