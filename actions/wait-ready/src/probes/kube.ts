/**
 * Kubernetes probes, backed by a watch: from the first attempt, one long-lived `kubectl get … --watch
 * --output-watch-events` of the probe's objects (shared/src/kube/watch.ts) wakes the probe the moment the
 * API server sends a change, and the attempt judges the objects the watch holds with the pure functions in
 * shared/src/kube/readiness.ts. Only a change the probe has not judged yet, on a live watch, is used; an
 * attempt without one is a `kubectl get … --output json` (argv, no shell, bounded by the attempt timeout),
 * which the next watch event pre-empts. So a watch that ends, breaks or goes silent falls back to the poll
 * and never turns into "ready". The watch's kubectl is killed when the probe ends (`close`), at its deadline
 * and on cancellation (the funnel). Same deadline, backoff, consecutive and report model as the HTTP probes.
 */
import type { Kubectl } from '../../../shared/src/kube/kubectl.js';
import {
  type Judgement,
  judgeEndpoints,
  judgeJob,
  judgePods,
  judgeRollout,
} from '../../../shared/src/kube/readiness.js';
import { KubeWatch } from '../../../shared/src/kube/watch.js';
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

/** The kind of the objects a probe's watch receives (pure). */
export function watchKind(spec: KubeSpec): string {
  switch (spec.kind) {
    case 'rollout':
      return { deployment: 'Deployment', statefulset: 'StatefulSet', daemonset: 'DaemonSet', '': '' }[
        spec.workload
      ];
    case 'pods':
      return 'Pod';
    case 'endpoints':
      return 'EndpointSlice';
    case 'job':
      return 'Job';
  }
}

/**
 * The `kubectl get` arguments of a probe's watch (pure; KubeWatch appends the watch flags). A named object
 * is watched through `--field-selector=metadata.name=<name>`, not `<kind>/<name>`: kubectl refuses to watch
 * a name that does not exist yet (NotFound), and the probe may start before the object is created.
 */
export function watchArgs(spec: KubeSpec, namespace: string): string[] {
  const ns = ['--namespace', namespace];
  const named = `--field-selector=metadata.name=${spec.target}`;
  switch (spec.kind) {
    case 'rollout':
      return ['get', `${spec.workload}s.apps`, ...ns, named];
    case 'job':
      return ['get', 'jobs.batch', ...ns, named];
    default:
      return kubeProbeArgs(spec, namespace).slice(0, -2);
  }
}

/** Judges what a live watch holds (pure): one object (rollout, job) or the list (pods, endpoints). */
export function judgeWatched(spec: KubeSpec, items: readonly unknown[]): AttemptResult {
  const single = spec.kind === 'rollout' || spec.kind === 'job';
  if (single && items.length === 0) return { ok: false, detail: 'not found yet [watch]' };
  const verdict = judge(spec, single ? items[0] : { items });
  return {
    ok: verdict.ready,
    detail: `${verdict.detail} [watch]`,
    ...(verdict.final ? { final: true } : {}),
  };
}

/** One `kubectl get … --output json`, judged. */
async function poll(
  spec: KubeSpec,
  kubectl: Kubectl,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const result = await kubectl.tryRun(args, { timeoutMs, signal, maxStdoutBytes: 16 * 1024 * 1024 });
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
}

/**
 * Builds the probe.
 * @param namespace the resolved namespace (the spec's own, else the default)
 * @param timeoutMs the hard limit for one kubectl get (the attempt timeout)
 * @param watchMs the watch's own limit, ms (the wait's deadline and a margin): kubectl is killed then even
 *   if `close` never came
 */
export function kubeProbe(
  spec: KubeSpec,
  kubectl: Kubectl,
  namespace: string,
  timeoutMs: number,
  watchMs: number,
): Probe {
  const args = kubeProbeArgs(spec, namespace);
  let watch: KubeWatch | null = null;
  /** The watch's version the last judgement used: only a later event is news. */
  let judged = 0;
  const fromWatch = (w: KubeWatch) => {
    judged = w.version;
    return judgeWatched(spec, w.items);
  };
  return {
    name: spec.name,
    kind: spec.kind,
    target: describeTarget(spec, namespace),
    async attempt(signal): Promise<AttemptResult> {
      watch ??= KubeWatch.start(kubectl, watchArgs(spec, namespace), watchKind(spec), watchMs);
      const w = watch;
      if (w.live && w.version > judged) return fromWatch(w);
      // No news on a live watch: poll, unless the watch speaks first.
      const stop = new AbortController();
      const polled = poll(spec, kubectl, args, timeoutMs, AbortSignal.any([signal, stop.signal]));
      const news = w.changed(judged, timeoutMs, stop.signal);
      const first = await Promise.race([polled, news.then((changed) => (changed ? null : polled))]);
      stop.abort();
      if (first) return first;
      await polled;
      return w.live ? fromWatch(w) : poll(spec, kubectl, args, timeoutMs, signal);
    },
    wake: (ms: number) =>
      watch?.live
        ? watch.changed(judged, ms).then(() => {})
        : new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
    async close() {
      await watch?.stop();
    },
  };
}
