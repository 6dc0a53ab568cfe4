/** SQL expectations: rows, row-count, columns, scalar. */
import { describe, expect, it } from 'vitest';
import type { SqlResult } from '../../../../actions/verify-seed/src/connections/types.js';
import { compareRows, evaluateSql } from '../../../../actions/verify-seed/src/expect/sql.js';
import type { ValueExpect } from '../../../../actions/verify-seed/src/spec/types.js';

const eq = (equals: unknown): ValueExpect => ({ hasEquals: true, equals, hasNotEquals: false });

const users: SqlResult = {
  columns: ['id', 'email', 'created_at'],
  rows: [
    [1, 'ada@example.test', new Date('2026-01-05T09:00:00Z')],
    [2, 'grace@example.test', new Date('2026-01-06T10:30:00Z')],
  ],
  columnsKnown: true,
};

describe('rows', () => {
  it('mappings compare the named columns, lists every column by position', () => {
    expect(compareRows(users, [{ id: 1 }, { email: 'grace@example.test' }], false).passed).toBe(true);
    expect(
      compareRows(
        users,
        [
          [1, 'ada@example.test', '2026-01-05T09:00:00Z'],
          [2, 'grace@example.test', '2026-01-06T10:30:00Z'],
        ],
        true,
      ).passed,
    ).toBe(true);
    expect(compareRows(users, [[1, 'ada@example.test']], false)).toMatchObject({ passed: false });
  });

  it('unordered: a multiset with a maximum matching (a row stands for one row only)', () => {
    const r: SqlResult = {
      columns: ['s', 'n'],
      rows: [
        ['paid', '2'],
        ['paid', '1'],
      ],
      columnsKnown: true,
    };
    // { s: paid } could take either row; the matching must leave ['paid', 2] for the second expectation.
    expect(compareRows(r, [{ s: 'paid' }, ['paid', 2]], false).passed).toBe(true);
    expect(compareRows(r, [{ s: 'paid' }, { s: 'paid' }, { s: 'paid' }], false)).toMatchObject({
      passed: false,
      actual: '2 row(s); missing [{"s":"paid"}]',
    });
  });

  it('ordered: the first differing row, or what is missing or extra', () => {
    const reversed = compareRows(users, [{ id: 2 }, { id: 1 }], true);
    expect(reversed.passed).toBe(false);
    expect(reversed.actual).toContain('row 1 {"id":1,');
    expect(reversed.actual).toContain('id: expected 2, got 1');
    expect(compareRows(users, [{ id: 1 }], true).actual).toMatch(/^2 row\(s\); unexpected \[\{"id":2,/);
    expect(compareRows(users, [{ id: 1 }, { id: 2 }, { id: 3 }], true).actual).toBe(
      '2 row(s); missing [{"id":3}]',
    );
  });

  it('a missing row names the row and, when one row is left over, how it differs', () => {
    const result = compareRows(
      users,
      [
        { id: 1, email: 'ada@example.test' },
        { id: 3, email: 'linus@example.test' },
      ],
      false,
    );
    expect(result.passed).toBe(false);
    expect(result.actual).toContain(
      'missing [{"id":3,"email":"linus@example.test"}] (closest row differs: id: expected 3, got 2)',
    );
    expect(result.actual).toContain('unexpected [{"id":2,"email":"grace@example.test"');
  });

  it('a column named in a row but absent from the result fails', () => {
    expect(compareRows(users, [{ nope: 1 }, { id: 2 }], false).passed).toBe(false);
  });
});

describe('sql expectations', () => {
  it('row-count, columns, scalar and rows together', () => {
    const a = evaluateSql(users, {
      rowCount: { equals: 2 },
      columns: ['id', 'email'],
      scalar: eq(1),
      rows: [{ id: 2 }, { id: 1 }],
      ordered: false,
    });
    expect(a.map((x) => [x.what, x.passed])).toEqual([
      ['row-count', true],
      ['columns', true],
      ['scalar', true],
      ['rows', true],
    ]);
  });

  it('names missing columns, and an empty result for scalar', () => {
    const a = evaluateSql(
      { columns: ['id'], rows: [], columnsKnown: true },
      { columns: ['id', 'email'], scalar: eq(1), ordered: false },
    );
    expect(a[0]).toMatchObject({ what: 'columns', actual: 'id (missing email)', passed: false });
    expect(a[1]).toMatchObject({ what: 'scalar', actual: 'no rows', passed: false });
  });

  it('columns of an empty mysql-client result are unknown, not "present"', () => {
    const a = evaluateSql(
      { columns: [], rows: [], columnsKnown: false },
      { columns: ['id'], ordered: false },
    );
    expect(a[0]!.passed).toBe(false);
  });

  it('no expectation: the query must run', () => {
    expect(evaluateSql(users, { ordered: false })).toEqual([
      { what: 'query', expected: 'runs', actual: 'ran, 2 row(s)', passed: true },
    ]);
  });
});
