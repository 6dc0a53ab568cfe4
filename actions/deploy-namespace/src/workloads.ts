/**
 * Workload readiness in the namespace: Deployments, StatefulSets and DaemonSets as `Kind/name →
 * {ready, desired}` (the `workloads` output), read from `kubectl get -o json`.
 */
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { WorkloadObject } from '../../shared/src/kube/readiness.js';

/** Ready and desired pod counts of one workload. */
export interface WorkloadStatus {
  ready: number;
  desired: number;
}

/** `Kind/name` → status, e.g. `{ "Deployment/web": { "ready": 2, "desired": 2 } }`. */
export type WorkloadMap = Record<string, WorkloadStatus>;

/** Parses a `kubectl get deployments,statefulsets,daemonsets -o json` List (pure). */
export function parseWorkloads(json: string): WorkloadMap {
  const list = JSON.parse(json || '{"items":[]}') as { items?: WorkloadObject[] };
  const out: WorkloadMap = {};
  for (const item of list.items ?? []) {
    const key = `${item.kind ?? '?'}/${item.metadata?.name ?? '?'}`;
    out[key] =
      item.kind === 'DaemonSet'
        ? { ready: item.status?.numberReady ?? 0, desired: item.status?.desiredNumberScheduled ?? 0 }
        : { ready: item.status?.readyReplicas ?? 0, desired: item.spec?.replicas ?? 1 };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The namespace's workloads now; {} when they cannot be read. */
export async function readWorkloads(kubectl: Kubectl, namespace: string): Promise<WorkloadMap> {
  const result = await kubectl.tryRun(
    ['get', 'deployments,statefulsets,daemonsets', '--namespace', namespace, '--output', 'json'],
    { timeoutMs: 30_000 },
  );
  return result.exitCode === 0 ? parseWorkloads(result.stdout) : {};
}

/** Workloads with fewer ready pods than desired (pure). */
export function notReady(workloads: WorkloadMap): string[] {
  return Object.entries(workloads)
    .filter(([, s]) => s.ready < s.desired)
    .map(([k]) => k);
}
