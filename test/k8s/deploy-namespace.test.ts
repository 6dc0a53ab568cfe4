/**
 * deploy-namespace against the real control plane, through the runner harness and the bundled dist:
 * the test chart with Helm v3 and v4 (labels, annotations, quota, limits, outputs, post removes the
 * namespace), a redeploy (created-at kept, last-deployed-at and expires-at refreshed), and the manifests
 * and kustomize modes (rollout status seen).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import {
  dump,
  forceDelete,
  getNamespace,
  HELM3,
  HELM4,
  kubectl,
  prEvent,
  REPOSITORY,
  repoRoot,
  sha,
} from './fixtures/helpers.js';

const names: string[] = [];
afterAll(() => forceDelete(names));

const L = (key: string) => `ephemeral.dev/${key}`;

describe('deploy-namespace: Helm', () => {
  it.each([
    ['v3', HELM3, 401],
    ['v4', HELM4, 402],
  ])(
    'Helm %s: deploys the test chart into a labelled namespace with guardrails; post removes it',
    async (version, helmBinary, pr) => {
      let seen: ReturnType<typeof getNamespace> = null;
      let objects = '';
      const head = sha(`helm-${version}`);
      const job = await runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event: prEvent(pr as number, head),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: {
              chart: 'test/k8s/fixtures/chart',
              helm: helmBinary as string,
              values: 'test/k8s/fixtures/values-preview.yaml',
              set: 'replicas=2\nimage=registry.example.test/app:{{sha}}',
              host: '{{environment}}.preview.example.test',
              timeout: '2m',
              'janitor-annotations': 'true',
            },
          },
        ],
        onLine: (_step, phase, line) => {
          // Snapshot the cluster between main and post: main's last line is the report path.
          if (phase === 'main' && /^Report: /.test(line) && !seen) {
            const ns = line.split('/ephemeral/')[1]?.split('/')[0] ?? '';
            seen = getNamespace(ns);
            objects = kubectl(
              'get',
              'deployments,services,ingresses,configmaps,resourcequotas,limitranges',
              '-n',
              ns,
              '-o',
              'name',
            );
          }
        },
      });
      const out = job.outputs('deploy');
      const ns = out.namespace!;
      names.push(ns);
      expect(job.status, dump(job.logText())).toBe('success');
      expect(ns).toMatch(new RegExp(`^deploy-pr-${pr}-[0-9a-f]{6}$`));
      expect(out['environment-name']).toBe(ns);
      expect(out.release).toBe('preview');
      expect(out.url).toBe(`https://${ns}.preview.example.test`);
      expect(JSON.parse(out.workloads!)).toEqual({ 'Deployment/preview-web': { ready: 2, desired: 2 } });
      expect(job.env).toMatchObject({ EPHEMERAL_NAMESPACE: ns, EPHEMERAL_ENVIRONMENT: ns });
      // Labels and annotations, as the cluster held them after main.
      const live = seen as unknown as NonNullable<ReturnType<typeof getNamespace>>;
      expect(live, 'namespace seen after main').toBeTruthy();
      const labels = live.metadata.labels;
      expect(labels).toMatchObject({
        [L('managed-by')]: 'ephemeral',
        [L('environment')]: ns,
        [L('repository')]: 'acme_deploy',
        [L('pr')]: String(pr),
        [L('head-sha')]: head,
      });
      const lastDeployed = Number(labels[L('last-deployed-at')]);
      expect(Number(labels[L('expires-at')]) - lastDeployed).toBe(72 * 3600);
      expect(Number(labels[L('created-at')])).toBe(lastDeployed);
      expect(live.metadata.annotations).toMatchObject({
        [L('repository')]: REPOSITORY,
        [L('pr')]: `#${pr}`,
        [L('head-sha')]: head,
        'janitor/ttl': '72h',
      });
      expect(live.metadata.annotations['janitor/expires']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(objects.split('\n').sort()).toEqual(
        expect.arrayContaining([
          'configmap/preview-config',
          'deployment.apps/preview-web',
          'ingress.networking.k8s.io/preview-web',
          'limitrange/ephemeral-limits',
          'resourcequota/ephemeral-quota',
          'service/preview-web',
        ]),
      );
      // The report: release facts; post removed the namespace.
      const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
      expect(report).toMatchObject({
        action: 'deploy-namespace',
        result: 'success',
        namespace: ns,
        mode: 'helm',
        release: { name: 'preview', revision: 1, status: 'deployed', recovered: '' },
      });
      expect(report.release.helm).toMatch(version === 'v3' ? /^3\./ : /^4\./);
      const post = job.steps.find((s) => s.phase === 'post')!;
      expect(post.outcome).toBe('success');
      expect(post.stdout).toMatch(new RegExp(`Namespace ${ns} deleted`));
      expect(getNamespace(ns)).toBeNull();
      await job.cleanup();
    },
  );

  it('a redeploy refreshes last-deployed-at and expires-at but keeps created-at; quota and limits take overrides', async () => {
    const deployJob = (seed: string) =>
      runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event: prEvent(403, sha(seed)),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: {
              chart: 'test/k8s/fixtures/chart',
              helm: HELM4,
              set: 'hook.enabled=false',
              cleanup: 'never',
              ttl: '2h',
              'resource-quota': 'pods=7\nservices.nodeports=',
              'limit-range': 'default.memory=256Mi',
            },
          },
        ],
      });
    const first = await deployJob('redeploy-1');
    const ns = first.outputs('deploy').namespace!;
    names.push(ns);
    expect(first.status, dump(first.logText())).toBe('success');
    const before = getNamespace(ns)!.metadata.labels;
    await new Promise((r) => setTimeout(r, 2100));
    const second = await deployJob('redeploy-2');
    expect(second.status, dump(second.logText())).toBe('success');
    const after = getNamespace(ns)!.metadata.labels;
    expect(after[L('created-at')]).toBe(before[L('created-at')]);
    expect(Number(after[L('last-deployed-at')])).toBeGreaterThan(Number(before[L('last-deployed-at')]));
    expect(Number(after[L('expires-at')])).toBe(Number(after[L('last-deployed-at')]) + 7200);
    expect(after[L('head-sha')]).toBe(sha('redeploy-2'));
    expect(after[L('run-id')]).not.toBe(before[L('run-id')]);
    const quota = JSON.parse(kubectl('get', 'resourcequota', 'ephemeral-quota', '-n', ns, '-o', 'json')).spec
      .hard;
    expect(quota).toMatchObject({ pods: '7', 'requests.cpu': '4' });
    expect(quota['services.nodeports']).toBeUndefined();
    const limits = JSON.parse(kubectl('get', 'limitrange', 'ephemeral-limits', '-n', ns, '-o', 'json')).spec
      .limits[0];
    expect(limits.default).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(JSON.parse(readFileSync(second.outputs('deploy')['report-path']!, 'utf8')).release.revision).toBe(
      2,
    );
    // cleanup: never left it; post said so.
    expect(second.steps.find((s) => s.phase === 'post')!.stdout).toMatch(/cleanup: never/);
    kubectl('delete', 'namespace', ns, '--wait=false');
    for (const j of [first, second]) await j.cleanup();
  });
});

describe('deploy-namespace: manifests and kustomize', () => {
  it.each([
    [
      'manifests',
      { manifests: 'test/k8s/fixtures/manifests' },
      404,
      ['deployment.apps/api', 'statefulset.apps/cache'],
      { 'Deployment/api': { ready: 2, desired: 2 }, 'StatefulSet/cache': { ready: 1, desired: 1 } },
    ],
    [
      'kustomize',
      { kustomize: 'test/k8s/fixtures/kustomize' },
      405,
      ['deployment.apps/worker', 'daemonset.apps/agent'],
      { 'Deployment/worker': { ready: 1, desired: 1 }, 'DaemonSet/agent': { ready: 1, desired: 1 } },
    ],
  ])(
    '%s: applies into the namespace and waits for every rollout',
    async (_mode, inputs, pr, rollouts, workloads) => {
      const job = await runJob({
        repository: REPOSITORY,
        workspace: repoRoot,
        event: prEvent(pr as number, sha(`mode-${pr}`)),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: { ...(inputs as Record<string, string>), timeout: '90s' },
          },
        ],
      });
      const out = job.outputs('deploy');
      names.push(out.namespace!);
      expect(job.status, dump(job.logText())).toBe('success');
      const main = job.steps.find((s) => s.phase === 'main')!;
      for (const target of rollouts as string[]) expect(main.stdout).toContain(`applied ${target}`);
      expect(main.stdout).toMatch(/successfully rolled out/);
      expect(main.stdout).toMatch(new RegExp(`rolled out ${(rollouts as string[]).join(', ')}`));
      expect(JSON.parse(out.workloads!)).toEqual(workloads);
      expect(out.release ?? '').toBe('');
      expect(getNamespace(out.namespace!)).toBeNull();
      await job.cleanup();
    },
  );
});
