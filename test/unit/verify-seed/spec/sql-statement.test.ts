/** One SQL statement per check. */
import { describe, expect, it } from 'vitest';
import { singleStatement } from '../../../../actions/verify-seed/src/spec/sql-statement.js';

describe('one SQL statement per check', () => {
  it.each([
    ['SELECT 1', 'postgres', 'SELECT 1'],
    ['SELECT 1;', 'postgres', 'SELECT 1'],
    ['SELECT 1 ;  -- trailing comment', 'postgres', 'SELECT 1'],
    ["SELECT ';' AS semi", 'postgres', "SELECT ';' AS semi"],
    ['SELECT "a;b" FROM t', 'postgres', 'SELECT "a;b" FROM t'],
    ["SELECT 'it''s; fine'", 'postgres', "SELECT 'it''s; fine'"],
    ['SELECT $$a;b$$, $tag$ ; $tag$', 'postgres', 'SELECT $$a;b$$, $tag$ ; $tag$'],
    ['SELECT 1 -- ; DELETE\n', 'postgres', 'SELECT 1 -- ; DELETE'],
    ['SELECT /* ; */ 1', 'postgres', 'SELECT /* ; */ 1'],
    ["SELECT 'a\\'; b'", 'mysql', "SELECT 'a\\'; b'"],
    ['SELECT `a;b` FROM t # ;', 'mysql', 'SELECT `a;b` FROM t # ;'],
    ['SELECT $1', 'postgres', 'SELECT $1'],
  ] as const)('accepts %j (%s)', (sql, dialect, statement) => {
    expect(singleStatement(sql, dialect)).toEqual({ ok: true, statement });
  });

  it.each([
    ['SELECT 1; DELETE FROM users', 'postgres', 'several statements'],
    ['SELECT 1; COMMIT', 'postgres', 'several statements'],
    ["SELECT 1; 'x'", 'postgres', 'several statements'],
    ["SELECT 'unterminated", 'postgres', "unterminated ' quote"],
    ['SELECT $x$ open', 'postgres', 'unterminated $x$ dollar quote'],
    ['SELECT /* open', 'postgres', 'unterminated /* comment'],
    ['\\! rm -rf /', 'postgres', 'client meta-commands'],
    ['SELECT 1 \\! ls', 'mysql', 'a backslash outside quotes'],
    ['source /etc/passwd', 'mysql', '"source" is a command of the mysql client'],
    ['   ', 'postgres', 'the query is empty'],
  ] as const)('refuses %j (%s)', (sql, dialect, reason) => {
    const result = singleStatement(sql, dialect);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
