import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import schema from '../../actions/shared/report.schema.json' with { type: 'json' };
import { type Report, renderSummary, writeReport } from '../../actions/shared/src/report.js';
import { ActionReport } from '../../actions/shared/src/reporting.js';
import { registerSecret } from '../../actions/shared/src/secrets.js';

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

function sample(): Report {
  const report = new ActionReport('provision-compose', environment, mkdtempSync(join(tmpdir(), 'rep-')));
  report.timings.up = 1200;
  report.warnings.push('external network');
  report.data.services = {
    api: {
      state: 'running',
      health: 'healthy',
      exitCode: null,
      verdict: 'ready',
      ports: { '8080/tcp': '127.0.0.1:49153' },
      containers: ['x-api-1'],
    },
  };
  report.data.probes = [
    {
      name: 'url',
      kind: 'http',
      target: 'http://x',
      ready: true,
      attempts: 2,
      timeToReadyMs: 1500,
      last: '200',
    },
  ];
  report.data.removed = {
    status: 'removed',
    containers: ['a'],
    networks: ['n'],
    volumes: ['v'],
    failures: [],
  };
  return report.build({
    result: 'failure',
    error: new Error('boom'),
    diagnostics: { dir: '/tmp/d', files: [{ path: 'ps.json', bytes: 10 }] },
  });
}

describe('report', () => {
  it('a full report validates against the documented schema', () => {
    const report = sample();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a report missing a required field or with a bad name', () => {
    const { timings: _, ...missing } = sample();
    expect(validate(missing)).toBe(false);
    const badName = sample();
    badName.environment.name = 'Bad_Name';
    expect(validate(badName)).toBe(false);
  });

  it('writes redacted JSON', () => {
    registerSecret('topsecret-value');
    const report = sample();
    report.error = { kind: 'Error', message: 'password topsecret-value rejected' };
    const dir = mkdtempSync(join(tmpdir(), 'rep-'));
    const text = readFileSync(writeReport(dir, report), 'utf8');
    expect(text).not.toContain('topsecret-value');
    expect(JSON.parse(text).error.message).toBe('password *** rejected');
  });

  it('renders the summary with the environment, services, probes, teardown, timings and excerpt', () => {
    const md = renderSummary(sample(), 'db | unhealthy');
    expect(md).toContain('### ❌ ephemeral · provision-compose · `webapp-pr-42-abcdef`');
    expect(md).toContain('| api | running | healthy | 8080/tcp → `127.0.0.1:49153` |');
    expect(md).toContain('| url | http://x | ✅ | 2 | 1.5 s | 200 |');
    expect(md).toContain('**Teardown:** removed — 1 container(s), 1 network(s), 1 volume(s) removed.');
    expect(md).toContain('**Timings:** up 1.2 s');
    expect(md).toContain('<details><summary>Diagnostics excerpt</summary>');
    expect(md).toContain('| Pull request | #42 |');
  });
});
