/**
 * verify-seed's read-only promise at validation: PostgreSQL's own parser (libpg-query) and the MySQL /
 * MariaDB grammars (node-sql-parser) read each query, and only plain reads pass. The integration test
 * (test/integration/verify-seed-exec.test.ts) shows the same queries writing on real servers without
 * this check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParsers, readOnlyQuery } from '../../../../../actions/verify-seed/src/spec/sql/read-only.js';
import type { ConnectionKind } from '../../../../../actions/verify-seed/src/spec/types.js';

const T = 30_000;

beforeAll(() => loadSqlParsers(['postgres', 'mysql']));

describe('PostgreSQL: plain reads pass, as the statement to run', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['SELECT 1;', 'SELECT 1'],
    ['SELECT 1 ;  -- trailing comment', 'SELECT 1'],
    ["SELECT ';' AS semi", "SELECT ';' AS semi"],
    ['SELECT "a;b" FROM t', 'SELECT "a;b" FROM t'],
    ["SELECT 'it''s; fine'", "SELECT 'it''s; fine'"],
    ['SELECT $$a;b$$, $tag$ ; $tag$', 'SELECT $$a;b$$, $tag$ ; $tag$'],
    ["SELECT E'a\\'; b'", "SELECT E'a\\'; b'"],
    ['SELECT /* ; */ 1', 'SELECT /* ; */ 1'],
    [
      'SELECT id, email FROM users WHERE id > $1 ORDER BY id;',
      'SELECT id, email FROM users WHERE id > $1 ORDER BY id',
    ],
    ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'WITH x AS (SELECT 1 AS a) SELECT a FROM x'],
    ['VALUES (1, 2)', 'VALUES (1, 2)'],
    ['TABLE orders', 'TABLE orders'],
    ['SHOW work_mem', 'SHOW work_mem'],
    ['EXPLAIN SELECT * FROM orders', 'EXPLAIN SELECT * FROM orders'],
    ['EXPLAIN (ANALYZE false, VERBOSE) SELECT 1', 'EXPLAIN (ANALYZE false, VERBOSE) SELECT 1'],
    ['SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL', ''],
    ['SELECT pg_sleep(1.5)', 'SELECT pg_sleep(1.5)'],
    ["SELECT current_setting('work_mem'), now(), lower('A')", ''],
  ])('%j', (sql, statement) => {
    const result = readOnlyQuery(sql, 'postgres', T);
    expect(result).toEqual({ ok: true, statement: statement || sql });
  });
});

