/**
 * The expectation engine: how a value read from a database, Redis or an HTTP body is compared with what
 * the spec expects. Drivers and command-line clients return the same data in different types, so values
 * are compared after these coercion rules (documented in action-docs/verify-seed.md):
 *
 * 1. Normalisation first: a `Date` becomes its ISO 8601 UTC text (`2026-01-05T09:00:00.000Z`), a `Buffer`
 *    its UTF-8 text, a `bigint` its decimal text. Exec connections (psql, mysql, redis-cli) return text.
 * 2. `null` equals only `null`.
 * 3. Expected number: equals a number, or a text that is a decimal number with the same value — pg returns
 *    bigint (`count(*)`) and numeric as text (https://node-postgres.com/features/types), psql prints text.
 *    Integers beyond 2^53 are compared exactly, as BigInt.
 * 4. Expected boolean: equals a boolean, or `t`/`true`/`1` and `f`/`false`/`0` (psql prints t/f; MySQL's
 *    BOOLEAN is TINYINT(1), https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html).
 * 5. Expected text: equals the same text, or a number/boolean whose text it is. A date-time text (ISO 8601
 *    or PostgreSQL's `2026-01-05 09:00:00+00`) with a zone equals a date-time with a zone at the same instant.
 * 6. Expected mapping or list: a JSON subset — every expected key present with an equal value (recursively,
 *    by these rules), lists element by element with the same length; a text holding JSON is parsed first.
 * 7. `min`/`max` need a number or numeric text; `regex` tests the text form; `length` counts list items,
 *    text characters or mapping keys.
 */
import type { AssertionReport } from '../report.js';
import type { NumberExpect, ValueExpect } from '../spec/types.js';

/** Rule 1: driver values to plain JSON-like values. */
export function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v);
    return out;
  }
  return value;
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** The number a value stands for (a number, or a decimal text), else null. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return null;
}

/** Milliseconds since the epoch of a zoned date-time text, else null. */
export function asInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = DATE_TIME.exec(value.trim());
  if (!match) return null;
  let zone = match[3]!.toUpperCase();
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    zone = digits.length === 3 ? `${digits}:00` : `${digits.slice(0, 3)}:${digits.slice(3)}`;
  }
  const ms = Date.parse(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

function asBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 't' || t === 'true' || t === '1') return true;
    if (t === 'f' || t === 'false' || t === '0') return false;
  }
  return null;
}

function numbersEqual(actual: unknown, expected: number): boolean {
  if (typeof actual === 'number') return actual === expected;
  if (typeof actual !== 'string') return false;
  const text = actual.trim();
  if (!DECIMAL.test(text)) return false;
  if (/^[-+]?\d+$/.test(text) && Number.isInteger(expected) && !Number.isSafeInteger(Number(text))) {
    try {
      return BigInt(text) === BigInt(expected);
    } catch {
      return false;
    }
  }
  return Number(text) === expected;
}

/** Parses a text holding a JSON object or array, else returns the value unchanged. */
function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return value;
  try {
    return JSON.parse(text);
  } catch {
    return value;
  }
}

/**
 * Where `actual` differs from `expected` under the coercion rules (`$.a[1]: expected 3, got "4"`), or null.
 * Mappings are compared as subsets (rule 6).
 */
