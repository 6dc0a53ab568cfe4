/**
 * verify-seed on the example stack (PostgreSQL 15, Redis 7, the Node API), run from the bundled dist under
 * the runner harness against one environment provisioned once (keep: true): the demo's seed passes every
 * check of examples/compose-app/seed-checks.yaml; checks that try to write are refused before anything
 * connects and change nothing; a SQL error shows the query and the server's message; the database
 * password appears in no log line and no file; and a deliberately broken seed (a missing row, a wrong fixture version, a wrong Redis value) fails
 * with the exact expected and actual values in the summary and an annotation at each check's line.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from '../../actions/shared/src/report/report.schema.json' with { type: 'json' };
import { type JobResult, type JobSpec, runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateReport = ajv.compile(schema);

const password = 'Pw-7c41e9-verify-seed-secret';
const repository = 'acme/seedcheck';
const head = sha('verify-seed-example');
// GITHUB_SHA on a pull_request is the merge commit, not the head: the app gets the head through its own variable.
const merge = sha('verify-seed-example-merge');
const event = prEvent(601, head);
const SPEC = 'examples/compose-app/seed-checks.yaml';
const specText = readFileSync(join(repoRoot, SPEC), 'utf8');
const jobs: JobResult[] = [];
let name = '';
let handoff: Record<string, string> = {};

/** A job on the provisioned environment (its hand-off variables and the password in the job env). */
async function onEnvironment(steps: JobSpec['steps']): Promise<JobResult> {
  const job = await runJob({
    repository,
    sha: merge,
    workspace: repoRoot,
    event,
    env: { ...handoff, POSTGRES_PASSWORD: password },
    steps,
  });
  jobs.push(job);
  return job;
}

/** The 1-based line of `- name: <check>` in the example spec. */
function lineOf(check: string): number {
  const index = specText.split('\n').findIndex((l) => l.trim() === `- name: ${check}`);
  expect(index, check).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function psql(sql: string): string {
  return execFileSync(
    'docker',
    ['compose', '-p', name, 'exec', '-T', 'db', 'psql', '-U', 'app', '-d', 'app', '-X', '-tA', '-c', sql],
    { encoding: 'utf8' },
  ).trim();
}

const stamp = () => `docker compose exec -T cache redis-cli SET fixture:environment ${name}`;

beforeAll(async () => {
  const job = await runJob({
    repository,
    sha: merge,
    workspace: repoRoot,
    event,
    env: { POSTGRES_PASSWORD: password },
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        env: { APP_COMMIT_SHA: head },
        with: { 'working-directory': 'examples/compose-app', 'wait-timeout': '3m', keep: 'true' },
      },
    ],
  });
  jobs.push(job);
  name = job.outputs('env')['environment-name'] ?? '';
  handoff = job.env;
  expect(job.status, dump(job.logText())).toBe('success');
  expect(handoff.EPHEMERAL_KEEP).toBe('true');
});

afterAll(async () => {
  if (name) {
    const down = await onEnvironment([{ id: 'down', uses: 'teardown' }]);
    expect(down.status, dump(down.logText())).toBe('success');
    forceRemove(name);
    expect(nothingLeft(name)).toBe(true);
  }
  for (const job of jobs) await job.cleanup();
});