describe('PostgreSQL: anything else is refused, saying why and what is allowed', () => {
  it.each([
    ["COPY orders TO PROGRAM 'rm -rf /'", 'COPY is not a read: it reads and writes files and runs programs'],
    ["COPY orders TO '/tmp/out.csv'", 'COPY is not a read'],
    ['COPY (SELECT 1) TO STDOUT', 'COPY is not a read'],
    ['DO $$BEGIN DELETE FROM orders; END$$', 'DO is not a read: it runs procedural code'],
    ['CALL cleanup()', 'CALL is not a read'],
    ['SET default_transaction_read_only = off', 'SET is not a read'],
    ["SELECT set_config('transaction_read_only', 'off', true)", 'it calls set_config()'],
    ['LOCK TABLE orders', 'LOCK is not a read'],
    ['LISTEN chan', 'LISTEN is not a read'],
    ["NOTIFY chan, 'x'", 'NOTIFY is not a read'],
    ["SELECT pg_notify('chan', 'x')", 'it calls pg_notify()'],
    ["SELECT lo_export(16385, '/tmp/x')", 'it calls lo_export(): large-object functions'],
    ["SELECT pg_catalog.lo_import('/etc/passwd')", 'it calls lo_import()'],
    ["SELECT pg_read_file('/etc/passwd')", 'it calls pg_read_file()'],
    ["SELECT pg_read_binary_file('/etc/passwd')", 'it calls pg_read_binary_file()'],
    ["SELECT * FROM pg_ls_dir('.')", 'it calls pg_ls_dir()'],
    ["SELECT pg_file_write('x', 'y', false)", 'it calls pg_file_write()'],
    ["SELECT * FROM dblink('dbname=app', 'DELETE FROM orders') AS t(x int)", 'it calls dblink()'],
    ["SELECT dblink_exec('dbname=app', 'DELETE FROM orders')", 'it calls dblink_exec()'],
    ['SELECT pg_terminate_backend(42)', 'it calls pg_terminate_backend()'],
    ['SELECT pg_cancel_backend(42)', 'it calls pg_cancel_backend()'],
    ['SELECT pg_reload_conf()', 'it calls pg_reload_conf()'],
    ['SELECT pg_advisory_lock(1)', 'advisory locks outlive the transaction'],
    ["SELECT nextval('orders_id_seq')", 'it calls nextval()'],
    ["SELECT setval('orders_id_seq', 1)", 'it calls setval()'],
    ["SELECT query_to_xml('DELETE FROM orders', true, true, '')", 'runs SQL given as text'],
    ['SELECT pg_sleep(31)', "pg_sleep(31) sleeps longer than the check's timeout (30 s)"],
    ['SELECT pg_sleep(n) FROM t', 'pg_sleep() is allowed only with a constant number of seconds'],
    ["SELECT pg_sleep_for('1 hour')", 'it calls pg_sleep_for()'],
    ['SELECT (SELECT lo_unlink(1))', 'it calls lo_unlink()'],
    [
      'SELECT * FROM orders WHERE id IN (SELECT pg_terminate_backend(pid) FROM pg_stat_activity)',
      'pg_terminate_backend',
    ],
    ['WITH gone AS (DELETE FROM meta RETURNING key) SELECT count(*) FROM gone', 'DELETE inside the query'],
    ['WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x', 'UPDATE inside the query'],
    ['SELECT 1 INTO new_table', 'SELECT … INTO creates a table'],
    ['SELECT * FROM orders FOR UPDATE', 'FOR UPDATE / FOR SHARE locks rows'],
    ['SELECT * FROM orders FOR SHARE', 'FOR UPDATE / FOR SHARE locks rows'],
    ['EXPLAIN ANALYZE DELETE FROM orders', 'EXPLAIN ANALYZE runs the statement'],
    ['EXPLAIN (ANALYZE) SELECT 1', 'EXPLAIN ANALYZE runs the statement'],
    ['EXPLAIN DELETE FROM orders', 'DELETE (under EXPLAIN) is not a read'],
    ['DELETE FROM products', 'DELETE is not a read'],
    ['UPDATE products SET price = 0', 'UPDATE is not a read'],
    ['INSERT INTO t VALUES (1)', 'INSERT is not a read'],
    ['CREATE TABLE t AS SELECT 1', 'CREATE TABLE … AS is not a read'],
    ['BEGIN', 'a transaction command'],
    ['SELECT 1; COMMIT', 'it holds several statements (2)'],
    ['SELECT 1; DELETE FROM users', 'it holds several statements (2)'],
    ["SELECT 1; 'x'", "PostgreSQL's parser rejects it"],
    ["SELECT 'unterminated", "PostgreSQL's parser rejects it"],
    ['SELECT $x$ open', "PostgreSQL's parser rejects it"],
    ['SELEC 1', 'PostgreSQL\'s parser rejects it: syntax error at or near "SELEC" (at character 1)'],
    ['\\! rm -rf /', 'client meta-commands'],
    ['SELECT 1 \\! ls', "PostgreSQL's parser rejects it"],
    ['   ', 'the query is empty'],
    ['-- nothing', 'the query holds no statement'],
  ])('%j', (sql, reason) => {
    const result = readOnlyQuery(sql, 'postgres', T);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('every refusal of a statement says what a check may do instead', () => {
    const result = readOnlyQuery("COPY t TO PROGRAM 'id'", 'postgres', T);
    expect(!result.ok && result.reason).toContain(
      'a check may only read: SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN without ANALYZE',
    );
  });

  it("the check's own timeout bounds pg_sleep", () => {
    expect(readOnlyQuery('SELECT pg_sleep(5)', 'postgres', 10_000).ok).toBe(true);
    expect(readOnlyQuery('SELECT pg_sleep(5)', 'postgres', 4_000).ok).toBe(false);
  });
});

describe('MySQL / MariaDB: plain reads pass', () => {
  it.each<[string, ConnectionKind, string?]>([
    ['SELECT 1', 'mysql'],
    ['SELECT 1;', 'mariadb', 'SELECT 1'],
    ['SELECT count(*) FROM products WHERE price > ?', 'mysql'],
    ['SELECT status, count(*) AS n FROM orders GROUP BY status', 'mariadb'],
    ["SELECT 'a\\\\' AS backslash", 'mysql'],
    ['SELECT `a;b` FROM t # ;', 'mysql'],
    ['SELECT 1 -- a comment', 'mysql'],
    [
      'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT * FROM c',
      'mariadb',
    ],
    ['SELECT * FROM t WHERE a IN (SELECT b FROM u)', 'mysql'],
    ['SHOW DATABASES', 'mysql'],
    ['SHOW CREATE TABLE t', 'mariadb'],
    ['DESCRIBE t', 'mysql'],
    ['EXPLAIN SELECT * FROM t', 'mysql'],
    ['SELECT SLEEP(1)', 'mariadb'],
    ["SELECT value FROM meta WHERE `key` = 'fixture_version'", 'mariadb'],
  ])('%j (%s)', (sql, kind, statement) => {
    expect(readOnlyQuery(sql, kind, T)).toEqual({ ok: true, statement: statement ?? sql });
  });
});

describe('MySQL / MariaDB: anything else is refused', () => {
  it.each<[string, string]>([
    ["SELECT * FROM orders INTO OUTFILE '/tmp/out'", 'SELECT … INTO OUTFILE writes outside the result'],
    ["SELECT * INTO DUMPFILE '/tmp/out' FROM orders", 'SELECT … INTO DUMPFILE'],
    ['SELECT a INTO @x FROM t', 'SELECT … INTO @variable'],
    ["SELECT * FROM t1 UNION SELECT * FROM t2 INTO OUTFILE '/tmp/x'", 'INTO OUTFILE'],
    ["SELECT LOAD_FILE('/etc/passwd')", 'it calls LOAD_FILE()'],
    ["SELECT * FROM t WHERE a IN (SELECT LOAD_FILE('/x'))", 'it calls LOAD_FILE()'],
    ['SELECT SLEEP(31)', "SLEEP(31) sleeps longer than the check's timeout (30 s)"],
    ['SELECT SLEEP(a) FROM t', 'SLEEP() is allowed only with a constant'],
    ["SELECT BENCHMARK(100000000, MD5('a'))", 'it calls BENCHMARK()'],
    ["SELECT GET_LOCK('a', 10)", 'named locks outlive the transaction'],
    ["SELECT sys_exec('id')", 'runs a shell command'],
    ['SELECT * FROM t FOR UPDATE', 'FOR UPDATE locks rows'],
    ['SELECT * FROM t LOCK IN SHARE MODE', 'locks rows'],
    ['SELECT (SELECT a FROM t FOR UPDATE)', 'FOR UPDATE locks rows'],
    ['DELETE FROM products', 'DELETE is not a read'],
    ['UPDATE products SET price = 0', 'UPDATE is not a read'],
    ['INSERT INTO t VALUES (1)', 'INSERT is not a read'],
    ['SET SESSION TRANSACTION READ WRITE', 'rejects it'],
    ['SET @a = 1', 'SET is not a read'],
    ['CALL cleanup()', 'is not a read'],
    ['DO SLEEP(100)', 'rejects it'],
    ['LOCK TABLES t READ', 'is not a read'],
    ['EXPLAIN ANALYZE SELECT 1', 'rejects it at line 1, column 9'],
    ['SELECT 1; DELETE FROM users', 'several statements'],
    ['SELECT 1 /*! ; DELETE FROM t */', 'executable comments are not allowed'],
    ['SELECT 1 /*M! , LOAD_FILE("/x") */', 'executable comments are not allowed'],
    ["SELECT 1 --x, LOAD_FILE('/etc/passwd')", 'MySQL reads "--" as a comment only when a space follows it'],
    ["SELECT 'a\\'; DELETE FROM t; -- '", 'read differently under sql_mode NO_BACKSLASH_ESCAPES'],
    [String.raw`SELECT "a\" , LOAD_FILE('/x'), "" "`, 'read differently under sql_mode ANSI_QUOTES'],
    ['SELECT 1 \\! ls', 'a backslash outside quotes'],
    ['source /etc/passwd', '"source" is a command of the mysql client'],
    ['system ls', '"system" is a command of the mysql client'],
    ["SELECT 'unterminated", "unterminated ' quote"],
    ['SELECT /* open', 'unterminated /* comment'],
    ['SELEC 1', 'parser rejects it at line 1, column 7 (near "1")'],
    ['  ', 'the query is empty'],
  ])('%j', (sql, reason) => {
    for (const kind of ['mysql', 'mariadb'] as const) {
      const result = readOnlyQuery(sql, kind, T);
      expect(result.ok, kind).toBe(false);
      expect(!result.ok && result.reason, kind).toContain(reason);
    }
  });
});
