/** One attempt of a check: errors name the check, the query and the server message. */
import { describe, expect, it } from 'vitest';
import { bindCheck } from '../../../../actions/verify-seed/src/checks/attempt.js';
import { ConnectionError, SqlError } from '../../../../actions/verify-seed/src/connections/types.js';
import type { SqlCheck } from '../../../../actions/verify-seed/src/spec/types.js';

const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

const signal = () => new AbortController().signal;

describe('errors name the check, the query and the server message', () => {
  it('an SQL error shows the query; a connection error names the connection', async () => {
    const check: SqlCheck = {
      name: 'users',
      kind: 'sql',
      connection: 'db',
      query: 'SELECT * FROM userz',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at,
    };
    const failing = (error: Error) => ({
      kind: 'sql' as const,
      sql: {
        kind: 'postgres' as const,
        target: 'postgres://app:***@h:1/app',
        query: async () => Promise.reject(error),
      },
    });
    const sqlError = await bindCheck(
      check,
      failing(new SqlError('relation "userz" does not exist (SQLSTATE 42P01)')),
      { environment: '', commit: '' },
    ).attempt(signal(), 1000);
    expect(sqlError.error).toBe(
      'SQL error from postgres://app:***@h:1/app: relation "userz" does not exist (SQLSTATE 42P01) — query: SELECT * FROM userz',
    );
    const down = await bindCheck(
      check,
      failing(new ConnectionError('cannot connect to postgres://app:***@h:1/app: ECONNREFUSED')),
      { environment: '', commit: '' },
    ).attempt(signal(), 1000);
    expect(down.error).toBe(
      'cannot reach connection "db": cannot connect to postgres://app:***@h:1/app: ECONNREFUSED',
    );
  });
});
