/** HTTP expectations: status, JSON, JMESPath, length, non-JSON bodies. */
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../../actions/verify-seed/src/connections/types.js';
import { evaluateHttp, parseJsonBody } from '../../../../actions/verify-seed/src/expect/http.js';
import type { ValueExpect } from '../../../../actions/verify-seed/src/spec/types.js';

const eq = (equals: unknown): ValueExpect => ({ hasEquals: true, equals, hasNotEquals: false });

function response(status: number, body: string, type = 'application/json'): HttpResponse {
  return { status, headers: { 'content-type': type }, body, truncated: false, url: 'http://127.0.0.1:1/x' };
}

describe('http expectations', () => {
  const body = JSON.stringify([
    { id: 1, email: 'ada@example.test' },
    { id: 2, email: 'grace@example.test' },
  ]);

  it('status set, JSON subset, JMESPath with a comparator, length', () => {
    const a = evaluateHttp(response(200, body), {
      status: '2xx',
      json: [{ id: 1 }, { id: 2 }],
      jmespath: { expression: '[?id==`2`].email | [0]', value: eq('grace@example.test') },
      length: { equals: 2 },
    });
    expect(a.map((x) => [x.what, x.passed])).toEqual([
      ['status', true],
      ['json', true],
      ['jmespath [?id==`2`].email | [0]', true],
      ['length', true],
    ]);
  });

  it('a wrong status, subset and length fail with expected and actual', () => {
    const a = evaluateHttp(response(503, body), {
      status: '200',
      json: [{ id: 9 }, { id: 2 }],
      length: { min: 3 },
    });
    expect(a[0]).toEqual({ what: 'status', expected: '200', actual: '503', passed: false });
    expect(a[1]!.actual).toContain('$[0].id: expected 9, got 1');
    expect(a[2]).toMatchObject({ what: 'length', actual: '2', passed: false });
  });

  it('JMESPath without a comparator must be truthy', () => {
    expect(
      evaluateHttp(response(200, '{"ok":true}'), {
        status: '2xx',
        jmespath: { expression: 'ok', value: null },
      })[1]!.passed,
    ).toBe(true);
    expect(
      evaluateHttp(response(200, '{"ok":[]}'), {
        status: '2xx',
        jmespath: { expression: 'ok', value: null },
      })[1]!.passed,
    ).toBe(false);
  });

  it('a body that must be JSON and is not fails with its content type and first bytes', () => {
    const a = evaluateHttp(response(200, '<html>oops</html>', 'text/html'), {
      status: '2xx',
      json: { a: 1 },
    });
    expect(a[1]).toEqual({
      what: 'body',
      expected: 'JSON',
      actual: 'the body is not JSON (text/html): "<html>oops</html>"',
      passed: false,
    });
    expect(parseJsonBody({ ...response(200, '{}'), truncated: true })).toMatchObject({ ok: false });
  });

  it('without JSON expectations only the status counts (any body)', () => {
    expect(evaluateHttp(response(204, ''), { status: '204' })).toEqual([
      { what: 'status', expected: '204', actual: '204', passed: true },
    ]);
  });
});
