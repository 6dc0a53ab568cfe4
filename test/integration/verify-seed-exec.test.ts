/**
 * verify-seed's exec path, from the bundled dist under the runner harness: PostgreSQL and Redis publish no
 * port, so psql and redis-cli run inside their services (`docker compose exec -T`); MariaDB 10.11 is checked
 * both through its client in the service and through mysql2 on its published port. Every check passes
 * (typed results, NULL vs '' vs the text "NULL", hashes, lists, key patterns, fixture versions); then checks
 * that try to write fail through every path, and the data is unchanged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobResult, type JobSpec, runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/seedexec';
const head = sha('verify-seed-exec');
const event = prEvent(602, head);
const DIR = 'test/fixtures/verify-seed/exec';
const jobs: JobResult[] = [];
let name = '';
let handoff: Record<string, string> = {};
let services: Record<string, { ports: Record<string, string> }> = {};

async function onEnvironment(steps: JobSpec['steps']): Promise<JobResult> {
  const job = await runJob({ repository, sha: head, workspace: repoRoot, event, env: handoff, steps });
  jobs.push(job);
  return job;
}

function inService(service: string, argv: string[], env: Record<string, string> = {}): string {
  return execFileSync(
    'docker',
    ['compose', '-p', name, 'exec', '-T', ...Object.keys(env).flatMap((k) => ['-e', k]), service, ...argv],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    },
  ).trim();
}

const counts = () => ({
  pg: inService('db', [
    'psql',
    '-U',
    'shop',
    '-d',
    'shop',
    '-X',
    '-tA',
    '-c',
    "SELECT (SELECT count(*) FROM products) || ',' || (SELECT sum(price) FROM products) || ',' || (SELECT count(*) FROM meta)",
  ]),
  mdb: inService(
    'mdb',
    ['mariadb', '-ushop', '-Dshop', '-N', '-e', 'SELECT count(*), sum(price) FROM products'],
    { MYSQL_PWD: 'shop-db-pw' },
  ),
});

beforeAll(async () => {
  const job = await runJob({
    repository,
    sha: head,
    workspace: repoRoot,
    event,
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        with: { 'working-directory': DIR, 'wait-timeout': '3m', keep: 'true' },
      },
    ],
  });
  jobs.push(job);
  name = job.outputs('env')['environment-name'] ?? '';
  handoff = job.env;
  expect(job.status, dump(job.logText())).toBe('success');
  services = JSON.parse(job.outputs('env').services ?? '{}');
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

describe('verify-seed with clients inside the services', () => {
  it('PostgreSQL and Redis publish no port: psql and redis-cli run in their services, and every check passes', async () => {
    expect(services.db!.ports).toEqual({});
    expect(services.cache!.ports).toEqual({});
    expect(services.mdb!.ports['3306/tcp']).toMatch(/^127\.0\.0\.1:\d+$/);
    const job = await onEnvironment([
      { id: 'verify', uses: 'verify-seed', with: { 'working-directory': DIR, spec: 'checks.yaml' } },
    ]);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('verify')).toMatchObject({ passed: '12', failed: '0' });
    const report = JSON.parse(readFileSync(job.outputs('verify')['report-path']!, 'utf8'));
    const target = (check: string) => report.checks.find((c: { name: string }) => c.name === check).target;
    expect(target('pg products (psql in db)')).toBe(`psql in service db of Compose project ${name}`);
    expect(target('redis settings (redis-cli in cache)')).toBe(
      `redis-cli in service cache of Compose project ${name}`,
    );
    expect(target('mariadb products (client in mdb)')).toBe(
      `mariadb in service mdb of Compose project ${name}`,
    );
    expect(target('mariadb count (mysql2)')).toMatch(/^mysql:\/\/shop:\*\*\*@127\.0\.0\.1:\d+\/shop$/);
    expect(job.summary).toContain(
      '| redis sessions (redis-cli in cache) | redis | count session:*: = 3 | count session:*: 3 (session:a, session:b, session:c) | ✅ pass |',
    );
    expect(job.summary).toContain(
      '| pg fixture version (psql in db) | fixture-version | fixture-version: "7.3.0" (test/fixtures/verify-seed/exec/FIXTURE_VERSION) | fixture-version: "7.3.0" | ✅ pass |',
    );
    // the password went through the environment, never an argv: not in the log either
    expect(job.logText()).not.toContain('shop-db-pw');
  });

  it('a query whose body writes (a function) fails through psql, the mariadb client and mysql2; the data is unchanged', async () => {
    const before = counts();
    expect(before).toEqual({ pg: '3,38.50,1', mdb: '3\t38.50' });
    const job = await onEnvironment([
      { id: 'verify', uses: 'verify-seed', with: { 'working-directory': DIR, spec: 'read-only.yaml' } },
    ]);
    expect(job.status).toBe('failure');
    expect(job.outputs('verify')).toMatchObject({ passed: '0', failed: '3' });
    const report = JSON.parse(readFileSync(job.outputs('verify')['report-path']!, 'utf8'));
    const error = (check: string) =>
      report.checks.find((c: { name: string }) => c.name === check).error as string;
    expect(error('delete through psql')).toContain(
      `SQL error from psql in service db of Compose project ${name}: ERROR: cannot execute SELECT in a read-only transaction CONTEXT: SQL function "wipe_products"`,
    );
    expect(error('delete through the mariadb client')).toContain(
      `SQL error from mariadb in service mdb of Compose project ${name}: ERROR 1792 (25006)`,
    );
    expect(error('delete through mysql2')).toMatch(
      /^SQL error from mysql:\/\/shop:\*\*\*@127\.0\.0\.1:\d+\/shop: Cannot execute statement in a READ ONLY transaction/,
    );
    const annotation = job.steps[0]!.annotations.find((a) =>
      a.message.startsWith('Check "delete through psql"'),
    )!;
    expect(annotation.properties).toMatchObject({ file: `${DIR}/read-only.yaml`, line: '15', col: '5' });
    expect(counts()).toEqual(before);
  });

  it('issue 9, defect 1: COPY … TO PROGRAM, COPY TO a file, DO, lo_export and INTO OUTFILE are refused before anything connects', async () => {
    const before = counts();
    const pwned = () =>
      inService('db', ['sh', '-c', 'ls /tmp/ephemeral-pwned-* 2>/dev/null || true']) +
      inService('mdb', ['sh', '-c', 'ls /tmp/ephemeral-pwned-* 2>/dev/null || true']);
    expect(pwned()).toBe('');
    const job = await onEnvironment([
      { id: 'verify', uses: 'verify-seed', with: { 'working-directory': DIR, spec: 'hostile.yaml' } },
    ]);
    expect(job.status).toBe('failure');
    // Nothing ran on either server: no file, no deleted row.
    expect(pwned()).toBe('');
    expect(counts()).toEqual(before);
    const log = job.logText();
    // One error per refused check, at its line of the spec, saying why and what is allowed.
    const errors = job.steps[0]!.annotations.filter(
      (a) => a.properties.title === 'verify-seed: invalid spec',
    );
    expect(errors.map((a) => a.properties.line)).toEqual(['15', '19', '23', '27', '32', '36', '40']);
    for (const a of errors) expect(a.properties.file).toBe(`${DIR}/hostile.yaml`);
    expect(errors[0]!.message).toContain(
      'checks[0].query: the query is refused: COPY is not a read: it reads and writes files and runs programs on the database server',
    );
    expect(errors[3]!.message).toContain('it calls lo_export()');
    expect(errors[4]!.message).toContain('DO is not a read');
    expect(errors[5]!.message).toContain('SELECT … INTO OUTFILE writes outside the result');
    expect(errors[6]!.message).toContain('executable comments are not allowed');
    expect(log).not.toMatch(/Verifying \d+ check/);
    expect(log).not.toContain('shop-root-pw');
  });

  it('issue 9, defect 1: a superuser or root connection gets a summary warning naming the fix; a reader none', async () => {
    const job = await onEnvironment([
      { id: 'verify', uses: 'verify-seed', with: { 'working-directory': DIR, spec: 'privileges.yaml' } },
    ]);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('verify')).toMatchObject({ passed: '4', failed: '0' });
    const warnings = job.steps[0]!.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.includes('"pg-super"'))).toMatch(
      /Connection "pg-super" \(psql in service db of Compose project .*\) logs in as "shop", a superuser: a READ ONLY transaction does not stop such a role .* Fix: connect verify-seed with a role that can only read, e\.g\. CREATE ROLE seed_reader LOGIN PASSWORD '…'; GRANT pg_read_all_data TO seed_reader;/,
    );
    expect(warnings.find((w) => w.includes('"mdb-root"'))).toMatch(
      /Connection "mdb-root" \(mysql:\/\/root:\*\*\*@127\.0\.0\.1:\d+\/shop\) logs in as "root@%", a user with the SUPER and FILE privileges: .* Fix: .*GRANT SELECT ON <database>\.\* TO 'seed_reader'@'%';/,
    );
    expect(job.summary).toContain('⚠️ Connection "pg-super"');
    expect(job.summary).toContain('⚠️ Connection "mdb-root"');
    expect(job.summary).not.toContain('"pg-reader"');
    expect(job.summary).not.toContain('"mdb-shop"');
    const report = JSON.parse(readFileSync(job.outputs('verify')['report-path']!, 'utf8'));
    expect(report.warnings).toHaveLength(2);
  });
});
