// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs say ${VAR}; these tests quote them
/** The checks spec: every field parses; every problem is reported with file, line, column; the documented specs are valid. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests } from '../../../../actions/shared/src/runtime/secrets.js';
import { formatIssue, SpecError } from '../../../../actions/verify-seed/src/spec/document.js';
import { parseSpec } from '../../../../actions/verify-seed/src/spec/parse.js';
import type { Spec } from '../../../../actions/verify-seed/src/spec/types.js';

const root = resolve(import.meta.dirname, '../../../..');
const dir = join(root, 'test/fixtures/verify-seed/specs');
const env = { TEST_DB_PASSWORD: 'Db-Pw-1234', TEST_FIXTURE_VERSION: '3.1.4' };

function parseFile(name: string, extraEnv: NodeJS.ProcessEnv = env): Promise<Spec> {
  const file = join(dir, name);
  return parseSpec(readFileSync(file, 'utf8'), {
    input: 'spec',
    file,
    workspace: root,
    baseDir: dir,
    env: extraEnv,
  });
}

function parseText(text: string, extraEnv: NodeJS.ProcessEnv = env): Promise<Spec> {
  return parseSpec(text, { input: 'checks', file: null, workspace: root, baseDir: dir, env: extraEnv });
}

/** The issues of a spec that must fail, as `line:col path: message`. */
async function issuesOf(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    expect(error).toBeInstanceOf(UserInputError);
    return (error as SpecError).issues.map((i) => `${i.at.line}:${i.at.column} ${i.path}: ${i.message}`);
  }
  throw new Error('the spec was accepted');
}

afterEach(() => clearSecretsForTests());

