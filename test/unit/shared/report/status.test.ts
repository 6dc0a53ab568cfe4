/**
 * `status` and `report-path` on every path (issue 9, defect 5): the frame sets `error` (or `cancelled`) when
 * the action set no status, keeps the one it set, and `reportFailures` reports a failure that happened before
 * any frame (a bad input).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { testEnvironment } from '../../helpers.js';

const saved = { ...process.env };
let outputFile = '';

/** The outputs written to GITHUB_OUTPUT, last value per name. */
function outputs(): Record<string, string> {
  const text = readFileSync(outputFile, 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

/** Fresh modules: the status a process set is module state. */
async function load() {
  vi.resetModules();
  const frame = await import('../../../../actions/shared/src/report/run-with-report.js');
  const status = await import('../../../../actions/shared/src/report/status.js');
  const { ActionReport } = await import('../../../../actions/shared/src/report/action-report.js');
  const report = new ActionReport(
    'wait-ready',
    testEnvironment('app-pr-7-abc123', 'acme/app', 7),
    mkdtempSync(join(tmpdir(), 'status-')),
  );
  return { ...frame, ...status, report };
}

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'status-out-'));
  outputFile = join(dir, 'output');
  writeFileSync(outputFile, '');
  process.env.GITHUB_OUTPUT = outputFile;
  process.env.RUNNER_TEMP = dir;
});
afterEach(() => {
  process.env = { ...saved };
});

describe('status on every path', () => {
  it('a failing main step that set no status gets status=error', async () => {
    const m = await load();
    const body = async () => {
      throw new Error('engine unreachable');
    };
    await expect(m.runWithReport({ report: m.report, upload: 'never', main: true }, body)).rejects.toThrow();
    expect(outputs().status).toBe('error');
  });

  it('the status the action set is kept', async () => {
    const m = await load();
    const body = async () => {
      m.setStatus('not-ready');
      throw new Error('deadline passed');
    };
    await expect(m.runWithReport({ report: m.report, upload: 'never', main: true }, body)).rejects.toThrow();
    expect(outputs().status).toBe('not-ready');
  });

  it('a post step (not main) sets no status', async () => {
    const m = await load();
    await m.runWithReport({ report: m.report, upload: 'never' }, async () => 'failure');
    expect(outputs().status).toBeUndefined();
  });

  it('a bad input before any frame: a report with the error, report-path and status=error', async () => {
    const m = await load();
    const bad = new UserInputError('timeout', '"x" is not a duration', 'use 90s');
    await expect(m.reportFailures('wait-ready', async () => Promise.reject(bad))).rejects.toBe(bad);
    const out = outputs();
    expect(out.status).toBe('error');
    const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
    expect(report).toMatchObject({
      action: 'wait-ready',
      result: 'failure',
      error: { kind: 'UserInputError' },
    });
    expect(report.error.message).toContain('Input "timeout"');
  });

  it('a failure after a frame started is left to the frame (one report)', async () => {
    const m = await load();
    const paths: string[] = [];
    const main = () =>
      m.runWithReport(
        { report: m.report, upload: 'never', main: true, onReportPath: (p) => paths.push(p) },
        async () => {
          throw new Error('boom');
        },
      );
    await expect(m.reportFailures('wait-ready', main)).rejects.toThrow('boom');
    expect(paths).toHaveLength(1);
    expect(outputs()['report-path']).toBeUndefined();
  });
});
