/**
 * Kubernetes probes: each attempt is one `kubectl get … --output json` through the exec funnel (argv, no
 * shell, bounded by the attempt timeout), parsed and judged by the pure functions in
 * shared/src/kube/readiness.ts. Same deadline, backoff, consecutive and report model as the HTTP probes.
 */
import type { Kubectl } from '../../../shared/src/kube/kubectl.js';
import {
  type Judgement,
  judgeEndpoints,
  judgeJob,
  judgePods,
  judgeRollout,
} from '../../../shared/src/kube/readiness.js';
import type { AttemptResult, Probe } from '../poll.js';
import type { KubeSpec } from '../spec-kube.js';

/** The object(s) a probe reads, e.g. `deployment.apps/api` or `pods -l app=api` (for the report's target). */
export function describeTarget(spec: KubeSpec, namespace: string): string {
  switch (spec.kind) {
    case 'rollout':
      return `${namespace}: ${spec.workload}/${spec.target}`;
    case 'pods':
      return `${namespace}: pods ${spec.target} (min ${spec.min})`;
    case 'endpoints':
      return `${namespace}: service/${spec.target} endpoints (min ${spec.min})`;
    case 'job':
      return `${namespace}: job/${spec.target}`;
  }
}

/**
 * The `kubectl` arguments (after the target flags) of one attempt (pure). Values that come from the user
 * are single argv elements (`--selector=<selector>`), so nothing in them is interpreted by a shell.
 */
export function kubeProbeArgs(spec: KubeSpec, namespace: string): string[] {
  const ns = ['--namespace', namespace];
  const json = ['--output', 'json'];
  switch (spec.kind) {
    case 'rollout':
      return ['get', `${spec.workload}.apps/${spec.target}`, ...ns, ...json];
    case 'pods':
      return ['get', 'pods', ...ns, `--selector=${spec.target}`, ...json];
    case 'endpoints':
      return [
        'get',
        'endpointslices.discovery.k8s.io',
        ...ns,
        `--selector=kubernetes.io/service-name=${spec.target}`,
        ...json,
      ];
    case 'job':
      return ['get', `jobs.batch/${spec.target}`, ...ns, ...json];
  }
}

/** Judges the parsed output of `kubeProbeArgs` for `spec` (pure). */
export function judge(spec: KubeSpec, doc: unknown): Judgement {
  switch (spec.kind) {
    case 'rollout':
      return judgeRollout(doc as Parameters<typeof judgeRollout>[0]);
    case 'pods':
      return judgePods(doc as Parameters<typeof judgePods>[0], spec.min);
    case 'endpoints':
      return judgeEndpoints(doc as Parameters<typeof judgeEndpoints>[0], spec.target, spec.min);
    case 'job':
      return judgeJob(doc as Parameters<typeof judgeJob>[0]);
  }
}

/**
 * Builds the probe.
 * @param namespace the resolved namespace (the spec's own, else the default)
 * @param timeoutMs the hard limit for one kubectl call (the attempt timeout)
 */
export function kubeProbe(spec: KubeSpec, kubectl: Kubectl, namespace: string, timeoutMs: number): Probe {
  const args = kubeProbeArgs(spec, namespace);
  return {
    name: spec.name,
    kind: spec.kind,
    target: describeTarget(spec, namespace),
    async attempt(): Promise<AttemptResult> {
      const result = await kubectl.tryRun(args, { timeoutMs, maxStdoutBytes: 16 * 1024 * 1024 });
      if (result.exitCode !== 0) {
        const stderr = result.stderr.trim().split('\n').slice(-2).join(' ').slice(-400);
        if (/NotFound|not found/i.test(stderr)) return { ok: false, detail: `not found yet: ${stderr}` };
        const why = result.spawnError
          ? `could not start kubectl (${result.spawnError})`
          : result.timedOut
            ? `timed out after ${timeoutMs} ms`
            : `exit ${result.exitCode}`;
        return { ok: false, detail: `kubectl get failed (${why})${stderr ? `: ${stderr}` : ''}` };
      }
      let doc: unknown;
      try {
        doc = JSON.parse(result.stdout);
      } catch {
        return { ok: false, detail: `kubectl printed no JSON: ${result.stdout.slice(0, 200)}` };
      }
      const verdict = judge(spec, doc);
      return { ok: verdict.ready, detail: verdict.detail, ...(verdict.final ? { final: true } : {}) };
    },
  };
}