describe('a valid spec', () => {
  it('every field of every connection and check kind parses into the typed spec', async () => {
    const spec = await parseFile('every-field.yaml');
    expect(Object.keys(spec.connections)).toEqual([
      'db',
      'db-exec',
      'shop',
      'maria',
      'cache',
      'cache-exec',
      'api',
    ]);
    expect(spec.connections['db-exec']).toMatchObject({
      kind: 'postgres',
      exec: {
        service: 'db',
        client: 'psql',
        user: 'app',
        password: '${TEST_DB_PASSWORD}',
        database: 'app',
        host: '127.0.0.1',
        port: 5432,
      },
      at: { file: 'test/fixtures/verify-seed/specs/every-field.yaml', line: 10, column: 5 },
    });
    expect(spec.connections['cache-exec']!.exec!.database).toBe('1');
    expect(spec.connections.api!.headers).toEqual({
      Authorization: 'Bearer ${TEST_API_TOKEN:-t0ken-default}',
      'X-Trace': '1',
    });
    const [
      users,
      defaulted,
      flags,
      sessions,
      search,
      health,
      vdb,
      vredis,
      vapi,
      venv,
      iso1,
      iso2,
      iso3,
      iso4,
    ] = spec.checks;
    expect(users).toMatchObject({
      name: 'users',
      kind: 'sql',
      connection: 'db',
      description: "the seed's users",
      query: 'SELECT id, email FROM users WHERE id > $1 ORDER BY id', // trailing ";" removed
      params: [0],
      readOnly: true,
      timeoutMs: 10_000,
      retries: 3,
      retryIntervalMs: 500,
      expect: {
        rowCount: { min: 1, max: 10 },
        columns: ['id', 'email'],
        rows: [[1, 'a@x.test'], { id: 2 }],
        ordered: true,
      },
      at: { line: 30, column: 5 },
    });
    expect(users!.kind === 'sql' && users!.expect.scalar).toMatchObject({
      hasEquals: true,
      equals: 1,
      hasNotEquals: true,
      notEquals: 2,
      min: 1,
      max: 1,
      regex: /^1$/,
      json: 1,
      length: { min: 1 },
    });
    expect(defaulted).toMatchObject({
      name: 'sql#2',
      connection: 'shop',
      expect: { scalar: { hasEquals: true, equals: 1 } },
    });
    expect(flags).toMatchObject({
      kind: 'redis',
      key: 'feature:flags',
      expect: { exists: true, type: 'hash', members: ['a', '1'], size: { equals: 3 } },
    });
    expect(sessions).toMatchObject({
      kind: 'redis',
      pattern: 'session:*',
      scanLimit: 5000,
      expect: { count: { max: 100 } },
    });
    expect(search).toMatchObject({
      kind: 'http',
      request: {
        method: 'POST',
        path: '/users/search?active=1',
        headers: { 'X-Request': 'verify' },
        body: { active: true },
      },
      expect: {
        status: '2xx',
        json: [{ id: 1 }],
        length: { equals: 1 },
        jmespath: { expression: 'length(@)' },
      },
    });
    expect(health).toMatchObject({
      expect: { status: '200', jmespath: { expression: 'status', value: null } },
    });
    expect(vdb).toMatchObject({
      source: { via: 'sql', params: [] },
      declared: { value: '3.1.4', origin: 'test/fixtures/verify-seed/specs/VERSION' },
    });
    expect(vredis).toMatchObject({
      source: { via: 'redis', key: 'fixture:version' },
      declared: { value: '3.1.4', origin: 'test/fixtures/verify-seed/specs/fixture.json → fixtures.version' },
    });
    expect(vapi).toMatchObject({
      source: { via: 'http', jmespath: 'version', request: { path: '/fixture' } },
      declared: { value: '3.1.4', origin: 'the spec' },
    });
    expect(venv).toMatchObject({
      connection: 'maria',
      declared: { value: '3.1.4', origin: 'env TEST_FIXTURE_VERSION' },
    });
    expect(iso1).toMatchObject({
      source: { via: 'redis', pattern: 'env:*', scanLimit: 1000 },
      marker: { kind: 'environment' },
      foreign: /-pr-[0-9]+-/,
    });
    expect(iso2).toMatchObject({ marker: { kind: 'commit' }, source: { via: 'http', jmespath: 'commit' } });
    expect(iso3).toMatchObject({ marker: { kind: 'value', value: 'acme' }, connection: 'db-exec' });
    expect(iso4).toMatchObject({ marker: { kind: 'none' }, foreign: /^pr-/ });
  });

  it('defaults: a check names the only suitable connection; read-only, unordered, status 2xx, scan limit', async () => {
    const spec = await parseText(`
connections:
  db: { kind: postgres, url: "postgres://a@h/d" }
  api: { kind: http, url: "http://h" }
checks:
  - { kind: sql, query: SELECT 1 }
  - { kind: http, path: / }
  - { kind: isolation, connection: api, path: /env }
`);
    expect(spec.checks.map((c) => c.connection)).toEqual(['db', 'api', 'api']);
    expect(spec.checks[0]).toMatchObject({
      readOnly: true,
      expect: { ordered: false },
      at: { file: null, label: 'input "checks"', line: 6 },
    });
    expect(spec.checks[1]).toMatchObject({ request: { method: 'GET' }, expect: { status: '2xx' } });
    expect(spec.checks[2]).toMatchObject({ marker: { kind: 'environment' } });
  });

  it('YAML 1.2: on/off stay strings; a version number can be quoted or not', async () => {
    const spec = await parseText(`
connections: { c: { kind: redis, url: "redis://h" } }
checks:
  - { kind: redis, key: f, expect: { value: { json: { dark_mode: off } } } }
  - { kind: fixture-version, key: v, declared: { value: 2026.11 } }
`);
    expect(spec.checks[0]!.kind === 'redis' && spec.checks[0]!.expect.value!.json).toEqual({
      dark_mode: 'off',
    });
    expect(spec.checks[1]!.kind === 'fixture-version' && spec.checks[1]!.declared.value).toBe('2026.11');
  });
});

