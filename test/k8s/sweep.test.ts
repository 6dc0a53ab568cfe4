/**
 * teardown `mode: sweep` over namespaces, from the bundled dist under the runner harness, against the real
 * control plane of scripts/k8s/setup.sh and the fake GitHub: open, closed, expired, foreign and unlabelled
 * namespaces, plus a protected one carrying our labels. Repositories unique to the run, so nothing of
 * another test is ever this sweep's own.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, labelValue, MANAGED_BY } from '../../actions/shared/src/environment/labels.js';
import { type FakeGitHub, startFakeGitHub } from '../harness/github/fake-github.js';
import { runJob } from '../harness/job.js';
import { dump, repoRoot, sha } from '../integration/helpers.js';

const created: string[] = [];
let fake: FakeGitHub;

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, {
    encoding: 'utf8',
    ...(input ? { input } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function namespace(name: string, labels: Record<string, string>): void {
  created.push(name);
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }),
  );
}

function present(name: string): boolean {
  const out = kubectl([
    'get',
    'namespace',
    name,
    '--ignore-not-found',
    '--output',
    'jsonpath={.status.phase}',
  ]);
  return out.trim() === 'Active';
}

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  for (const name of created)
    try {
      kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
    } catch {
      // best effort
    }
  await fake.close();
});

describe('teardown mode: sweep (namespaces)', () => {
  it('removes the closed PR’s and the expired namespaces, and nothing else', async () => {
    const repo = `acme/ksweep-${process.pid}`;
    const prefix = `ksw${process.pid}`;
    const now = Math.floor(Date.now() / 1000);
    const labels = (env: string, pr: number, extra: Record<string, string> = {}, repository = repo) => ({
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.environment]: env,
      [LABELS.repository]: labelValue(repository),
      [LABELS.pr]: String(pr),
      [LABELS.headSha]: sha(`${prefix}-${pr}`),
      [LABELS.expiresAt]: String(now + 3600),
      ...extra,
    });
    fake.pull(repo, 1, { headSha: sha(`${prefix}-1`) });
    fake.closePull(repo, 2);
    fake.pull(repo, 3, { headSha: sha(`${prefix}-3`) });
    const n = {
      open: `${prefix}-open`,
      closed: `${prefix}-closed`,
      expired: `${prefix}-expired`,
      foreign: `${prefix}-foreign`,
      unlabelled: `${prefix}-unlabelled`,
      protectedOne: `kube-${prefix}`,
    };
    namespace(n.open, labels(n.open, 1));
    namespace(n.closed, labels(n.closed, 2));
    namespace(n.expired, labels(n.expired, 3, { [LABELS.expiresAt]: String(now - 60) }));
    namespace(n.foreign, labels(n.foreign, 2, {}, `acme/other-${process.pid}`));
    namespace(n.unlabelled, { [LABELS.environment]: n.unlabelled, [LABELS.pr]: '2' });
    // Carries our labels and a closed PR, but kube-* is never removed.
    namespace(n.protectedOne, labels(n.protectedOne, 2));
    const job = await runJob({
      repository: repo,
      github: fake,
      workspace: repoRoot,
      event: { name: 'schedule', payload: { schedule: '17 3 * * *' } },
      steps: [
        {
          id: 'sweep',
          uses: 'teardown',
          with: { mode: 'sweep', 'sweep-targets': 'namespace', 'down-timeout': '2m' },
          env: { KUBECONFIG: process.env.KUBECONFIG ?? '' },
        },
      ],
    });
    const report = JSON.parse(readFileSync(job.outputs('sweep')['report-path']!, 'utf8'));
    const decisions = Object.fromEntries(
      (report.sweep.environments as Array<{ environment: string; decision: string; result: string }>).map(
        (e) => [e.environment, `${e.decision}/${e.result}`],
      ),
    );
    expect(decisions[n.open]).toBe('keep/kept');
    expect(decisions[n.closed]).toBe('orphan/removed');
    expect(decisions[n.expired]).toBe('expired/removed');
    expect(decisions[n.foreign]).toBe('foreign/kept');
    expect(decisions[n.unlabelled]).toBeUndefined();
    // Refused by teardown's own safety net: reported, never removed, and the step fails so someone looks.
    expect(decisions[n.protectedOne]).toBe('orphan/refused');
    expect(job.status, dump(job.logText())).toBe('failure');
    expect(job.outputs('sweep').status).toBe('partial');
    // The two doomed namespaces went in the batch, not one teardown each.
    expect(job.logText()).toMatch(/Namespaces: 2 deleted in batches, 0 already terminating, 0 one by one/);
    // Split over at most 8 kubectl processes at once (one sends ≤ 5 requests/s): the two names in all.
    const deleted = [...job.logText().matchAll(/kubectl delete namespace \((\d+): /g)].map((m) =>
      Number(m[1]),
    );
    expect(deleted.reduce((a, b) => a + b, 0)).toBe(2);
    expect(present(n.closed)).toBe(false);
    expect(present(n.expired)).toBe(false);
    for (const keep of [n.open, n.foreign, n.unlabelled, n.protectedOne])
      expect(present(keep), keep).toBe(true);
    await job.cleanup();
  });
});
