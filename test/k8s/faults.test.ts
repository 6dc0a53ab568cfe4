/**
 * Faults against Kubernetes (issue 9): teardown in namespace mode says "already gone" only on the API's
 * NotFound for that namespace — an unknown context, an unreachable server, a forbidden user and a frozen
 * server all fail the step with what kubectl said and status=error, and the namespace stays (defect 3);
 * every Kubernetes-facing action sets status and report-path when the API server is stopped or frozen
 * (defect 5). The frozen server is a local listener that accepts and never answers; the stopped one a
 * closed port: the test cluster itself is never disturbed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as dumpYaml, parse as parseYaml } from 'yaml';
import { type JobResult, runJob } from '../harness/job.js';
import { closedPort, type SilentServer, silentServer } from '../harness/loopback.js';
import { dump, errorText, forceDelete, getNamespace, kubectl, prEvent, sha } from './fixtures/helpers.js';

const repository = `acme/kfaults${process.pid}`;
const label = `acme_kfaults${process.pid}`;
const workspace = mkdtempSync(join(tmpdir(), 'kfaults-ws-'));
const jobs: JobResult[] = [];
const namespaces: string[] = [];
let silent: SilentServer;
let silentPort = 0;
let stoppedPort = 0;

/** The test cluster's kubeconfig with its server replaced. */
function kubeconfigTo(server: string): string {
  return readFileSync(process.env.KUBECONFIG!, 'utf8').replace(/server: .+/g, `server: ${server}`);
}

/** A kubeconfig for a ServiceAccount that may do nothing (every request is forbidden). */
function forbiddenKubeconfig(): string {
  const account = `kfaults-${process.pid}`;
  if (!kubectl('get', 'serviceaccounts', '-n', 'default', '-o', 'name').includes(`/${account}`))
    kubectl('create', 'serviceaccount', account, '-n', 'default');
  const token = kubectl('create', 'token', account, '-n', 'default').trim();
  const config = parseYaml(readFileSync(process.env.KUBECONFIG!, 'utf8')) as {
    clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  };
  return dumpYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: config.clusters[0]!.cluster }],
    users: [{ name: 'nobody', user: { token } }],
    contexts: [{ name: 'nobody', context: { cluster: 'c', user: 'nobody' } }],
    'current-context': 'nobody',
  });
}

/** A namespace labelled as deploy-namespace labels environment `name`. */
function ourNamespace(name: string): void {
  namespaces.push(name);
  kubectl('create', 'namespace', name);
  kubectl(
    'label',
    'namespace',
    name,
    'ephemeral.dev/managed-by=ephemeral',
    `ephemeral.dev/environment=${name}`,
    `ephemeral.dev/repository=${label}`,
  );
}

async function teardown(pr: number, inputs: Record<string, string>): Promise<JobResult> {
  const result = await runJob({
    repository,
    workspace,
    event: prEvent(pr, sha(`kfaults-${pr}`)),
    env: { KUBECONFIG: '/nonexistent/kubeconfig' },
    steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', 'down-timeout': '20s', ...inputs } }],
  });
  jobs.push(result);
  return result;
}

beforeAll(async () => {
  silent = await silentServer();
  silentPort = silent.port;
  stoppedPort = await closedPort();
});

afterAll(async () => {
  await silent.close();
  forceDelete(namespaces);
  try {
    kubectl('delete', 'serviceaccount', `kfaults-${process.pid}`, '-n', 'default', '--ignore-not-found');
  } catch {
    // best effort
  }
  for (const j of jobs) await j.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

describe('defect 3: only NotFound for that namespace means "already gone"', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    [
      'an unknown context',
      () => ({ kubeconfig: readFileSync(process.env.KUBECONFIG!, 'utf8'), context: 'no-such-context' }),
      /context "no-such-context"|no-such-context/,
    ],
    [
      'an unreachable server',
      () => ({ kubeconfig: kubeconfigTo(`https://127.0.0.1:${stoppedPort}`) }),
      /refused|127\.0\.0\.1/,
    ],
    ['a forbidden user', () => ({ kubeconfig: forbiddenKubeconfig() }), /forbidden/i],
    [
      'a frozen server',
      () => ({ kubeconfig: kubeconfigTo(`https://127.0.0.1:${silentPort}`) }),
      /timeout|timed out|deadline|127\.0\.0\.1/i,
    ],
  ];

  it.each(cases.map((c, i) => [...c, 41 + i] as const))(
    '%s: the step fails with what kubectl said, status=error, and the namespace stays',
    async (_what, inputs, said, pr) => {
      const name = `kfaults${process.pid}-${pr}`;
      ourNamespace(name);
      const started = Date.now();
      const result = await teardown(pr, { name, ...inputs() });
      const main = result.steps[0]!;
      expect(main.outcome, dump(result.logText())).toBe('failure');
      expect(main.outputs.status).toBe('error');
      expect(result.logText()).not.toMatch(/already gone/i);
      const error = errorText(main);
      expect(error).toMatch(said);
      expect(existsSync(main.outputs['report-path'] ?? '')).toBe(true);
      expect(JSON.parse(readFileSync(main.outputs['report-path']!, 'utf8')).removed?.status).toBe('error');
      expect(getNamespace(name)?.status.phase).toBe('Active');
      expect(Date.now() - started).toBeLessThan(120_000);
    },
  );

  it('a namespace the API says is not there is already gone (status=already-gone, success)', async () => {
    const result = await teardown(49, {
      name: `kfaults${process.pid}-never`,
      kubeconfig: readFileSync(process.env.KUBECONFIG!, 'utf8'),
    });
    expect(result.steps[0]!.outcome, dump(result.logText())).toBe('success');
    expect(result.steps[0]!.outputs.status).toBe('already-gone');
  });
});

describe('defect 5: status and report-path on every path, the API server stopped or frozen', () => {
  it.each([
    ['stopped', () => `https://127.0.0.1:${stoppedPort}`],
    ['frozen', () => `https://127.0.0.1:${silentPort}`],
  ])(
    '%s: deploy-namespace, wait-ready and teardown each set status=error and report-path',
    async (_what, server) => {
      const kubeconfig = kubeconfigTo(server());
      const result = await runJob({
        repository,
        workspace,
        event: prEvent(50, sha('kfaults-50')),
        env: { KUBECONFIG: '/nonexistent/kubeconfig' },
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            continueOnError: true,
            with: { kubeconfig, timeout: '20s' },
          },
          {
            id: 'ready',
            uses: 'wait-ready',
            continueOnError: true,
            with: { kubeconfig, rollout: 'deployment/api', namespace: 'default', timeout: '10s' },
          },
          { id: 'down', uses: 'teardown', with: { kubeconfig, mode: 'namespace', 'down-timeout': '20s' } },
        ],
      });
      jobs.push(result);
      for (const id of ['deploy', 'ready', 'down']) {
        const main = result.steps.find((s) => s.id === id && s.phase === 'main')!;
        expect(main.outcome, `${id}\n${dump(result.logText())}`).toBe('failure');
        expect(main.outputs.status, id).toBe('error');
        expect(existsSync(main.outputs['report-path'] ?? ''), id).toBe(true);
      }
      expect(
        execFileSync(
          'kubectl',
          ['get', 'namespaces', '-l', `ephemeral.dev/repository=${label}`, '-o', 'name'],
          { encoding: 'utf8' },
        ),
      ).not.toMatch(/kfaults.*-50/);
    },
  );
});