describe('an invalid spec fails with file, line, column and what was expected', () => {
  it('shape errors (the schema): unknown kinds and keys with the closest allowed, types, ranges', async () => {
    expect(await issuesOf(() => parseFile('bad-shape.yaml'))).toEqual([
      '3:11 connections.db.kind: a string ("postgress") is not allowed (did you mean "postgres"?); expected one of: postgres, mysql, mariadb, redis, http',
      '8:5 connections.api.user: unknown key "user"; expected one of: kind, url, headers',
      '10:5 checks[0]: check "users": missing required key "query"',
      '13:5 checks[0].qeury: check "users": unknown key "qeury" (did you mean "query"?); expected one of: kind, name, connection, description, timeout, retries, retry-interval, query, params, read-only, expect',
      '15:11 checks[1].kind: check "mongo": a string ("mongo") is not allowed; expected one of: sql, redis, http, fixture-version, isolation',
      '21:18 checks[2].expect.row-count: check "counts": expected a number, got a string ("three")',
      '22:17 checks[2].expect.scalar.eq: check "counts": unknown key "eq"; expected one of: equals, not-equals, min, max, regex, json, length',
      '26:21 checks[3].expect.type: check "flags": a string ("str") is not allowed (did you mean "set"?); expected one of: string, list, set, zset, hash, stream',
      '29:11 checks[4].path: check "page": expected a path starting with "/", got a string ("users")',
      '30:14 checks[4].retries: check "page": expected a number >= 0, got a number (-1)',
    ]);
  });

  it('meaning errors: references, kinds, statements, regexes, durations, declared files, duplicates', async () => {
    expect(await issuesOf(() => parseFile('bad-semantics.yaml'))).toEqual([
      '6:5 connections.both: give exactly one of "url" (e.g. redis://{cache:6379}) or "exec" (run the client inside a Compose service, e.g. {service: db})',
      '11:5 connections.web.url: "ftp://example.invalid/" is not a http URL; expected http:// or https://…, e.g. http://{api:8080}',
      '16:5 checks[0].query: the query is refused: it holds several statements (2); a check runs exactly one, so it can be held in a read-only transaction',
      '19:5 checks[1].connection: check "unknown connection": connection "dbb" is not defined (did you mean "db"?); expected one of: db, both, web',
      '23:5 checks[2].connection: check "wrong kind": a redis check needs a redis connection, but "db" is postgres',
      '29:25 checks[3].expect.scalar.regex: "([" is not a regular expression (Invalid regular expression: /([/: Unterminated character class)',
      '34:5 checks[4].timeout: "soon" is not a duration from 100 ms to 3600 s; expected e.g. 500ms, 10s, 2m',
      '39:15 checks[5].declared: cannot read the declared version from "test/fixtures/verify-seed/specs/NO-SUCH-FILE" (ENOENT); paths are relative to the spec file',
      '43:5 checks[6].key: "key" does not apply to postgres connection "db" (it reads with: query, params)',
      '40:5 checks[6]: missing required key "query" (a fixture-version check on postgres connection "db" reads the first column of the first row)',
      '49:25 checks[7].expect.jmespath: "[?" is not a JMESPath expression (Syntax error: invalid token (EOF): ""); see https://jmespath.org/specification.html',
      '50:5 checks[8].name: a second check is named "two statements"; names must be unique (they label the report)',
    ]);
  });

  it('YAML syntax errors point into the file', async () => {
    expect(await issuesOf(() => parseFile('bad-yaml.yaml'))).toEqual([
      '6:1 (yaml): not valid YAML: Missing closing "quote',
    ]);
  });

  it('the message lists every issue as file:line:col and ends with the fix', async () => {
    let message = '';
    try {
      await parseFile('bad-shape.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^Input "spec": test\/fixtures\/verify-seed\/specs\/bad-shape.yaml is not a valid checks spec \(10 errors\):\n/,
    );
    expect(message).toContain('\n  test/fixtures/verify-seed/specs/bad-shape.yaml:13:5: checks[0].qeury: ');
    expect(message).toMatch(
      /\nFix: correct the spec at the lines shown; action-docs\/verify-seed.md documents every key\.$/,
    );
  });

  it.each([
    ['empty', '', '1:1 (document): the spec is empty; expected a mapping with "connections" and "checks"'],
    ['a list', '- kind: sql', '1:1 (document): expected a mapping, got a list'],
    [
      'no checks',
      'connections: { c: { kind: redis, url: "redis://h" } }',
      '1:1 (document): missing required key "checks"',
    ],
    [
      'zero checks',
      'connections: { c: { kind: redis, url: "redis://h" } }\nchecks: []',
      '2:9 checks: expected at least 1 item',
    ],
    [
      'a bad connection name',
      'connections: { "a b": { kind: redis, url: "redis://h" } }\nchecks: [{ kind: redis, key: k }]',
      '1:16 connections.a b: the name "a b" is not allowed; expected letters, digits, "_", "." and "-", starting with a letter or digit',
    ],
    [
      'no kind',
      'connections: { c: { kind: redis, url: "redis://h" } }\nchecks: [{ key: k }]',
      '2:10 checks[0]: missing required key "kind"',
    ],
    [
      'duplicate keys',
      'connections: {}\nconnections: {}\nchecks: []',
      '2:1 (yaml): not valid YAML: Map keys must be unique',
    ],
    [
      'a missing connection',
      'connections: { a: { kind: redis, url: "redis://a" }, b: { kind: redis, url: "redis://b" } }\nchecks:\n  - { name: k, kind: redis, key: k }',
      '3:5 checks[0]: check "k" names no connection and several could serve it (a, b); set "connection"',
    ],
    [
      'no suitable connection',
      'connections: { a: { kind: redis, url: "redis://a" } }\nchecks:\n  - { name: q, kind: sql, query: SELECT 1 }',
      '3:5 checks[0]: check "q" names no connection and the spec has no postgres/mysql/mariadb connection; set "connection"',
    ],
    [
      'a key and a pattern',
      'connections: { a: { kind: redis, url: "redis://a" } }\nchecks:\n  - { kind: redis, key: k, pattern: "p*" }',
      '3:5 checks[0]: give exactly one of "key" (one key) or "pattern" (count matching keys with SCAN)',
    ],
    [
      'count without pattern',
      'connections: { a: { kind: redis, url: "redis://a" } }\nchecks:\n  - { kind: redis, key: k, expect: { count: 1 } }',
      '3:38 checks[0].expect.count: "count" needs "pattern" (it counts matching keys)',
    ],
    [
      'params on exec',
      'connections: { a: { kind: postgres, exec: { service: db } } }\nchecks:\n  - { kind: sql, query: "SELECT $1", params: [1] }',
      '3:38 checks[0].params: connection "a" runs a command-line client in a service (exec), which cannot bind parameters; use a url connection or write the values into the query',
    ],
    [
      'a psql meta-command',
      'connections: { a: { kind: postgres, exec: { service: db } } }\nchecks:\n  - { kind: sql, query: "\\\\! rm -rf /" }',
      '3:18 checks[0].query: the query is refused: client meta-commands (a leading backslash) are not SQL and are not allowed',
    ],
    [
      'a mysql client command',
      'connections: { a: { kind: mariadb, exec: { service: db } } }\nchecks:\n  - { kind: sql, query: "system ls" }',
      '3:18 checks[0].query: the query is refused: "system" is a command of the mysql client, not a query',
    ],
    [
      'a bad status',
      'connections: { a: { kind: http, url: "http://h" } }\nchecks:\n  - { kind: http, path: /, expect: { status: "2yy" } }',
      '3:38 checks[0].expect.status: "2yy" is not a status set; expected e.g. 200, 2xx, 200-299 or "200, 204"',
    ],
    [
      'min over max',
      'connections: { a: { kind: postgres, url: "postgres://h/d" } }\nchecks:\n  - { kind: sql, query: SELECT 1, expect: { scalar: { min: 5, max: 1 } } }',
      '3:55 checks[0].expect.scalar.min: min (5) is greater than max (1)',
    ],
    [
      'declared: two sources',
      'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: fixture-version, key: v, declared: { value: "1", env: X } }',
      '3:48 checks[0].declared: give exactly one of "file" (e.g. fixtures/VERSION), "value" or "env"',
    ],
    [
      'declared: unset variable',
      'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: fixture-version, key: v, declared: { env: NOPE_UNSET } }',
      "3:50 checks[0].declared.env: environment variable NOPE_UNSET is not set (or empty); set it in the step's env:",
    ],
    [
      'declared: a multi-line file',
      'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: fixture-version, key: v, declared: every-field.yaml }',
      '3:48 checks[0].declared: "test/fixtures/verify-seed/specs/every-field.yaml" must hold the version alone on one line, got several lines; or read a field with "jmespath"',
    ],
    [
      'declared: a field that is not there',
      'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: fixture-version, key: v, declared: { file: fixture.json, jmespath: nope } }',
      '3:70 checks[0].declared.jmespath: "nope" in "test/fixtures/verify-seed/specs/fixture.json" is null; expected a string or number',
    ],
    [
      'isolation: marker none without foreign',
      'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: isolation, key: v, marker: none }',
      '3:32 checks[0].marker: with marker: none, give "foreign" (a pattern other environments\' markers match), or the check proves nothing',
    ],
    [
      'a URL of the wrong kind',
      'connections: { a: { kind: mysql, url: "postgres://h/d" } }\nchecks: [{ kind: sql, query: SELECT 1 }]',
      '1:34 connections.a.url: "postgres://h/d" is not a mysql URL; expected mysql:// or mariadb://…, e.g. mysql://shop:${MYSQL_PASSWORD}@{db:3306}/shop',
    ],
    [
      'an exec http connection',
      'connections: { a: { kind: http, exec: { service: x } } }\nchecks: [{ kind: http, path: / }]',
      '1:33 connections.a.exec: unknown key "exec"; expected one of: kind, url, headers',
    ],
  ])('%s', async (_, text, expected) => {
    expect(await issuesOf(() => parseText(text))).toEqual([expected]);
  });

  it('inline specs are located in the input and carry no file (annotations then have no file)', async () => {
    try {
      await parseText(
        'connections: { a: { kind: redis, url: "redis://h" } }\nchecks:\n  - { kind: redis, kee: k }',
      );
    } catch (error) {
      const issue = (error as SpecError).issues[0]!;
      expect(issue.at).toEqual({ file: null, label: 'input "checks"', line: 3, column: 20 });
      expect(formatIssue(issue)).toMatch(
        /^input "checks":3:20: checks\[0\]\.kee: unknown key "kee" \(did you mean "key"\?\)/,
      );
      return;
    }
    throw new Error('accepted');
  });
});

describe('the documented specs are valid specs', () => {
  const exampleDir = join(root, 'examples/compose-app');
  const docEnv = {
    POSTGRES_PASSWORD: 'x-doc',
    SHOP_DB_PASSWORD: 'x-doc',
    API_TOKEN: 'x-doc',
    FIXTURE_VERSION: '1',
  };
  // Fixture files the docs name only as illustrations are served here; real ones are read.
  const readFile = (path: string) =>
    path.endsWith('/package.json')
      ? '{"config": {"fixtureVersion": "2026.11.1"}}'
      : readFileSync(path, 'utf8');
  const wrap = (checks: string) =>
    `connections:\n  db: { kind: postgres, url: "postgres://a@h/d" }\n  cache: { kind: redis, url: "redis://h" }\n  api: { kind: http, url: "http://h" }\nchecks:\n${checks.replace(/^/gm, '  ')}\n`;
  /** Every yaml block of a Markdown file, without its common indentation. */
  const blocks = (file: string) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => {
      const lines = m[1]!.split('\n');
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
      return lines.map((l) => l.slice(indent)).join('\n');
    });

  it.each(['actions/verify-seed/usage.md', 'README.md'])(
    '%s: every spec and check example parses',
    async (file) => {
      let parsed = 0;
      for (const text of blocks(file)) {
        let full: string;
        if (/^connections:/m.test(text) && /^checks:/m.test(text)) full = text;
        else if (/^connections:/m.test(text))
          full = `${text}\nchecks:\n  - { kind: redis, connection: cache, key: k }\n`;
        else if (text.startsWith('- name:')) full = wrap(text);
        else continue; // a workflow step
        const spec = await parseSpec(full, {
          input: 'checks',
          file: null,
          workspace: root,
          baseDir: exampleDir,
          env: docEnv,
          readFile,
        });
        expect(spec.checks.length).toBeGreaterThan(0);
        parsed++;
      }
      expect(parsed).toBeGreaterThanOrEqual(file === 'README.md' ? 1 : 7);
    },
  );

  it('examples/compose-app/seed-checks.yaml exercises every kind against PostgreSQL, Redis and HTTP', async () => {
    const file = join(exampleDir, 'seed-checks.yaml');
    const spec = await parseSpec(readFileSync(file, 'utf8'), {
      input: 'spec',
      file,
      workspace: root,
      baseDir: exampleDir,
      env: {},
    });
    expect(new Set(spec.checks.map((c) => c.kind))).toEqual(
      new Set(['sql', 'redis', 'http', 'fixture-version', 'isolation']),
    );
    expect(new Set(Object.values(spec.connections).map((c) => c.kind))).toEqual(
      new Set(['postgres', 'redis', 'http']),
    );
    const fixtures = spec.checks.filter((c) => c.kind === 'fixture-version');
    expect(fixtures.map((c) => spec.connections[c.connection]!.kind).sort()).toEqual([
      'http',
      'postgres',
      'redis',
    ]);
    const version = readFileSync(join(exampleDir, 'fixtures/VERSION'), 'utf8').trim();
    for (const c of fixtures)
      expect(c.kind === 'fixture-version' && c.declared).toEqual({
        value: version,
        origin: 'examples/compose-app/fixtures/VERSION',
      });
  });
});
