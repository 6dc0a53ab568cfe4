/**
 * Canary secrets on the test cluster: a unique canary in every secret-carrying input of deploy-namespace,
 * wait-ready and teardown that talks to Kubernetes (test/corpus/secret-inputs.ts) — the kubeconfig input
 * (a token), a chart repository URL with a password, a values file, `set` pairs (one with Helm's `\,`
 * escape), a Secret manifest, a kustomize secretGenerator. Each deploy is made to fail (no node matches
 * its pods), so every report, summary and diagnostics bundle is written; then every file the jobs wrote,
 * and the log as GitHub shows it, is searched for each canary raw, base64 and URL-encoded.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputsCovered, makeCanary, scanJob, snapshot } from '../corpus/canary.js';
import { CLUSTER_CANARY_INPUTS } from '../corpus/secret-inputs.js';
import { type JobResult, runJob } from '../harness/job.js';
import { forceDelete, getNamespace, HELM3, prEvent, repoRoot, sha } from './fixtures/helpers.js';

const repository = `acme/kcanary${process.pid}`;
const workspace = mkdtempSync(join(tmpdir(), 'kcanary-ws-'));
const namespaces: string[] = [];
const jobs: JobResult[] = [];

const C = {
  token: makeCanary('a token in the kubeconfig input', [
    'deploy-namespace kubeconfig',
    'wait-ready kubeconfig',
    'teardown kubeconfig',
  ]),
  repo: makeCanary('a chart repository URL password', ['deploy-namespace repo']),
  values: makeCanary('a values file', ['deploy-namespace values']),
  set: makeCanary('a set value', ['deploy-namespace set']),
  setComma: makeCanary('a set value with an escaped comma', ['deploy-namespace set'], ',afterTheComma01'),
  secret: makeCanary('a Secret manifest', ['deploy-namespace manifests']),
  generator: makeCanary('a kustomize secretGenerator literal', ['deploy-namespace kustomize']),
  githubToken: makeCanary('a GitHub token (the fake GitHub answers 401)', ['deploy-namespace github-token']),
  fingerprintKey: makeCanary('fingerprint-key', ['deploy-namespace fingerprint-key']),
};
const ALL = Object.values(C);

/** The test cluster's kubeconfig with one more user holding the canary token (unused by the context). */
function kubeconfigWithCanary(): string {
  const text = readFileSync(process.env.KUBECONFIG!, 'utf8');
  return text.replace(/^users:\n/m, `users:\n- name: canary-user\n  user:\n    token: ${C.token.value}\n`);
}

function write(path: string, content: string): void {
  mkdirSync(join(workspace, path, '..'), { recursive: true });
  writeFileSync(join(workspace, path), content);
}

const NEVER = {
  nodeSelector: '{"ephemeral.dev/no-such-node": "true"}',
};
cpSync(join(repoRoot, 'test/k8s/fixtures/chart'), join(workspace, 'chart'), { recursive: true });
write('values-secret.yaml', `database:\n  password: ${C.values.value}\n`);
write(
  'manifests/app.yaml',
  `apiVersion: v1
kind: Secret
metadata: { name: app-credentials }
stringData: { password: ${C.secret.value} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: stuck }
spec:
  replicas: 1
  selector: { matchLabels: { app: stuck } }
  template:
    metadata: { labels: { app: stuck } }
    spec:
      nodeSelector: ${NEVER.nodeSelector}
      containers: [{ name: stuck, image: busybox, envFrom: [{ secretRef: { name: app-credentials } }] }]
`,
);
write(
  'kustomize/kustomization.yaml',
  `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
secretGenerator:
  - name: generated
    literals: [password=${C.generator.value}]
`,
);
write(
  'kustomize/deployment.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata: { name: kstuck }
spec:
  replicas: 1
  selector: { matchLabels: { app: kstuck } }
  template:
    metadata: { labels: { app: kstuck } }
    spec:
      nodeSelector: ${NEVER.nodeSelector}
      containers: [{ name: kstuck, image: busybox, envFrom: [{ secretRef: { name: generated } }] }]
`,
);

afterAll(async () => {
  forceDelete(namespaces);
  for (const j of jobs) await j.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

describe('no canary secret reaches any file the actions write (Kubernetes)', () => {
  it('deploy-namespace (Helm, repository, manifests, kustomize), wait-ready and teardown, all failing after using every secret', async () => {
    const before = snapshot(workspace);
    const kubeconfig = kubeconfigWithCanary();
    const common = { kubeconfig, helm: HELM3, timeout: '15s', 'upload-report': 'always' };
    const job = await runJob({
      repository,
      workspace,
      event: prEvent(21, sha('kcanary')),
      env: { KUBECONFIG: '/nonexistent/kubeconfig' },
      steps: [
        {
          id: 'helm',
          uses: 'deploy-namespace',
          continueOnError: true,
          with: {
            ...common,
            chart: 'chart',
            values: 'values-secret.yaml',
            set: `auth.password=${C.set.value}\nauth.list=${C.setComma.value.replace(',', '\\,')}\nnodeSelector.disktype=none`,
            'fingerprint-key': C.fingerprintKey.value,
            cleanup: 'never',
          },
        },
        {
          id: 'repo',
          uses: 'deploy-namespace',
          continueOnError: true,
          with: {
            ...common,
            chart: 'corpus',
            repo: `https://ci:${C.repo.value}@charts.example.invalid/`,
            'github-token': C.githubToken.value,
            cleanup: 'never',
          },
        },
        {
          id: 'manifests',
          uses: 'deploy-namespace',
          continueOnError: true,
          with: { ...common, manifests: 'manifests', cleanup: 'never' },
        },
        {
          id: 'kustomize',
          uses: 'deploy-namespace',
          continueOnError: true,
          with: { ...common, kustomize: 'kustomize', cleanup: 'never' },
        },
        {
          id: 'ready',
          uses: 'wait-ready',
          continueOnError: true,
          with: { kubeconfig, rollout: 'deployment/stuck', timeout: '5s', 'upload-report': 'always' },
        },
        { id: 'down', uses: 'teardown', with: { kubeconfig, mode: 'namespace', 'upload-report': 'always' } },
      ],
    });
    const ns = job.outputs('helm').namespace!;
    namespaces.push(ns);
    for (const id of ['helm', 'repo', 'manifests', 'kustomize', 'ready'])
      expect(job.steps.find((s) => s.id === id && s.phase === 'main')!.outcome, id).toBe('failure');
    for (const id of ['helm', 'repo', 'manifests', 'kustomize', 'ready', 'down'])
      expect(job.outputs(id)['report-path'], id).toBeTruthy();

    const findings = scanJob(job, ALL, workspace, before);
    expect(inputsCovered(ALL)).toEqual([...CLUSTER_CANARY_INPUTS].sort());
    expect(findings).toEqual([]);
    expect(getNamespace(ns)).toBeNull();
  });
});
