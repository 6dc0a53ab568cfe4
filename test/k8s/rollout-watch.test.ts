/**
 * wait-ready's Kubernetes probes through their watch (probes/kube.ts over kube/watch.ts), from the bundled
 * dist under the runner harness against the test cluster (kwok marks the pods ready): a rollout that starts
 * after the step is seen by the watch, not by the next poll; the watch's kubectl never outlives the step,
 * whether the probe was ready, ran out of time or was cancelled.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, prEvent, repoRoot, sha } from '../integration/helpers.js';

const repository = 'acme/kroll';
const fixtures = join(repoRoot, 'test/k8s/fixtures/wait');
const run = `${process.pid}`;
const created: string[] = [];

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A fresh namespace, unique to this run. */
function namespace(suffix: string): string {
  const name = `kroll-${run}-${suffix}`;
  created.push(name);
  kubectl(['create', 'namespace', name]);
  return name;
}

/** The kubectl processes on this host whose argv names `ns` (the watch of a probe in it). */
function kubectlsFor(ns: string): string[] {
  return execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .filter((args) => args.includes('kubectl') && args.includes('--watch') && args.includes(ns));
}

const DEPLOYMENT = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'late' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'late' } },
    template: {
      metadata: { labels: { app: 'late' } },
      spec: { containers: [{ name: 'late', image: 'nginx:1.27' }] },
    },
  },
});

afterAll(() => {
  for (const name of created) {
    try {
      kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
    } catch {
      // best effort
    }
  }
});

describe('wait-ready: Kubernetes probes through a watch', () => {
  it('sees a rollout that starts after the step through its watch, before the next poll; no kubectl left', async () => {
    const ns = namespace('late');
    let applied = false;
    const job = await runJob({
      repository,
      event: prEvent(301, sha('kroll-301')),
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          // a 60 s interval: only the watch can see the rollout before the second poll
          with: { rollout: 'deployment/late', namespace: ns, timeout: '120s', interval: '60s' },
        },
      ],
      onLine: (_step, _phase, line) => {
        if (applied || !line.startsWith('… deployment/late attempt 1:')) return;
        applied = true;
        const apply = spawn('kubectl', ['apply', '--namespace', ns, '-f', '-'], { stdio: 'pipe' });
        apply.stdin.end(DEPLOYMENT);
      },
    });
    const log = job.logText();
    expect(job.status, dump(log)).toBe('success');
    expect(applied).toBe(true);
    expect(log).toMatch(/… deployment\/late attempt 1: not found yet/);
    expect(log).toMatch(
      /✔ deployment\/late: successfully rolled out \(2\/2 ready, 2 updated, 2 available\) \[watch\]/,
    );
    const r = JSON.parse(readFileSync(job.outputs('ready')['report-path']!, 'utf8'));
    expect(r.probes[0]).toMatchObject({ name: 'deployment/late', kind: 'rollout', ready: true });
    expect(r.probes[0].last).toMatch(/\[watch\]$/);
    // the watch served every attempt after the first: each event woke one, no second poll was due
    expect(r.probes[0].attempts).toBeGreaterThan(1);
    expect(kubectlsFor(ns)).toEqual([]);
    await job.cleanup();
  });

  it('pods, endpoints and a job are watched too, and judged by the same rules', async () => {
    const ns = namespace('all');
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'workloads.yaml')]);
    const job = await runJob({
      repository,
      event: prEvent(302, sha('kroll-302')),
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: {
            namespace: ns,
            rollout: 'sts/db',
            probes: ['- pods: app=api', '  min: 2', '- endpoints: api', '  min: 2', '- job: migrate'].join(
              '\n',
            ),
            timeout: '90s',
          },
        },
      ],
    });
    expect(job.status, dump(job.logText())).toBe('success');
    const r = JSON.parse(readFileSync(job.outputs('ready')['report-path']!, 'utf8'));
    const byKind = Object.fromEntries(r.probes.map((p: { kind: string; last: string }) => [p.kind, p.last]));
    expect(byKind.rollout).toMatch(/^rolled out revision/);
    expect(byKind.pods).toMatch(/^2 of 2 pod\(s\) ready/);
    expect(byKind.endpoints).toMatch(/^2 of 2 endpoint\(s\) ready/);
    expect(byKind.job).toMatch(/^complete \(1 succeeded/);
    expect(kubectlsFor(ns)).toEqual([]);
    await job.cleanup();
  });

  it('a rollout that never finishes: at the deadline the step fails and its watch is gone', async () => {
    const ns = namespace('stuck');
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'never.yaml')]);
    let during: string[] = [];
    const job = await runJob({
      repository,
      event: prEvent(303, sha('kroll-303')),
      onLine: (_step, _phase, line) => {
        if (during.length === 0 && line.startsWith('… deployment/stuck attempt 2:')) during = kubectlsFor(ns);
      },
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { rollout: 'deployment/stuck', namespace: ns, timeout: '5s' },
        },
      ],
    });
    expect(job.status, dump(job.logText())).toBe('failure');
    expect(job.outputs('ready').ready).toBe('false');
    // while it waited, one kubectl watched the Deployment; after the step, none
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(
      /get deployments\.apps .*--field-selector=metadata\.name=stuck --watch --output-watch-events/,
    );
    expect(kubectlsFor(ns)).toEqual([]);
    await job.cleanup();
  });

  it('a cancelled step kills its watch: no kubectl is left behind', async () => {
    const ns = namespace('cancel');
    kubectl(['apply', '--namespace', ns, '-f', join(fixtures, 'never.yaml')]);
    let during: string[] = [];
    const job = await runJob({
      repository,
      event: prEvent(304, sha('kroll-304')),
      cancel: { step: 'ready', when: /deployment\/stuck attempt 2:/ },
      onLine: (_step, _phase, line) => {
        if (during.length === 0 && line.startsWith('… deployment/stuck attempt 2:')) during = kubectlsFor(ns);
      },
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { rollout: 'deployment/stuck', namespace: ns, timeout: '120s', interval: '500ms' },
        },
      ],
    });
    expect(job.status, dump(job.logText())).toBe('cancelled');
    expect(during).toHaveLength(1);
    expect(kubectlsFor(ns)).toEqual([]);
    await job.cleanup();
  });
});
