/** deploy-namespace's report (main and post) validates against report.schema.json. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import { DeployReport } from '../../actions/deploy-namespace/src/report.js';
import schema from '../../actions/shared/report.schema.json' with { type: 'json' };

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);
const environment = {
  name: 'deploy-pr-7-abcdef',
  concurrencyKey: 'ephemeral-acme/deploy-pr-7',
  source: 'pull-request' as const,
  prNumber: 7,
  context: {
    repository: 'acme/deploy',
    eventName: 'pull_request',
    prNumber: 7,
    headSha: 'a'.repeat(40),
    sha: 'b'.repeat(40),
    ref: 'refs/pull/7/merge',
    runId: '99',
    runAttempt: '1',
    prState: 'open',
  },
};

it.each(['deploy-namespace', 'deploy-namespace-post'])('%s report matches the schema', (action) => {
  const report = new DeployReport(action, environment, mkdtempSync(join(tmpdir(), 'dn-')));
  report.deploy.namespace = environment.name;
  if (action === 'deploy-namespace') {
    report.deploy.mode = 'helm';
    report.deploy.release = {
      name: 'preview',
      chart: '/chart',
      helm: '3.22.0',
      revision: 4,
      status: 'deployed',
      recovered: 'Release preview was stuck in pending-upgrade; rolled back to revision 1 before deploying.',
    };
    report.deploy.workloads = { 'Deployment/web': { ready: 2, desired: 2 } };
  } else {
    report.data.removed = { status: 'removed', containers: [], networks: [], volumes: [], failures: [] };
  }
  const built = report.build({ result: 'success' });
  expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
  expect(built).toMatchObject({ namespace: environment.name });
});
