/**
 * The SQL parsers load on demand (issue 12, start-up): parsing a spec loads the parser of each SQL dialect
 * its connections use and no other, and a bad query is still refused, with its line, before anything
 * connects. Its own file: the loaded parsers are per module instance, so the state starts empty here.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../../../../actions/verify-seed/src/spec/document.js';
import { parseSpec } from '../../../../../actions/verify-seed/src/spec/parse.js';
import { readOnlyQuery } from '../../../../../actions/verify-seed/src/spec/sql/read-only.js';

const root = resolve(import.meta.dirname, '../../../../..');
const options = { input: 'checks', file: null, workspace: root, baseDir: join(root, 'test'), env: {} };
const notLoaded = /no SQL parser is loaded for connection kind/;

describe('SQL parsers are loaded by the spec that needs them', () => {
  it('none at first; a spec without SQL connections loads none; a PostgreSQL spec loads only PostgreSQL', async () => {
    expect(() => readOnlyQuery('SELECT 1', 'postgres', 1000)).toThrow(notLoaded);
    await parseSpec(
      'connections: { c: { kind: redis, url: "redis://h" }, api: { kind: http, url: "http://h" } }\nchecks: [{ kind: redis, key: k }, { kind: http, path: / }]\n',
      options,
    );
    expect(() => readOnlyQuery('SELECT 1', 'postgres', 1000)).toThrow(notLoaded);
    expect(() => readOnlyQuery('SELECT 1', 'mysql', 1000)).toThrow(notLoaded);

    const spec = await parseSpec(
      'connections: { db: { kind: postgres, url: "postgres://a@h/d" } }\nchecks: [{ kind: sql, query: "SELECT 1;" }]\n',
      options,
    );
    expect(spec.checks[0]).toMatchObject({ query: 'SELECT 1' });
    expect(readOnlyQuery('SELECT 1', 'postgres', 1000)).toEqual({ ok: true, statement: 'SELECT 1' });
    expect(() => readOnlyQuery('SELECT 1', 'mariadb', 1000)).toThrow(notLoaded);
  });

  it('a MariaDB spec loads the MySQL/MariaDB grammars, and a write is refused at its line', async () => {
    const error = await parseSpec(
      'connections:\n  shop: { kind: mariadb, url: "mysql://a@h/d" }\nchecks:\n  - { kind: sql, query: "SELECT 1" }\n  - { kind: sql, query: "SELECT * FROM t INTO OUTFILE \'/tmp/x\'" }\n',
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).issues.map((i) => `${i.at.line} ${i.path}: ${i.message}`)).toEqual([
      expect.stringMatching(/^5 checks\[1\]\.query: the query is refused: SELECT … INTO OUTFILE/),
    ]);
    expect(readOnlyQuery('SELECT 1', 'mysql', 1000)).toEqual({ ok: true, statement: 'SELECT 1' });
  });
});
