/**
 * wait-ready's Kubernetes probes and teardown's namespace mode, run from the bundled dist under the runner
 * harness against the real control plane of scripts/k8s/setup.sh (kwok: pods become Running/Ready, Job
 * pods complete, nothing really runs). Namespaces are created here the way deploy-namespace labels them,
 * for repository acme/kwait so names differ from the other tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveIdentity } from '../../actions/shared/src/environment/identity.js';
import { runJob } from '../harness/job.js';
import { dump, prEvent, repoRoot, sha } from '../integration/helpers.js';

const repository = 'acme/kwait';
const fixtures = join(repoRoot, 'test/k8s/fixtures/wait');
const created: string[] = [];

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, {
    encoding: 'utf8',
    ...(input ? { input } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function envName(pr: number): string {
  return deriveIdentity({ repository, prNumber: pr, ref: '', explicitName: '' }).name;
}

/** A namespace labelled as deploy-namespace labels it (or not at all with `labelled: false`). */
function createNamespace(name: string, labels: Record<string, string> | null): void {
  created.push(name);
  const metadata = { name, ...(labels ? { labels } : {}) };
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata }));
}

function ours(environment: string): Record<string, string> {
  return {
    'ephemeral.dev/managed-by': 'ephemeral',
    'ephemeral.dev/environment': environment,
    'ephemeral.dev/repository': 'acme_kwait',
  };
}

function namespaceExists(name: string): boolean {
  try {
    kubectl(['get', 'namespace', name]);
    return true;
  } catch {
    return false;
  }
}

function report(path: string | undefined) {
  return JSON.parse(readFileSync(path!, 'utf8'));
}

