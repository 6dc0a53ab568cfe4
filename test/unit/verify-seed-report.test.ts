/**
 * verify-seed's report: the `checks` entries validate against the documented schema, the job-summary table
 * has one row per check with expected, actual, result and time, failing checks become annotations at their
 * spec line, and secrets never reach any of it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it, vi } from 'vitest';
import schema from '../../actions/shared/report.schema.json' with { type: 'json' };
import { renderSummary, writeReport } from '../../actions/shared/src/report.js';
import { bounded, type CheckReport, renderChecks } from '../../actions/shared/src/report-checks.js';
import { ActionReport } from '../../actions/shared/src/reporting.js';
import { clearSecretsForTests, registerSecret } from '../../actions/shared/src/secrets.js';
import type { RunnableCheck } from '../../actions/verify-seed/src/checks/attempt.js';
import { toReport } from '../../actions/verify-seed/src/checks/schedule.js';
import { annotate } from '../../actions/verify-seed/src/verify.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

const environment = {
  name: 'webapp-pr-42-abcdef',
  concurrencyKey: 'ephemeral-acme/webapp-pr-42',
  source: 'pull-request' as const,
  prNumber: 42,
  context: {
    repository: 'acme/webapp',
    eventName: 'pull_request',
    prNumber: 42,
    headSha: 'a'.repeat(40),
    sha: 'b'.repeat(40),
    ref: 'refs/pull/42/merge',
    runId: '99',
    runAttempt: '1',
    prState: 'open',
  },
};

const passed: CheckReport = {
  name: 'five orders',
  kind: 'sql',
  connection: 'db',
  target: 'postgres://app:***@127.0.0.1:49153/app',
  passed: true,
  expected: 'scalar: 5',
  actual: 'scalar: "5"',
  attempts: 1,
  durationMs: 84,
  assertions: [{ what: 'scalar', expected: '5', actual: '"5"', passed: true }],
  source: { file: 'examples/compose-app/seed-checks.yaml', line: 38, column: 5 },
};
const failed: CheckReport = {
  name: 'fixture version (Redis)',
  kind: 'fixture-version',
  connection: 'cache',
  target: 'redis://127.0.0.1:49154',
  passed: false,
  expected: 'fixture-version: "2026.11.1" (examples/compose-app/fixtures/VERSION)',
  actual: 'fixture-version: "2026.10.0"',
  error:
    'the environment holds fixture version "2026.10.0" but examples/compose-app/fixtures/VERSION declares "2026.11.1"',
  attempts: 3,
  durationMs: 4200,
  assertions: [
    {
      what: 'fixture-version',
      expected: '"2026.11.1" (examples/compose-app/fixtures/VERSION)',
      actual: '"2026.10.0"',
      passed: false,
    },
  ],
  source: { file: 'examples/compose-app/seed-checks.yaml', line: 97, column: 5 },
};

afterEach(() => {
  clearSecretsForTests();
  vi.restoreAllMocks();
});

describe('the checks report', () => {
  it('a verify-seed report with checks validates against the documented schema', () => {
    const report = new ActionReport('verify-seed', environment, mkdtempSync(join(tmpdir(), 'vs-')));
    report.timings.checks = 400;
    report.data.checks = [passed, failed, { ...passed, name: 'inline', source: undefined as never }];
    delete report.data.checks[2]!.source;
    const built = report.build({ result: 'failure', error: new Error('1 of 3 check(s) failed') });
    expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a check without its expected value, with an unknown kind, or too long a text', () => {
    const report = new ActionReport('verify-seed', environment, mkdtempSync(join(tmpdir(), 'vs-')));
    const { expected: _, ...noExpected } = passed;
    report.data.checks = [noExpected as CheckReport];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    report.data.checks = [{ ...passed, kind: 'mongo' as never }];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    report.data.checks = [{ ...passed, actual: 'x'.repeat(3000) }];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    report.data.checks = [{ ...passed, actual: bounded('x'.repeat(3000)) }];
    expect(validate(report.build({ result: 'success' }))).toBe(true);
  });

  it('the summary has one row per check: name, kind, expected, actual, result, time', () => {
    const md = renderChecks([passed, failed]).join('\n');
    expect(md).toContain('**Checks:** 1 of 2 passed.');
    expect(md).toContain('| Check | Kind | Expected | Actual | Result | Time |');
    expect(md).toContain('| five orders | sql | scalar: 5 | scalar: "5" | ✅ pass | 84 ms |');
    expect(md).toContain(
      '| fixture version (Redis) | fixture-version | fixture-version: "2026.11.1" (examples/compose-app/fixtures/VERSION) | fixture-version: "2026.10.0" | ❌ fail | 4.2 s (3 attempts) |',
    );
    expect(md).toContain(
      '- ❌ **fixture version (Redis)** (examples/compose-app/seed-checks.yaml:97): the environment holds fixture version "2026.10.0"',
    );
  });

  it('escapes pipes and newlines, bounds long cells, and redacts secrets', () => {
    registerSecret('S3cret-pw-value');
    const md = renderChecks([
      {
        ...failed,
        name: 'a|b',
        actual: `line1\nline2 S3cret-pw-value ${'y'.repeat(400)}`,
        error: 'password S3cret-pw-value rejected',
      },
    ]).join('\n');
    expect(md).toContain('| a\\|b |');
    expect(md).toContain('line1 line2 *** yyy');
    expect(md).toContain('…');
    expect(md).not.toContain('S3cret-pw-value');
    expect(renderChecks([])).toEqual([]);
  });

  it('renderSummary includes the checks table; the JSON report is redacted', () => {
    registerSecret('S3cret-pw-value');
    const report = new ActionReport('verify-seed', environment, mkdtempSync(join(tmpdir(), 'vs-')));
    report.data.checks = [{ ...failed, error: 'auth with S3cret-pw-value failed' }];
    const built = report.build({ result: 'failure' });
    expect(renderSummary(built)).toContain('### ❌ ephemeral · verify-seed · `webapp-pr-42-abcdef`');
    expect(renderSummary(built)).toContain('| fixture version (Redis) | fixture-version |');
    const text = readFileSync(writeReport(mkdtempSync(join(tmpdir(), 'vs-')), built), 'utf8');
    expect(text).not.toContain('S3cret-pw-value');
    expect(JSON.parse(text).checks[0].error).toBe('auth with *** failed');
  });
});

describe('report entries from evaluations', () => {
  const runnable = {
    check: {
      name: 'users',
      kind: 'sql',
      connection: 'db',
      query: 'SELECT 1',
      params: [],
      readOnly: true,
      expect: { ordered: false },
      at: { file: 'spec.yaml', label: 'spec.yaml', line: 7, column: 5 },
    },
    target: 'postgres://app:***@h/app',
    expected: 'row-count: = 3',
    attempt: async () => ({ assertions: [] }),
  } as unknown as RunnableCheck;

  it('a pass joins every expectation and what was found', () => {
    const r = toReport(
      runnable,
      {
        assertions: [
          { what: 'row-count', expected: '= 3', actual: '3', passed: true },
          { what: 'columns', expected: '⊇ id', actual: 'id, email', passed: true },
        ],
      },
      1,
      12.4,
    );
    expect(r).toMatchObject({
      passed: true,
      expected: 'row-count: = 3; columns: ⊇ id',
      actual: 'row-count: 3; columns: id, email',
      durationMs: 12,
      source: { file: 'spec.yaml', line: 7, column: 5 },
    });
    expect(r.error).toBeUndefined();
  });

  it('a failure names the first failing expectation; an error shows the static expectation and the error', () => {
    const bad = toReport(
      runnable,
      { assertions: [{ what: 'row-count', expected: '= 3', actual: '2', passed: false }] },
      2,
      5,
    );
    expect(bad).toMatchObject({ passed: false, error: 'row-count: expected = 3, got 2', attempts: 2 });
    const broken = toReport(
      runnable,
      { assertions: [], error: 'SQL error from db: relation "userz" does not exist' },
      1,
      5,
    );
    expect(broken).toMatchObject({
      passed: false,
      expected: 'row-count: = 3',
      actual: 'error: SQL error from db: relation "userz" does not exist',
      error: 'SQL error from db: relation "userz" does not exist',
    });
    const never = toReport(runnable, null, 0, 0);
    expect(never).toMatchObject({ passed: false, attempts: 0, actual: 'not run' });
    expect(never.error).toMatch(/^not run: the deadline passed/);
  });

  it('an evaluation with no assertions never counts as passed', () => {
    expect(toReport(runnable, { assertions: [] }, 1, 1).passed).toBe(false);
  });

  it('a failing check becomes an error annotation at its file and line', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    annotate(failed);
    annotate({ ...failed, name: 'inline', source: undefined as never });
    expect(writes[0]).toBe(
      '::error title=verify-seed%3A fixture version (Redis),file=examples/compose-app/seed-checks.yaml,line=97,col=5::Check "fixture version (Redis)" (fixture-version) failed: the environment holds fixture version "2026.10.0" but examples/compose-app/fixtures/VERSION declares "2026.11.1"\n',
    );
    expect(writes[1]).toMatch(/^::error title=verify-seed%3A inline::Check "inline"/);
  });
});
