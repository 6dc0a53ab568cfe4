/** deploy-namespace's report (main and post) validates against report.schema.json. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import { DeploySection } from '../../../actions/deploy-namespace/src/report.js';
import { ActionReport } from '../../../actions/shared/src/report/action-report.js';
import { RemovedSection } from '../../../actions/shared/src/report/removed.js';
import schema from '../../../actions/shared/src/report/report.schema.json' with { type: 'json' };
import { testEnvironment } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);
const environment = testEnvironment('deploy-pr-7-abcdef', 'acme/deploy', 7);

it.each(['deploy-namespace', 'deploy-namespace-post'])('%s report matches the schema', (action) => {
  const report = new ActionReport(action, environment, mkdtempSync(join(tmpdir(), 'dn-')));
  const deploy = report.add(new DeploySection(environment.name));
  if (action === 'deploy-namespace') {
    deploy.mode = 'helm';
    deploy.isolationMode = 'vcluster';
    deploy.vcluster = { name: 'vcluster', server: 'https://10.0.0.12:443' };
    deploy.release = {
      name: 'preview',
      chart: '/chart',
      helm: '3.22.0',
      revision: 4,
      status: 'deployed',
      recovered: 'Release preview was stuck in pending-upgrade; rolled back to revision 1 before deploying.',
    };
    deploy.workloads = { 'Deployment/web': { ready: 2, desired: 2 } };
  } else {
    report.add(new RemovedSection()).set({
      kind: 'namespace',
      status: 'removed',
      namespace: environment.name,
      releases: ['preview'],
      holders: [],
      failures: [],
    });
  }
  const built = report.build({ result: 'success' });
  expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
  expect(built).toMatchObject({ namespace: environment.name });
});