afterAll(() => {
  for (const name of created) {
    try {
      kubectl([
        'patch',
        'configmap',
        'held',
        '-n',
        name,
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
    } catch {
      // no such ConfigMap
    }
    try {
      kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
    } catch {
      // best effort
    }
  }
});

describe('wait-ready: Kubernetes probes', () => {
  it('sees a Deployment rollout, a StatefulSet, pods by selector, a Service with endpoints and a completed Job', async () => {
    const ns = envName(201);
    createNamespace(ns, ours(ns));
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'workloads.yaml')]);
    const job = await runJob({
      repository,
      event: prEvent(201, sha('kwait-201')),
      env: { EPHEMERAL_NAMESPACE: ns },
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: {
            rollout: 'deployment/api, sts/db',
            probes: [
              '- pods: app=api',
              '  min: 2',
              '- endpoints: api',
              '  min: 2',
              '- name: migrations',
              '  job: migrate',
            ].join('\n'),
            timeout: '90s',
            interval: '250ms',
            'max-interval': '1s',
          },
        },
      ],
    });
    const log = job.logText();
    expect(job.status, dump(log)).toBe('success');
    const out = job.outputs('ready');
    expect(out.ready).toBe('true');
    const probes = JSON.parse(out.probes!);
    expect(Object.keys(probes).sort()).toEqual([
      'deployment/api',
      'endpoints#2',
      'migrations',
      'pods#1',
      'statefulset/db',
    ]);
    for (const p of Object.values(probes)) expect(p).toMatchObject({ ready: true });
    const r = report(out['report-path']);
    expect(r.probes.map((p: { kind: string }) => p.kind).sort()).toEqual([
      'endpoints',
      'job',
      'pods',
      'rollout',
      'rollout',
    ]);
    const byName = Object.fromEntries(r.probes.map((p: { name: string }) => [p.name, p]));
    expect(byName['deployment/api'].last).toMatch(/successfully rolled out \(2\/2 ready/);
    expect(byName['deployment/api'].target).toBe(`${ns}: deployment/api`);
    expect(byName['pods#1'].last).toMatch(/^2 of 2 pod\(s\) ready/);
    expect(byName['endpoints#2'].last).toMatch(/^2 of 2 endpoint\(s\) ready/);
    expect(byName.migrations.last).toMatch(/^complete \(1 succeeded/);
    await job.cleanup();
  });

  it('takes the cluster from a kubeconfig input (content): masked, 0600 temp file removed afterwards', async () => {
    const ns = envName(203);
    createNamespace(ns, ours(ns));
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'workloads.yaml')]);
    // a bearer token next to the client certificate: the API server takes the certificate; the token is
    // only there to prove secret fields are masked
    const key = 'kwait-fake-token-0123456789abcdef';
    const content = readFileSync(process.env.KUBECONFIG!, 'utf8').replace(
      /^(\s+)client-key: (.*)$/m,
      `$1client-key: $2\n$1token: ${key}`,
    );
    expect(content).toContain(key);
    const job = await runJob({
      repository,
      event: prEvent(203, sha('kwait-203')),
      // KUBECONFIG points nowhere: only the input can reach the cluster
      env: { KUBECONFIG: '/nonexistent/kubeconfig' },
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { kubeconfig: content, namespace: ns, rollout: 'deployment/api', timeout: '60s' },
        },
      ],
    });
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('ready').ready).toBe('true');
    expect(job.steps[0]!.masks).toContain(key);
    // (the runner consumes ::add-mask:: commands and never shows them; the harness log keeps them)
    const shown = job
      .logText()
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'));
    expect(shown.join('\n')).not.toContain(key);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(job.runnerTemp).filter((f) => f.startsWith('ephemeral-kube-'))).toEqual([]);
    await job.cleanup();
  });

  it('fails a rollout that can never finish within its deadline, with the last status', async () => {
    const ns = envName(202);
    createNamespace(ns, ours(ns));
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'never.yaml')]);
    const started = Date.now();
    const job = await runJob({
      repository,
      event: prEvent(202, sha('kwait-202')),
      steps: [
        // the namespace input, not EPHEMERAL_NAMESPACE this time
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { rollout: 'deployment/stuck', namespace: ns, timeout: '6s', interval: '500ms' },
        },
      ],
    });
    const elapsed = Date.now() - started;
    const log = job.logText();
    expect(job.status, dump(log)).toBe('failure');
    expect(elapsed).toBeLessThan(6000 + 8000); // the deadline plus node start-up, not more
    const out = job.outputs('ready');
    expect(out.ready).toBe('false');
    const r = report(out['report-path']);
    expect(r.result).toBe('failure');
    expect(r.probes[0]).toMatchObject({
      name: 'deployment/stuck',
      kind: 'rollout',
      ready: false,
      timeToReadyMs: null,
    });
    expect(r.probes[0].last).toMatch(/0 of 1 updated replicas available|0 of 1 replicas ready|stalled/);
    expect(r.error.message).toMatch(/did not happen within 6 s: deployment\/stuck: /);
    expect(log).toMatch(/deployment\/stuck .* not ready after \d+ attempt/);
    await job.cleanup();
  });

  it('stops at once when a Job failed, naming the reason', async () => {
    const ns = envName(205);
    createNamespace(ns, ours(ns));
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'never.yaml')]);
    const started = Date.now();
    const job = await runJob({
      repository,
      event: prEvent(205, sha('kwait-205')),
      env: { EPHEMERAL_ENVIRONMENT: ns },
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { probes: '- job: broken', timeout: '2m', interval: '500ms' },
        },
      ],
    });
    const log = job.logText();
    expect(job.status, dump(log)).toBe('failure');
    expect(Date.now() - started).toBeLessThan(60_000);
    const r = report(job.outputs('ready')['report-path']);
    expect(r.probes[0].last).toMatch(/^failed: DeadlineExceeded/);
    expect(r.error.message).toMatch(/failed and cannot become ready/);
    await job.cleanup();
  });
});

