/**
 * report.schema.json is the source of truth for ephemeral-report/v1: every top-level field it declares is
 * written by the common model or by one section, and every section writes only fields it declares.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DeploySection } from '../../../../actions/deploy-namespace/src/report.js';
import { IsolationSection, ServicesSection } from '../../../../actions/shared/src/compose/report.js';
import { FingerprintSection } from '../../../../actions/shared/src/fingerprint/summary.js';
import { GitHubSection } from '../../../../actions/shared/src/github/report.js';
import { ActionReport } from '../../../../actions/shared/src/report/action-report.js';
import { RemovedSection } from '../../../../actions/shared/src/report/removed.js';
import schema from '../../../../actions/shared/src/report/report.schema.json' with { type: 'json' };
import { SweepSection } from '../../../../actions/teardown/src/sweep-report.js';
import { ChecksSection } from '../../../../actions/verify-seed/src/report.js';
import { ProbesSection } from '../../../../actions/wait-ready/src/report.js';
import { testEnvironment } from '../../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

/** A report with every section filled in, as no single action writes it. */
function everything() {
  const report = new ActionReport(
    'deploy-namespace',
    testEnvironment('app-pr-7-abc123', 'acme/app', 7),
    mkdtempSync(join(tmpdir(), 'schema-')),
  );
  report.add(new ServicesSection()).services = {
    api: {
      state: 'running',
      health: '',
      exitCode: null,
      verdict: 'ready',
      ports: {},
      containers: ['a'],
      oneShot: false,
    },
  };
  report.add(new IsolationSection()).lines = [
    'Host port 5432 of db → an ephemeral port (container 5432/tcp)',
  ];
  report.add(new ProbesSection()).probes = [
    {
      name: 'url',
      kind: 'http',
      target: 'http://x',
      ready: true,
      attempts: 1,
      timeToReadyMs: 5,
      last: '200',
    },
  ];
  report.add(new ChecksSection()).checks = [
    {
      name: 'c',
      kind: 'sql',
      connection: 'db',
      target: 'db',
      passed: true,
      expected: 'e',
      actual: 'a',
      attempts: 1,
      durationMs: 1,
      assertions: [],
    },
  ];
  const removed = report.add(new RemovedSection());
  removed.fingerprint = `sha256:${'b'.repeat(64)}`;
  removed.set({
    kind: 'namespace',
    status: 'removed',
    namespace: 'app-pr-7-abc123',
    releases: [],
    holders: [],
    failures: [],
  });
  report.add(new FingerprintSection()).value = {
    value: `sha256:${'a'.repeat(64)}`,
    kind: 'helm',
    entries: { 'chart.content': `sha256:${'c'.repeat(64)}` },
    tools: { helm: 'v3.19.0' },
    toolsHashed: false,
    notes: [],
    lock: { mode: 'verify', status: 'mismatch', file: '/w/ephemeral.lock.json', changes: [] },
    sinceLastDeploy: { previous: null, unchanged: false, changed: [] },
    drift: [{ service: 'api', container: 'c', expected: 'a', running: 'b', label: 'l' }],
  };
  const deploy = report.add(new DeploySection('app-pr-7-abc123'));
  deploy.mode = 'helm';
  deploy.isolationMode = 'vcluster';
  deploy.vcluster = { name: 'vcluster', server: 'https://10.0.0.12:443' };
  deploy.release = {
    name: 'preview',
    chart: '/c',
    helm: '3.19.0',
    revision: 1,
    status: 'deployed',
    recovered: '',
  };
  deploy.workloads = { 'Deployment/web': { ready: 1, desired: 1 } };
  const api = { requests: 3, counted: 2, rateLimit: null };
  report.add(new GitHubSection()).value = {
    comment: { action: 'updated', id: 1, url: 'https://github.com/acme/app/pull/7#issuecomment-1' },
    deploymentId: 42,
    guard: [{ phase: 'before deploy', verdict: 'open' }],
    api,
  };
  report.add(new SweepSection()).value = {
    repository: 'acme_app',
    dryRun: false,
    limits: { maxDeletions: 20, maxPercentage: 100 },
    status: 'swept',
    aborted: null,
    capped: null,
    environments: [
      {
        kind: 'compose',
        environment: 'app-pr-7-abc123',
        resources: ['container x'],
        pr: 7,
        prState: 'closed',
        deployedSha: 'abc123',
        fingerprint: `sha256:${'ab'.repeat(32)}`,
        headSha: 'abc123',
        expiresAt: null,
        decision: 'orphan',
        reason: 'pull request closed',
        result: 'removed',
      },
    ],
    api: { decisionRequests: 2, ...api },
  };
  return report.build({
    result: 'failure',
    error: new Error('x'),
    diagnostics: { dir: '/d', files: [] },
  });
}

describe('report.schema.json is the source of truth', () => {
  it('every declared top-level field is written by the model or a section, and nothing else is', () => {
    const built = everything();
    expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(built).sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it('the schema refuses a field no section declares (additionalProperties: false)', () => {
    expect(validate({ ...everything(), surprise: true })).toBe(false);
  });
});
