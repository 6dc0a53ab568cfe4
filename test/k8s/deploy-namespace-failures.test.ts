/**
 * deploy-namespace when things go wrong, against the real control plane: a release that cannot become
 * ready rolls back within the timeout and the diagnostics name the cause (with a kubeconfig input whose
 * client key never reaches a log or file); releases stuck in pending-upgrade / pending-install are
 * recovered; a cancelled deploy leaves no namespace; names at the 63-character limit and two PRs side by
 * side stay isolated.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import {
  dump,
  forceDelete,
  getNamespace,
  HELM3,
  HELM4,
  helm,
  inlineKubeconfig,
  kubectl,
  prEvent,
  REPOSITORY,
  repoRoot,
  sha,
} from './fixtures/helpers.js';

const names: string[] = [];
afterAll(() => forceDelete(names));

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('deploy-namespace failures', () => {
  it('a release that cannot become ready rolls back within the timeout; diagnostics name the cause; post removes the namespace; the kubeconfig never leaks', async () => {
    const secret = inlineKubeconfig();
    const job = await runJob({
      repository: REPOSITORY,
      workspace: repoRoot,
      event: prEvent(411, sha('rollback')),
      env: { KUBECONFIG: '/nonexistent/kubeconfig' },
      steps: [
        {
          id: 'good',
          uses: 'deploy-namespace',
          with: {
            chart: 'test/k8s/fixtures/chart',
            helm: HELM3,
            kubeconfig: secret.content,
            cleanup: 'never',
          },
        },
        {
          id: 'bad',
          uses: 'deploy-namespace',
          with: {
            chart: 'test/k8s/fixtures/chart',
            helm: HELM3,
            kubeconfig: secret.content,
            set: 'nodeSelector.disktype=none',
            timeout: '15s',
          },
        },
      ],
    });
    const ns = job.outputs('good').namespace!;
    names.push(ns);
    expect(job.outputs('bad').namespace).toBe(ns);
    expect(job.status, dump(job.logText())).toBe('failure');
    const bad = job.steps.find((s) => s.id === 'bad' && s.phase === 'main')!;
    expect(bad.outcome).toBe('failure');
    expect(bad.durationMs).toBeLessThan(90_000);
    // Helm rolled back to revision 1 (v3 --atomic).
    expect(bad.stdout).toMatch(/--atomic/);
    const report = JSON.parse(readFileSync(job.outputs('bad')['report-path']!, 'utf8'));
    expect(report.result).toBe('failure');
    expect(report.error.message).toMatch(/helm.*upgrade/);
    const diagnostics = job.outputs('bad')['diagnostics-path']!;
    const events = readFileSync(join(diagnostics, 'events.txt'), 'utf8');
    expect(events).toMatch(/FailedScheduling/);
    expect(events).toMatch(/didn't match Pod's node affinity\/selector/);
    const history = readFileSync(join(diagnostics, 'helm-history.txt'), 'utf8');
    expect(history).toMatch(/Rollback to 1/);
    expect(existsSync(join(diagnostics, 'helm-status.txt'))).toBe(true);
    expect(bad.annotations.some((a) => a.level === 'error' && /FailedScheduling/.test(a.message))).toBe(true);
    expect(job.summary).toMatch(/FailedScheduling/);
    // Post of "bad" removed the namespace; post of "good" (cleanup: never) left the decision to it.
    expect(job.steps.find((s) => s.id === 'bad' && s.phase === 'post')!.outcome).toBe('success');
    expect(getNamespace(ns)).toBeNull();
    // The kubeconfig file is gone, and its client key is in no log and no file.
    expect(job.env.KUBECONFIG).toMatch(/ephemeral-kube-/);
    expect(existsSync(job.env.KUBECONFIG!)).toBe(false);
    // The raw stdout (before masking) too, minus the ::add-mask:: commands the runner consumes.
    const raw = job
      .rawLogText()
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const text of [job.logText(), raw, job.summary]) {
      for (const value of [secret.keyData, secret.keyPemLine]) {
        const at = text.indexOf(value);
        expect(at, `secret found: …${text.slice(Math.max(at - 300, 0), at)}`).toBe(-1);
      }
    }
    const written = files(job.runnerTemp);
    expect(written.length).toBeGreaterThan(5);
    for (const file of written) {
      if (statSync(file).size > 5_000_000) continue;
      const content = readFileSync(file, 'utf8');
      expect(content.includes(secret.keyData) || content.includes(secret.keyPemLine), file).toBe(false);
    }
    await job.cleanup();
  });

  it.each([
    ['pending-upgrade', 412, 'rolled back to revision 1'],
    ['pending-install', 413, 'uninstalled it'],
  ])(
    'a release stuck in %s (helm killed mid-deploy) is recovered and the deploy succeeds',
    async (status, pr, recovery) => {
      const event = prEvent(pr as number, sha(`stuck-${pr}`));
      // 1. The namespace (and, for pending-upgrade, a deployed revision 1).
      const first = await runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event,
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: {
              ...(status === 'pending-upgrade' ? { chart: 'test/k8s/fixtures/chart', helm: HELM3 } : {}),
              cleanup: 'never',
            },
          },
        ],
      });
      const ns = first.outputs('deploy').namespace!;
      names.push(ns);
      expect(first.status, dump(first.logText())).toBe('success');
      // 2. A deploy that hangs (unschedulable), killed with SIGKILL while pending: what a cancelled runner leaves.
      const chart = join(repoRoot, 'test/k8s/fixtures/chart');
      const child: ChildProcess = spawn(
        HELM3,
        [
          'upgrade',
          '--install',
          'preview',
          chart,
          '-n',
          ns,
          '--wait',
          '--timeout',
          '120s',
          '--set',
          'nodeSelector.disktype=none',
        ],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 60_000;
      let latest = '';
      while (Date.now() < deadline) {
        try {
          const history = JSON.parse(helm(HELM3, 'history', 'preview', '-n', ns, '-o', 'json')) as Array<{
            status: string;
          }>;
          latest = history.at(-1)?.status ?? '';
        } catch {
          latest = '';
        }
        if (latest === status) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      child.kill('SIGKILL');
      expect(latest).toBe(status);
      // 3. deploy-namespace (Helm v4 this time) recovers it and deploys.
      const job = await runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event,
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: { chart: 'test/k8s/fixtures/chart', helm: HELM4, timeout: '90s' },
          },
        ],
      });
      expect(job.status, dump(job.logText())).toBe('success');
      const report = JSON.parse(readFileSync(job.outputs('deploy')['report-path']!, 'utf8'));
      expect(report.release.recovered).toContain(status);
      expect(report.release.recovered).toContain(recovery);
      expect(report.release.status).toBe('deployed');
      expect(report.warnings.join('\n')).toContain(status);
      expect(job.summary).toMatch(/Stuck release recovered/);
      expect(JSON.parse(job.outputs('deploy').workloads!)).toEqual({
        'Deployment/preview-web': { ready: 2, desired: 2 },
      });
      expect(getNamespace(ns)).toBeNull();
      for (const j of [first, job]) await j.cleanup();
    },
  );

  it('cancel during the deploy: the step stops and post leaves no namespace', async () => {
    const job = await runJob({
      repository: REPOSITORY,
      workspace: repoRoot,
      event: prEvent(414, sha('cancel')),
      cancel: { step: 'deploy', when: /Installing it now|rollback on failure/ },
      steps: [
        {
          id: 'deploy',
          uses: 'deploy-namespace',
          with: {
            chart: 'test/k8s/fixtures/chart',
            helm: HELM3,
            set: 'nodeSelector.disktype=none',
            timeout: '5m',
          },
        },
        { id: 'later', uses: 'deploy-namespace', with: { name: 'never-runs' } },
      ],
    });
    const ns = job.env.EPHEMERAL_NAMESPACE!;
    names.push(ns);
    expect(ns).toMatch(/^deploy-pr-414-/);
    expect(job.status, dump(job.logText())).toBe('cancelled');
    const main = job.steps.find((s) => s.id === 'deploy' && s.phase === 'main')!;
    expect(main.outcome).toBe('cancelled');
    expect(main.stdout).toMatch(/Received SIGINT/);
    expect(job.steps.find((s) => s.id === 'later' && s.phase === 'main')!.outcome).toBe('skipped');
    expect(job.steps.find((s) => s.id === 'deploy' && s.phase === 'post')!.outcome).toBe('success');
    expect(getNamespace(ns)).toBeNull();
    await job.cleanup();
  });

  it('names at the 63-character limit; two PRs side by side stay isolated', async () => {
    const longRepo = 'acme/deploy-a-repository-name-long-enough-to-need-shortening-here';
    const explicit = `deploy-explicit-${'x'.repeat(63 - 'deploy-explicit-'.length - 2)}-z`;
    expect(explicit).toHaveLength(63);
    const run = (repository: string, pr: number, extra: Record<string, string>) =>
      runJob({
        repository,
        workspace: repoRoot,
        event: prEvent(pr, sha(`side-${pr}`)),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: { manifests: 'test/k8s/fixtures/manifests/deployment.yaml', timeout: '90s', ...extra },
          },
        ],
      });
    const [a, b] = await Promise.all([
      run(longRepo, 415, { cleanup: 'always' }),
      run(REPOSITORY, 416, { name: explicit, cleanup: 'never' }),
    ]);
    const nsA = a.outputs('deploy').namespace!;
    const nsB = b.outputs('deploy').namespace!;
    names.push(nsA, nsB);
    expect(a.status, dump(a.logText())).toBe('success');
    expect(b.status, dump(b.logText())).toBe('success');
    expect(nsA).toHaveLength(63);
    expect(nsA).toMatch(/^deploy-a-repository-name-long-enough-to-n.*-pr-415-[0-9a-f]{6}$/);
    expect(nsB).toBe(explicit);
    // A's post removed only A; B is intact and ready, labelled as its own environment.
    expect(getNamespace(nsA)).toBeNull();
    const nsBLive = getNamespace(nsB)!;
    expect(nsBLive.metadata.labels['ephemeral.dev/environment']).toBe(explicit);
    expect(nsBLive.metadata.labels['ephemeral.dev/pr']).toBe('416');
    expect(kubectl('get', 'deployment', 'api', '-n', nsB, '-o', 'jsonpath={.status.readyReplicas}')).toBe(
      '2',
    );
    kubectl('delete', 'namespace', nsB, '--wait=false');
    for (const j of [a, b]) await j.cleanup();
  });

  it('refuses a protected namespace and one it did not create, naming the input', async () => {
    kubectl('create', 'namespace', 'deploy-foreign-417');
    names.push('deploy-foreign-417');
    const run = (name: string) =>
      runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event: prEvent(417, sha('refuse')),
        steps: [{ id: 'deploy', uses: 'deploy-namespace', with: { name } }],
      });
    const [system, foreign] = await Promise.all([run('kube-system'), run('deploy-foreign-417')]);
    expect(system.status).toBe('failure');
    expect(system.steps[0]!.annotations.map((a) => a.message).join('\n')).toMatch(
      /Input "name": "kube-system" is a protected namespace/,
    );
    expect(foreign.status).toBe('failure');
    expect(foreign.steps[0]!.annotations.map((a) => a.message).join('\n')).toMatch(
      /Input "name": namespace "deploy-foreign-417" exists and was not created by these actions/,
    );
    // Post did not delete the foreign namespace.
    expect(getNamespace('deploy-foreign-417')).not.toBeNull();
    expect(getNamespace('kube-system')).not.toBeNull();
    for (const j of [system, foreign]) await j.cleanup();
  });
});