describe('teardown: namespace mode', () => {
  it('uninstalls the Helm release, deletes the labelled namespace and reports it; a second run says already gone', async () => {
    const ns = envName(211);
    createNamespace(ns, ours(ns));
    execFileSync(
      process.env.EPHEMERAL_HELM3!,
      [
        'upgrade',
        '--install',
        'shop',
        join(fixtures, 'chart'),
        '--namespace',
        ns,
        '--wait',
        '--timeout',
        '60s',
      ],
      { stdio: 'pipe' },
    );
    expect(kubectl(['get', 'configmap', 'shop-config', '-n', ns, '-o', 'name']).trim()).toBe(
      'configmap/shop-config',
    );
    const job = await runJob({
      repository,
      event: prEvent(211, sha('kwait-211'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', 'down-timeout': '90s' } }],
    });
    const log = job.logText();
    expect(job.status, dump(log)).toBe('success');
    const down = job.outputs('down');
    expect(down['environment-name']).toBe(ns);
    expect(down.namespace).toBe(ns);
    expect(down.status).toBe('removed');
    expect(JSON.parse(down.removed!)).toEqual({
      containers: [],
      networks: [],
      volumes: [],
      images: [],
      namespace: ns,
      releases: ['shop'],
    });
    expect(namespaceExists(ns)).toBe(false);
    const r = report(down['report-path']);
    expect(r.removed).toMatchObject({ status: 'removed', namespace: ns, releases: ['shop'], failures: [] });
    expect(log).toContain(`helm uninstall shop (namespace ${ns}`);
    // stand-alone in a later workflow, mode auto picks namespace from the namespace input
    const second = await runJob({
      repository,
      event: prEvent(211, sha('kwait-211'), 'closed', 'closed'),
      steps: [{ id: 'again', uses: 'teardown', with: { mode: 'auto', namespace: ns } }],
    });
    expect(second.status, dump(second.logText())).toBe('success');
    expect(second.outputs('again')).toMatchObject({ status: 'already-gone', namespace: ns });
    expect(second.logText()).toContain(`Namespace ${ns}: already gone.`);
    expect(report(second.outputs('again')['report-path']).removed).toMatchObject({
      status: 'already-gone',
      namespace: ns,
      releases: [],
    });
    for (const j of [job, second]) await j.cleanup();
  });

  it('refuses an unlabelled namespace, one of another environment, and kube-system, touching nothing', async () => {
    const ns = envName(212);
    createNamespace(ns, null);
    const other = envName(213);
    createNamespace(other, ours(envName(214)));
    kubectl(['create', 'configmap', 'keep', '-n', ns, '--from-literal=a=b']);
    const run = (pr: number, inputs: Record<string, string>) =>
      runJob({
        repository,
        event: prEvent(pr, sha(`kwait-${pr}`)),
        steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', ...inputs } }],
      });
    const unlabelled = await run(212, {});
    expect(unlabelled.status, dump(unlabelled.logText())).toBe('failure');
    expect(unlabelled.outputs('down').status).toBe('refused');
    expect(unlabelled.logText()).toMatch(/has no ephemeral\.dev\/managed-by=ephemeral label/);
    expect(kubectl(['get', 'configmap', 'keep', '-n', ns, '-o', 'name']).trim()).toBe('configmap/keep');

    const foreign = await run(213, {});
    expect(foreign.outputs('down').status).toBe('refused');
    expect(foreign.logText()).toMatch(/belongs to environment "kwait-pr-214-[0-9a-f]{6}"/);
    expect(namespaceExists(other)).toBe(true);

    const system = await run(212, { namespace: 'kube-system' });
    expect(system.status).toBe('failure');
    expect(system.outputs('down')).toMatchObject({ status: 'refused', namespace: 'kube-system' });
    expect(system.logText()).toMatch(/Input "namespace": namespace "kube-system" is a system namespace/);
    expect(namespaceExists('kube-system')).toBe(true);
    for (const job of [unlabelled, foreign, system]) await job.cleanup();
  });

  it('reports a namespace held by a finalizer, naming the holder, within the timeout', async () => {
    const ns = envName(215);
    createNamespace(ns, ours(ns));
    kubectl(['create', 'configmap', 'held', '-n', ns, '--from-literal=a=b']);
    kubectl([
      'patch',
      'configmap',
      'held',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    const started = Date.now();
    const job = await runJob({
      repository,
      event: prEvent(215, sha('kwait-215')),
      steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', 'down-timeout': '10s' } }],
    });
    const log = job.logText();
    expect(job.status, dump(log)).toBe('failure');
    expect(Date.now() - started).toBeLessThan(10_000 + 15_000);
    const down = job.outputs('down');
    expect(down.status).toBe('partial');
    const r = report(down['report-path']);
    expect(r.removed.status).toBe('partial');
    expect(r.removed.failures.join('\n')).toMatch(
      /still Terminating after 10 s; held by: ConfigMap\/held \(finalizers: example\.com\/hold\)/,
    );
    expect(r.removed.failures.join('\n')).toMatch(/NamespaceFinalizersRemaining: .*example\.com\/hold/);
    expect(log).toMatch(/ConfigMap\/held \(finalizers: example\.com\/hold\)/);
    // once the finalizer goes, the namespace goes, and teardown is happy again
    kubectl([
      'patch',
      'configmap',
      'held',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    const again = await runJob({
      repository,
      event: prEvent(215, sha('kwait-215')),
      steps: [{ id: 'down', uses: 'teardown', with: { mode: 'namespace', 'down-timeout': '60s' } }],
    });
    expect(again.status, dump(again.logText())).toBe('success');
    expect(['removed', 'already-gone']).toContain(again.outputs('down').status);
    expect(namespaceExists(ns)).toBe(false);
    for (const j of [job, again]) await j.cleanup();
  });
});
