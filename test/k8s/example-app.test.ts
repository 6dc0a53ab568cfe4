/**
 * The example app (examples/compose-app: API + PostgreSQL + Redis, migrations and seed) as a chart on the
 * real node, through the actions: deploy-namespace installs it, wait-ready proves HTTP readiness with the
 * PR's commit through the API's Service (its ClusterIP answers from the host through kube-proxy),
 * verify-seed checks the seeded data in PostgreSQL, Redis and behind the API, teardown removes it all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { exampleCheckSteps, prepareExampleChart } from './fixtures/example-app.js';
import { dump, HELM3, prEvent, sha } from './fixtures/helpers.js';

const repository = 'acme/kapp';
const work = mkdtempSync(join(tmpdir(), 'example-app-'));
let chart = '';
let namespace = '';

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  chart = (await prepareExampleChart(work)).chart;
}, 600_000);

afterAll(() => {
  if (namespace) kubectl('delete', 'namespace', namespace, '--ignore-not-found', '--wait=false');
  rmSync(work, { recursive: true, force: true });
});

describe('the example app on the real node, through the actions', () => {
  const head = sha('kapp-1');

  it('deploy-namespace → wait-ready (HTTP, the PR commit) → verify-seed → teardown', async () => {
    const deploy = await runJob({
      repository,
      event: prEvent(1, head),
      steps: [
        {
          id: 'deploy',
          uses: 'deploy-namespace',
          with: {
            chart,
            helm: HELM3,
            values: join(work, 'values.json'),
            set: 'commit={{sha}}',
            timeout: '10m',
            cleanup: 'never',
          },
        },
      ],
    });
    expect(deploy.status, dump(deploy.logText())).toBe('success');
    namespace = deploy.outputs('deploy').namespace!;
    const ip = (svc: string) =>
      kubectl('get', 'service', svc, '-n', namespace, '-o', 'jsonpath={.spec.clusterIP}').trim();
    const [api, db, cache] = [ip('api'), ip('db'), ip('cache')];
    for (const pod of JSON.parse(kubectl('get', 'pods', '-n', namespace, '-o', 'json')).items) {
      expect(pod.spec.nodeName, pod.metadata.name).toBe(process.env.EPHEMERAL_K8S_REAL_NODE_NAME);
    }

    const checks = await runJob({
      repository,
      event: prEvent(1, head),
      env: { EPHEMERAL_NAMESPACE: namespace },
      steps: exampleCheckSteps(head, { api, db, cache }),
    });
    const log = checks.logText();
    expect(checks.status, dump(log)).toBe('success');
    expect(checks.outputs('ready').ready).toBe('true');
    expect(checks.outputs('verify')).toMatchObject({ passed: '6', failed: '0' });

    const down = await runJob({
      repository,
      event: prEvent(1, head, 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', namespace, 'down-timeout': '3m' } }],
    });
    expect(down.status, dump(down.logText())).toBe('success');
    expect(down.outputs('down').status).toBe('removed');
    expect(() => kubectl('get', 'namespace', namespace)).toThrow();
    const report = JSON.parse(readFileSync(checks.outputs('verify')['report-path']!, 'utf8'));
    expect(report.result).toBe('success');
    for (const job of [deploy, checks, down]) await job.cleanup();
  }, 1_200_000);
});