export function mismatch(actual: unknown, expected: unknown, path = '$'): string | null {
  const a = normalise(actual);
  if (expected === null) return a === null ? null : `${path}: expected null, got ${show(a)}`;
  if (typeof expected === 'number')
    return numbersEqual(a, expected) ? null : `${path}: expected ${show(expected)}, got ${show(a)}`;
  if (typeof expected === 'boolean')
    return asBoolean(a) === expected ? null : `${path}: expected ${expected}, got ${show(a)}`;
  if (typeof expected === 'string') {
    if (typeof a === 'string') {
      if (a === expected) return null;
      const x = asInstant(expected);
      if (x !== null && x === asInstant(a)) return null;
      return `${path}: expected ${show(expected)}, got ${show(a)}`;
    }
    if ((typeof a === 'number' || typeof a === 'boolean') && String(a) === expected) return null;
    return `${path}: expected ${show(expected)}, got ${show(a)}`;
  }
  if (Array.isArray(expected)) {
    const list = jsonOf(a);
    if (!Array.isArray(list)) return `${path}: expected a list, got ${show(a)}`;
    if (list.length !== expected.length)
      return `${path}: expected ${expected.length} item(s), got ${list.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(list[i], expected[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (typeof expected === 'object') {
    const object = jsonOf(a);
    if (object === null || typeof object !== 'object' || Array.isArray(object))
      return `${path}: expected a mapping, got ${show(a)}`;
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      if (!(key in object)) return `${path}.${key}: missing`;
      const m = mismatch((object as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (m) return m;
    }
    return null;
  }
  return `${path}: cannot compare with ${show(expected)}`;
}

/** True when `actual` equals `expected` under the coercion rules. */
export function matches(actual: unknown, expected: unknown): boolean {
  return mismatch(actual, expected) === null;
}

/** A value as shown in reports: JSON, cut at 200 characters. */
export function show(value: unknown, max = 200): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(normalise(value)) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The text form used by `regex` (rule 7). */
export function textOf(value: unknown): string | null {
  const v = normalise(value);
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Length of a list, text or mapping (a text holding JSON counts as the JSON), else null. */
export function lengthOf(value: unknown): number | null {
  const v = jsonOf(normalise(value));
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'string') return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  return null;
}

/** `= 3`, `≥ 1`, `1…10`. */
export function describeNumber(e: NumberExpect): string {
  const parts: string[] = [];
  if (e.equals !== undefined) parts.push(`= ${e.equals}`);
  if (e.min !== undefined && e.max !== undefined) parts.push(`${e.min}…${e.max}`);
  else if (e.min !== undefined) parts.push(`≥ ${e.min}`);
  else if (e.max !== undefined) parts.push(`≤ ${e.max}`);
  return parts.join(', ');
}

/** Checks a number against `{equals, min, max}` (inclusive). `actual` null means "not a number". */
export function checkNumber(
  what: string,
  actual: number | null,
  e: NumberExpect,
  actualText?: string,
): AssertionReport {
  const ok =
    actual !== null &&
    (e.equals === undefined || actual === e.equals) &&
    (e.min === undefined || actual >= e.min) &&
    (e.max === undefined || actual <= e.max);
  return {
    what,
    expected: describeNumber(e),
    actual: actualText ?? (actual === null ? 'not a number' : String(actual)),
    passed: ok,
  };
}

/** Describes a value expectation: `= 3`, `≠ "x"`, `≥ 1`, `~ /^2026\./`, `⊇ {"a":1}`, `length = 3`. */
export function describeValue(e: ValueExpect): string {
  const parts: string[] = [];
  if (e.hasEquals) parts.push(`= ${show(e.equals)}`);
  if (e.hasNotEquals) parts.push(`≠ ${show(e.notEquals)}`);
  if (e.min !== undefined) parts.push(`≥ ${e.min}`);
  if (e.max !== undefined) parts.push(`≤ ${e.max}`);
  if (e.regex) parts.push(`~ /${e.regex.source}/`);
  if (e.json !== undefined) parts.push(`⊇ ${show(e.json)}`);
  if (e.length) parts.push(`length ${describeNumber(e.length)}`);
  return parts.join(', ');
}

/**
 * Checks `actual` against every comparator of `e`; one assertion per comparator.
 * @param what the report label, e.g. `scalar` or `value`
 */
export function checkValue(what: string, actual: unknown, e: ValueExpect): AssertionReport[] {
  const out: AssertionReport[] = [];
  const shown = show(actual);
  if (e.hasEquals) {
    const m = mismatch(actual, e.equals);
    out.push({
      what,
      expected: show(e.equals),
      actual: m && !m.startsWith('$:') ? `${shown} (${m})` : shown,
      passed: m === null,
    });
  }
  if (e.hasNotEquals)
    out.push({
      what: `${what} ≠`,
      expected: `not ${show(e.notEquals)}`,
      actual: shown,
      passed: !matches(actual, e.notEquals),
    });
  if (e.min !== undefined || e.max !== undefined) {
    const n = asNumber(normalise(actual));
    out.push({
      ...checkNumber(what, n, {
        ...(e.min !== undefined ? { min: e.min } : {}),
        ...(e.max !== undefined ? { max: e.max } : {}),
      }),
      actual: n === null ? `${shown} (not a number)` : shown,
    });
  }
  if (e.regex) {
    const text = textOf(actual);
    out.push({
      what: `${what} ~`,
      expected: `/${e.regex.source}/`,
      actual: shown,
      passed: text !== null && e.regex.test(text),
    });
  }
  if (e.json !== undefined) {
    const m = mismatch(jsonOf(normalise(actual)), e.json);
    out.push({
      what: `${what} json`,
      expected: `⊇ ${show(e.json)}`,
      actual: m ? `${shown} (${m})` : shown,
      passed: m === null,
    });
  }
  if (e.length) {
    const n = lengthOf(actual);
    out.push(checkNumber(`${what} length`, n, e.length, n === null ? `${shown} (no length)` : String(n)));
  }
  return out;
}
