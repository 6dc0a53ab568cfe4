/** verify-seed's report: the checks validate against the schema, the summary table, secrets never in it. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionReport } from '../../../actions/shared/src/report/action-report.js';
import { writeReport } from '../../../actions/shared/src/report/files.js';
import schema from '../../../actions/shared/src/report/report.schema.json' with { type: 'json' };
import { clearSecretsForTests, registerSecret } from '../../../actions/shared/src/runtime/secrets.js';
import {
  bounded,
  type CheckReport,
  ChecksSection,
  renderChecks,
  seedLine,
} from '../../../actions/verify-seed/src/report.js';
import { testEnvironment } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

const environment = testEnvironment('webapp-pr-42-abcdef', 'acme/webapp', 42);

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
    const section = report.add(new ChecksSection());
    report.timings.checks = 400;
    section.checks = [passed, failed, { ...passed, name: 'inline', source: undefined as never }];
    delete section.checks[2]!.source;
    const built = report.build({ result: 'failure', error: new Error('1 of 3 check(s) failed') });
    expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a check without its expected value, with an unknown kind, or too long a text', () => {
    const report = new ActionReport('verify-seed', environment, mkdtempSync(join(tmpdir(), 'vs-')));
    const section = report.add(new ChecksSection());
    const { expected: _, ...noExpected } = passed;
    section.checks = [noExpected as CheckReport];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    section.checks = [{ ...passed, kind: 'mongo' as never }];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    section.checks = [{ ...passed, actual: 'x'.repeat(3000) }];
    expect(validate(report.build({ result: 'success' }))).toBe(false);
    section.checks = [{ ...passed, actual: bounded('x'.repeat(3000)) }];
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
    report.add(new ChecksSection()).checks = [{ ...failed, error: 'auth with S3cret-pw-value failed' }];
    const built = report.build({ result: 'failure' });
    expect(report.summary(built)).toContain('### ❌ ephemeral · verify-seed · `webapp-pr-42-abcdef`');
    expect(report.summary(built)).toContain('| fixture version (Redis) | fixture-version |');
    const text = readFileSync(writeReport(mkdtempSync(join(tmpdir(), 'vs-')), built), 'utf8');
    expect(text).not.toContain('S3cret-pw-value');
    expect(JSON.parse(text).checks[0].error).toBe('auth with *** failed');
  });
});

describe('seedLine', () => {
  const check = (name: string, passed: boolean, error?: string) =>
    ({
      name,
      kind: 'sql',
      connection: 'db',
      target: 'db',
      passed,
      expected: 'row-count = 3',
      actual: 'row-count = 2',
      ...(error ? { error } : {}),
      attempts: 1,
      durationMs: 5,
      assertions: [],
    }) as CheckReport;

  it('all passed, or which failed and why', () => {
    expect(seedLine([check('users', true), check('orders', true)])).toBe('2 of 2 checks passed');
    expect(seedLine([check('users', false, 'row-count: expected 3, got 2'), check('orders', true)])).toBe(
      '1 of 2 checks failed: users (row-count: expected 3, got 2)',
    );
  });
});
