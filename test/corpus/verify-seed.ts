// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files and specs say ${VAR}; rows quote them
/**
 * Bad inputs of verify-seed, and bad specs. The base workspace holds a valid checks.yaml against a closed
 * port, so a wrongly accepted value fails on the connection instead: the error must name the bad input.
 */
import { BAD_DURATIONS, commentRows } from './common.js';
import { bad, type CorpusRow, MARK } from './rows.js';

const A = 'verify-seed';
const SPEC = { spec: 'checks.yaml', timeout: '5s' };

function rows(input: string, values: readonly string[], extra: Record<string, string> = SPEC): CorpusRow[] {
  return values.map((value) => bad(A, input, value, { with: { ...extra, [input]: value } }));
}

/** A spec file row: the file, and the file:line its error must name. */
function spec(what: string, content: string, names: RegExp): CorpusRow {
  return {
    id: `${A}/spec-file=${what}`,
    action: A,
    with: { spec: 'bad.yaml', timeout: '5s' },
    files: { 'bad.yaml': content },
    names,
  };
}

const HTTP = 'connections:\n  api: { kind: http, url: "http://127.0.0.1:9" }\n';
const PG = 'connections:\n  db: { kind: postgres, url: "postgres://u:p@127.0.0.1:9/db" }\n';

export const VERIFY_SEED: CorpusRow[] = [
  ...rows('spec', ['missing.yaml', `x${MARK}.yaml`], { timeout: '5s' }),
  spec('invalid-yaml', `${HTTP}checks:\n  - name: x\n    kind: http: bad\n`, /bad\.yaml:5/),
  spec('empty', '', /bad\.yaml/),
  spec('a-list', '- a\n- b\n', /bad\.yaml:1/),
  spec('unknown-kind', `${HTTP}checks:\n  - { kind: mongo, connection: api }\n`, /bad\.yaml:4/),
  spec(
    'unknown-connection',
    `${HTTP}checks:\n  - { kind: http, connection: nope, path: / }\n`,
    /bad\.yaml:4/,
  ),
  spec(
    'copy-to-program',
    `${PG}checks:\n  - kind: sql\n    connection: db\n    query: "COPY t TO PROGRAM '${MARK}'"\n`,
    /bad\.yaml:6/,
  ),
  spec(
    'two-statements',
    `${PG}checks:\n  - kind: sql\n    connection: db\n    query: SELECT 1; DROP TABLE t\n`,
    /bad\.yaml:6/,
  ),
  spec(
    'psql-meta',
    `${PG}checks:\n  - kind: sql\n    connection: db\n    query: '\\! ${MARK}'\n`,
    /bad\.yaml:6/,
  ),
  spec(
    'bad-regex',
    `${HTTP}checks:\n  - { kind: http, connection: api, path: /, expect: { body: { regex: "([" } } }\n`,
    /bad\.yaml:4/,
  ),
  spec(
    'bad-url',
    'connections:\n  api: { kind: http, url: "ftp://x" }\nchecks:\n  - { kind: http, connection: api, path: / }\n',
    /bad\.yaml:2/,
  ),
  spec(
    'undefined-variable',
    'connections:\n  db: { kind: postgres, url: "postgres://u:${NO_SUCH_VAR}@127.0.0.1:9/db" }\nchecks:\n  - { kind: sql, connection: db, query: SELECT 1 }\n',
    /bad\.yaml:2|NO_SUCH_VAR/,
  ),
  ...rows(
    'checks',
    [
      '{unclosed',
      'connections: {}\nchecks: []',
      `${HTTP}checks:\n  - { kind: http, connection: api, path: "${MARK}" }`,
    ],
    { timeout: '5s' },
  ),
  {
    id: `${A}/spec-and-checks`,
    action: A,
    with: { spec: 'checks.yaml', checks: HTTP },
    names: /Input "(spec|checks)"/,
  },
  { id: `${A}/no-spec`, action: A, with: {}, names: 'Input "spec"' },
  ...rows('working-directory', ['no/such/dir', `d${MARK}`]),
  ...rows('seed-command', ['[not, closed', `${MARK}`, 'no-such-program-xyz --flag', '"unterminated']),
  ...rows('seed-timeout', BAD_DURATIONS),
  ...rows('retries', ['-1', 'x', '1.5', '1001']),
  ...rows('retry-interval', ['x', '-1s']),
  ...rows('check-timeout', ['1ms', 'x']),
  ...rows('timeout', ['x', '1ms'], { spec: 'checks.yaml' }),
  ...rows('project', ['UPPER!', `p${MARK}`]),
  ...rows('upload-report', ['sometimes']),
  ...commentRows(A, { spec: 'checks.yaml' }),
];
