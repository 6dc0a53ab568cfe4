/** The frame around every action's work: the report finished exactly once, its path handed out, errors rethrown. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionReport } from '../../../../actions/shared/src/report/action-report.js';
import { runWithReport } from '../../../../actions/shared/src/report/run-with-report.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { testEnvironment } from '../../helpers.js';

function setup() {
  const report = new ActionReport(
    'teardown',
    testEnvironment('app-pr-7-abc123', 'acme/app', 7),
    mkdtempSync(join(tmpdir(), 'frame-')),
  );
  const paths: string[] = [];
  const diagnosed: unknown[] = [];
  const read = () => JSON.parse(readFileSync(paths[0]!, 'utf8'));
  return { report, paths, diagnosed, read };
}

describe('runWithReport', () => {
  it('success: the report is written once and its path handed out', async () => {
    const t = setup();
    await runWithReport(
      { report: t.report, upload: 'never', onReportPath: (p) => t.paths.push(p) },
      async () => undefined,
    );
    expect(t.paths).toHaveLength(1);
    expect(existsSync(t.paths[0]!)).toBe(true);
    expect(t.read()).toMatchObject({ action: 'teardown', result: 'success' });
    expect(t.read().error).toBeUndefined();
  });

  it('a body may report a failure without throwing (post steps warn, never fail)', async () => {
    const t = setup();
    await runWithReport(
      { report: t.report, upload: 'never', onReportPath: (p) => t.paths.push(p) },
      async () => 'failure',
    );
    expect(t.read().result).toBe('failure');
  });

  it('a thrown error: diagnostics first, then the report with the error and the bundle, then the error again', async () => {
    const t = setup();
    const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
    const run = runWithReport(
      {
        report: t.report,
        upload: 'never',
        onReportPath: (p) => t.paths.push(p),
        diagnose: async (error) => {
          t.diagnosed.push(error);
          return { dir, files: [{ path: 'ps.json', bytes: 3 }], excerpt: 'db: unhealthy' };
        },
      },
      async () => {
        throw new Error('compose up failed');
      },
    );
    await expect(run).rejects.toThrow('compose up failed');
    expect(t.diagnosed).toHaveLength(1);
    expect(t.read()).toMatchObject({
      result: 'failure',
      error: { kind: 'Error', message: 'compose up failed' },
      diagnostics: { dir, files: [{ path: 'ps.json', bytes: 3 }] },
    });
  });

  it('a bad input is reported without diagnostics: its message says it all', async () => {
    const t = setup();
    const run = runWithReport(
      {
        report: t.report,
        upload: 'never',
        onReportPath: (p) => t.paths.push(p),
        diagnose: async (error) => {
          t.diagnosed.push(error);
          return undefined;
        },
      },
      async () => {
        throw new UserInputError('name', 'is bad', 'fix it');
      },
    );
    await expect(run).rejects.toThrow(UserInputError);
    expect(t.diagnosed).toEqual([]);
    expect(t.read()).toMatchObject({ result: 'failure', error: { kind: 'UserInputError' } });
  });

  it('diagnostics that fail become a warning in the report, never hide the error', async () => {
    const t = setup();
    const run = runWithReport(
      {
        report: t.report,
        upload: 'never',
        onReportPath: (p) => t.paths.push(p),
        diagnose: async () => {
          throw new Error('docker is gone');
        },
      },
      async () => {
        throw new Error('the real failure');
      },
    );
    await expect(run).rejects.toThrow('the real failure');
    expect(t.read().warnings).toEqual(['Diagnostics could not be collected: docker is gone']);
  });

  it('finish runs once: a second finish (a cancellation racing the failure path) gets the same path', async () => {
    const t = setup();
    const [a, b] = await Promise.all([
      t.report.finish({ result: 'cancelled', upload: 'never' }),
      t.report.finish({ result: 'failure', upload: 'never' }),
    ]);
    expect(a).toBe(b);
    expect(JSON.parse(readFileSync(a, 'utf8')).result).toBe('cancelled');
  });
});