describe('verify-seed on examples/compose-app', () => {
  it("the demo's seed passes every check of seed-checks.yaml", async () => {
    const job = await onEnvironment([
      { id: 'verify', uses: 'verify-seed', with: { spec: SPEC, 'seed-command': stamp(), timeout: '2m' } },
    ]);
    expect(job.status, dump(job.logText())).toBe('success');
    const out = job.outputs('verify');
    expect(out).toMatchObject({ passed: '15', failed: '0' });
    expect(Object.keys(JSON.parse(out.checks!))).toHaveLength(15);
    const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({
      action: 'verify-seed',
      result: 'success',
      environment: { name, pr: 601 },
    });
    expect(report.checks.map((c: { kind: string }) => c.kind).sort()).toEqual(
      [
        ...Array(5).fill('sql'),
        'fixture-version',
        'fixture-version',
        'fixture-version',
        ...Array(3).fill('redis'),
        ...Array(2).fill('http'),
        'isolation',
        'isolation',
      ].sort(),
    );
    expect(report.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(report.checks[0]).toMatchObject({
      name: 'users are seeded',
      source: { file: SPEC, line: lineOf('users are seeded'), column: 5 },
      target: expect.stringMatching(/^postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app$/),
    });
    expect(job.summary).toContain('**Checks:** 15 of 15 passed.');
    expect(job.summary).toContain(
      '| fixture version (PostgreSQL) | fixture-version | fixture-version: "2026.11.1" (examples/compose-app/fixtures/VERSION) | fixture-version: "2026.11.1" | ✅ pass |',
    );
    expect(job.summary).toMatch(
      /\| five orders \| sql \| scalar: 5 \| scalar: "5" \| ✅ pass \| \d+(\.\d+)? m?s \|/,
    );
    expect(job.summary).toContain(
      `| Redis belongs to this environment | isolation | owner: names environment "${name}"`,
    );
    expect(job.logText()).toContain('seed │ OK');
    expect(job.steps[0]!.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  it('checks that try to write are refused before anything connects; the data is unchanged', async () => {
    const before = psql(
      "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM orders) || ',' || (SELECT count(*) FROM fixture_meta)",
    );
    expect(before).toMatch(/^3,5,\d+$/);
    const job = await onEnvironment([
      {
        id: 'verify',
        uses: 'verify-seed',
        with: {
          checks: `
connections:
  db: { kind: postgres, url: "postgres://app:\${POSTGRES_PASSWORD}@{db:5432}/app" }
checks:
  - { name: delete the orders, kind: sql, query: DELETE FROM orders }
  - { name: insert a user, kind: sql, query: "INSERT INTO users (id, email, name, created_at) VALUES (99, 'x@y.test', 'X', now())" }
  - { name: a writing CTE, kind: sql, query: "WITH gone AS (DELETE FROM fixture_meta RETURNING key) SELECT count(*) FROM gone" }
  - { name: truncate, kind: sql, query: TRUNCATE users CASCADE }
  - { name: still five orders, kind: sql, query: SELECT count(*) FROM orders, expect: { scalar: 5 } }
`,
        },
      },
    ]);
    expect(job.status).toBe('failure');
    // Issue 9, defect 1: refused by the parser (a READ ONLY transaction would not stop a superuser's COPY
    // or DO), one error per writing check, naming it; no check ran.
    const errors = job.steps[0]!.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    for (const index of [0, 1, 2, 3])
      expect(errors.some((m) => m.includes(`checks[${index}].query: the query is refused`))).toBe(true);
    expect(errors.some((m) => m.includes('checks[4]'))).toBe(false);
    expect(job.logText()).not.toMatch(/Verifying \d+ check/);
    expect(
      psql(
        "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM orders) || ',' || (SELECT count(*) FROM fixture_meta)",
      ),
    ).toBe(before);
  });

  it('a SQL error shows the server message and the query', async () => {
    const job = await onEnvironment([
      {
        id: 'verify',
        uses: 'verify-seed',
        with: {
          checks: `
connections:
  db: { kind: postgres, url: "postgres://app:\${POSTGRES_PASSWORD}@{db:5432}/app" }
checks:
  - { name: a missing table, kind: sql, query: SELECT count(*) FROM userz }
  - { name: still five orders, kind: sql, query: SELECT count(*) FROM orders, expect: { scalar: 5 } }
`,
        },
      },
    ]);
    expect(job.status).toBe('failure');
    expect(job.outputs('verify')).toMatchObject({ passed: '1', failed: '1' });
    const report = JSON.parse(readFileSync(job.outputs('verify')['report-path']!, 'utf8'));
    const error = report.checks.find((c: { name: string }) => c.name === 'a missing table').error as string;
    expect(error).toMatch(
      /^SQL error from postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app: relation "userz" does not exist; at character \d+ \(SQLSTATE 42P01\) — query: SELECT count\(\*\) FROM userz$/,
    );
    // inline spec: annotations name the check but carry no file
    const annotations = job.steps[0]!.annotations.filter((a) => a.level === 'error');
    expect(
      annotations.find((a) => a.message.startsWith('Check "a missing table" (sql) failed: SQL error'))
        ?.properties.file,
    ).toBeUndefined();
  });

  it('the database password appears in no log line, summary or file, even in error messages', async () => {
    const job = await onEnvironment([
      {
        id: 'verify',
        uses: 'verify-seed',
        with: {
          checks: `
connections:
  db: { kind: postgres, url: "postgres://app:\${POSTGRES_PASSWORD}@{db:5432}/app" }
  nowhere: { kind: postgres, url: "postgres://app:\${POSTGRES_PASSWORD}@127.0.0.1:1/app" }
  inside: { kind: postgres, exec: { service: db, user: app, password: "\${POSTGRES_PASSWORD}", host: 127.0.0.1, database: app } }
checks:
  - { name: echoes the password, kind: sql, connection: db, query: "SELECT $1::int", params: ["\${POSTGRES_PASSWORD}"] }
  - { name: unreachable, kind: sql, connection: nowhere, query: SELECT 1 }
  - { name: inside with the password, kind: sql, connection: inside, query: SELECT count(*) FROM users, expect: { scalar: 3 } }
`,
          'upload-report': 'always',
        },
      },
    ]);
    expect(job.status).toBe('failure');
    expect(job.outputs('verify')).toMatchObject({ passed: '1', failed: '2' });
    const report = JSON.parse(readFileSync(job.outputs('verify')['report-path']!, 'utf8'));
    // the server really echoed it: redacted to ***
    expect(report.checks[0].error).toContain('invalid input syntax for type integer: "***"');
    expect(report.checks[1].error).toMatch(
      /cannot reach connection "nowhere": cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: .*ECONNREFUSED/,
    );
    const raw = job
      .rawLogText()
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'));
    expect(raw.filter((l) => l.includes(password))).toEqual([]);
    // every file of every job on this environment so far, and every summary and log
    for (const j of jobs) {
      expect(j.logText()).not.toContain(password);
      expect(j.summary).not.toContain(password);
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir)) {
          const path = join(dir, entry);
          if (statSync(path).isDirectory()) walk(path);
          else files.push(path);
        }
      };
      walk(j.runnerTemp);
      for (const file of files) expect(readFileSync(file, 'utf8').includes(password), file).toBe(false);
    }
  });

  it('a broken seed (a missing row, a wrong fixture version, a wrong Redis value) fails with exact expected/actual and annotations', async () => {
    const broken = join(repoRoot, 'test/fixtures/verify-seed/broken-fixtures');
    const job = await onEnvironment([
      {
        id: 'verify',
        uses: 'verify-seed',
        with: {
          spec: SPEC,
          'seed-command': JSON.stringify([
            'docker',
            'compose',
            'run',
            '--rm',
            '--no-deps',
            '-e',
            'FIXTURE_DIR=/broken-fixtures',
            '-v',
            `${broken}:/broken-fixtures:ro`,
            'seed',
          ]),
          timeout: '3m',
        },
      },
    ]);
    expect(job.status, dump(job.logText())).toBe('failure');
    const out = job.outputs('verify');
    const summary = job.summary;
    // a missing row (user 3 and its order)
    expect(summary).toContain(
      '| users are seeded | sql | row-count: = 3; columns: ⊇ id, email, name, created_at; rows (in order): 3 row(s):',
    );
    expect(summary).toContain(
      '| row-count: 2; columns: id, email, name, created_at; rows (in order): 2 row(s); missing [{"id":3,"email":"linus@example.test","name":"Linus Torvalds","created_at":"2026-01-07T14:15:00Z"}] | ❌ fail |',
    );
    expect(summary).toMatch(/\| five orders \| sql \| scalar: 5 \| scalar: "4" \| ❌ fail \|/);
    // a wrong fixture version, in PostgreSQL, Redis and the API
    for (const where of ['PostgreSQL', 'Redis', 'API'])
      expect(summary).toContain(
        `| fixture version (${where}) | fixture-version | fixture-version: "2026.11.1" (examples/compose-app/fixtures/VERSION) | fixture-version: "2026.10.0" | ❌ fail |`,
      );
    // a wrong Redis value
    expect(summary).toContain(
      'value json: {"new_checkout":"on","dark_mode":"on","beta_search":"on"} ($.dark_mode: expected "off", got "on") | ❌ fail |',
    );
    // what still holds
    expect(summary).toMatch(/\| catalog SKUs \| redis \| .* \| ✅ pass \|/);
    expect(summary).toMatch(/\| API serves this pull request's commit \| isolation \| .* \| ✅ pass \|/);
    expect(Number(out.failed)).toBe(10);
    expect(Number(out.passed)).toBe(5);
    // one annotation per failing check, at its line in the spec file
    const annotations = job.steps[0]!.annotations.filter(
      (a) => a.level === 'error' && a.message.startsWith('Check "'),
    );
    expect(annotations).toHaveLength(10);
    const fixture = annotations.find((a) => a.message.startsWith('Check "fixture version (PostgreSQL)"'))!;
    expect(fixture.properties).toMatchObject({
      file: SPEC,
      line: String(lineOf('fixture version (PostgreSQL)')),
      col: '5',
    });
    expect(fixture.message).toBe(
      'Check "fixture version (PostgreSQL)" (fixture-version) failed: the environment holds fixture version "2026.10.0" but examples/compose-app/fixtures/VERSION declares "2026.11.1": a stale seed image, or fixtures changed without bumping the version',
    );
    const users = annotations.find((a) => a.message.startsWith('Check "users are seeded"'))!;
    expect(users.properties).toMatchObject({ file: SPEC, line: String(lineOf('users are seeded')) });
    expect(users.message).toContain('row-count: expected = 3, got 2');
    expect(annotations.find((a) => a.message.startsWith('Check "feature flags"'))!.properties.line).toBe(
      String(lineOf('feature flags')),
    );
    expect(psql('SELECT count(*) FROM users')).toBe('2'); // the broken seed really ran
  });
});
