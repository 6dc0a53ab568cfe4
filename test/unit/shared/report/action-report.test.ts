/** The report: built from its sections, checked against the schema, written redacted, summarised. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ServicesSection } from '../../../../actions/shared/src/compose/report.js';
import { ActionReport } from '../../../../actions/shared/src/report/action-report.js';
import { writeReport } from '../../../../actions/shared/src/report/files.js';
import type { Report } from '../../../../actions/shared/src/report/model.js';
import { RemovedSection } from '../../../../actions/shared/src/report/removed.js';
import schema from '../../../../actions/shared/src/report/report.schema.json' with { type: 'json' };
import { registerSecret } from '../../../../actions/shared/src/runtime/secrets.js';
import { ProbesSection } from '../../../../actions/wait-ready/src/report.js';
import { testEnvironment } from '../../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

const environment = testEnvironment('webapp-pr-42-abcdef', 'acme/webapp', 42);

/** A report with services, probes and a removal; `built` is its JSON. */
function sampleRun(): { report: ActionReport; built: Report } {
  const report = new ActionReport('provision-compose', environment, mkdtempSync(join(tmpdir(), 'rep-')));
  report.timings.up = 1200;
  report.warnings.push('external network');
  report.add(new ServicesSection()).services = {
    api: {
      state: 'running',
      health: 'healthy',
      exitCode: null,
      verdict: 'ready',
      ports: { '8080/tcp': '127.0.0.1:49153' },
      containers: ['x-api-1'],
    },
  };
  report.add(new ProbesSection()).probes = [
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
  report.add(new RemovedSection()).set({
    kind: 'compose',
    status: 'removed',
    containers: ['a'],
    networks: ['n'],
    volumes: ['v'],
    images: ['p-api:latest'],
    failures: [],
  });
  const built = report.build({
    result: 'failure',
    error: new Error('boom'),
    diagnostics: { dir: '/tmp/d', files: [{ path: 'ps.json', bytes: 10 }] },
  });
  return { report, built };
}

function sample(): Report {
  return sampleRun().built;
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
    const { report, built } = sampleRun();
    const md = report.summary(built, 'db | unhealthy');
    expect(md).toContain('### ❌ ephemeral · provision-compose · `webapp-pr-42-abcdef`');
    expect(md).toContain('| api | running | healthy | 8080/tcp → `127.0.0.1:49153` |');
    expect(md).toContain('| url | http://x | ✅ | 2 | 1.5 s | 200 |');
    expect(md).toContain(
      '**Teardown:** removed — 1 container(s), 1 network(s), 1 volume(s), 1 image(s) removed.',
    );
    expect(md).toContain('**Timings:** up 1.2 s');
    expect(md).toContain('<details><summary>Diagnostics excerpt</summary>');
    expect(md).toContain('| Pull request | #42 |');
  });
});
