/**
 * Expectations on an HTTP response: the status set, a JSON subset of the body (shared/expect.ts
 * `subsetMismatch`: exact JSON types), a JMESPath expression (https://jmespath.org/specification.html) with
 * comparators on its value (expect/values.ts), and the body's length (items of a JSON array, keys of an
 * object). A body that must be JSON and is not fails with its content type and first bytes.
 */

import { parseStatus } from '../../../shared/src/expect/http-status.js';
import { jmespath, subsetMismatch } from '../../../shared/src/expect/json.js';
import type { HttpResponse } from '../connections/types.js';
import type { AssertionReport } from '../report.js';
import type { HttpExpect } from '../spec/types.js';
import { checkNumber, checkValue, describeNumber, describeValue, lengthOf, show } from './values.js';

/** The body parsed as JSON, or why it is not JSON. */
export function parseJsonBody(
  response: HttpResponse,
): { ok: true; value: unknown } | { ok: false; why: string } {
  const type = response.headers['content-type'] ?? 'no content-type';
  if (response.truncated) return { ok: false, why: `the body is larger than 1 MiB (${type})` };
  try {
    return { ok: true, value: JSON.parse(response.body) };
  } catch {
    const start = response.body.slice(0, 120).replace(/\s+/g, ' ').trim();
    return {
      ok: false,
      why: `the body is not JSON (${type}): ${start === '' ? '(empty)' : JSON.stringify(start)}`,
    };
  }
}

/** The static description of an http check's expectations. */
export function describeHttpExpect(e: HttpExpect): string {
  const parts = [`status: ${e.status}`];
  if (e.json !== undefined) parts.push(`json: ⊇ ${show(e.json)}`);
  if (e.jmespath)
    parts.push(
      `jmespath ${e.jmespath.expression}: ${e.jmespath.value ? describeValue(e.jmespath.value) : 'truthy'}`,
    );
  if (e.length) parts.push(`length: ${describeNumber(e.length)}`);
  return parts.join('; ');
}

/** Every expectation of an http check against a response. */
export function evaluateHttp(response: HttpResponse, e: HttpExpect): AssertionReport[] {
  const out: AssertionReport[] = [];
  const status = parseStatus('status', e.status);
  out.push({
    what: 'status',
    expected: e.status,
    actual: String(response.status),
    passed: status.matches(response.status),
  });
  const needsJson = e.json !== undefined || e.jmespath !== undefined || e.length !== undefined;
  if (!needsJson) return out;
  const parsed = parseJsonBody(response);
  if (!parsed.ok) {
    out.push({ what: 'body', expected: 'JSON', actual: parsed.why, passed: false });
    return out;
  }
  const body = parsed.value;
  if (e.json !== undefined) {
    const m = subsetMismatch(body, e.json);
    out.push({
      what: 'json',
      expected: `⊇ ${show(e.json)}`,
      actual: m ? `${show(body)} (${m})` : show(body),
      passed: m === null,
    });
  }
  if (e.jmespath) {
    const what = `jmespath ${e.jmespath.expression}`;
    let value: unknown;
    try {
      value = jmespath(body, e.jmespath.expression);
    } catch (error) {
      out.push({ what, expected: 'a value', actual: `error: ${(error as Error).message}`, passed: false });
      return out;
    }
    if (e.jmespath.value) out.push(...checkValue(what, value, e.jmespath.value));
    else
      out.push({
        what,
        expected: 'truthy (not null, false, empty)',
        actual: show(value ?? null),
        passed: !(
          value === null ||
          value === undefined ||
          value === false ||
          value === '' ||
          (Array.isArray(value) && value.length === 0)
        ),
      });
  }
  if (e.length) {
    const n = Array.isArray(body) || (body !== null && typeof body === 'object') ? lengthOf(body) : null;
    out.push(
      checkNumber('length', n, e.length, n === null ? `${show(body)} (not a list or mapping)` : String(n)),
    );
  }
  return out;
}
