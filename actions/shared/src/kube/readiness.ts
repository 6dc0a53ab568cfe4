/**
 * Kubernetes readiness, judged by pure functions over the JSON `kubectl get … -o json` returns (shapes
 * recorded from a real v1.36 API server in test/unit/fixtures/kube/). Each judgement says ready or not, a
 * one-line detail for the report, and `final` when waiting longer cannot help (a failed Job).
 *
 * Rollout rules follow `kubectl rollout status` (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go):
 * the controller has observed the current generation, every replica is updated, old replicas are gone, and
 * the updated ones are available/ready. A Deployment whose Progressing condition says
 * `ProgressDeadlineExceeded` is reported as stalled (not final: a later rollout may still fix it).
 */

/** The verdict of one look at an object. */
export interface Judgement {
  ready: boolean;
  /** One line for the log and the report, e.g. `2 of 3 updated replicas available`. */
  detail: string;
  /** True when the object can no longer become ready (a failed Job): polling stops. */
  final?: boolean;
}

/** Every name kubectl accepts for a workload kind with a rollout → the kind (a `rollout` probe takes them all). */
export const ROLLOUT_KIND_ALIASES: Record<string, 'deployment' | 'statefulset' | 'daemonset'> = {
  deployment: 'deployment',
  deployments: 'deployment',
  deploy: 'deployment',
  'deployment.apps': 'deployment',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  sts: 'statefulset',
  'statefulset.apps': 'statefulset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
  ds: 'daemonset',
  'daemonset.apps': 'daemonset',
};

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The fields of a Deployment/StatefulSet/DaemonSet the rollout judgement reads. */
export interface WorkloadObject {
  kind?: string;
  metadata?: { name?: string; generation?: number; deletionTimestamp?: string };
  spec?: {
    replicas?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberReady?: number;
    conditions?: Condition[];
  };
}

function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Judges a Deployment, StatefulSet or DaemonSet rollout (by `kind`).
 * Not ready while the controller has not observed the latest `metadata.generation`.
 */
export function judgeRollout(obj: WorkloadObject): Judgement {
  const kind = (obj.kind ?? '').toLowerCase();
  const generation = obj.metadata?.generation ?? 0;
  const status = obj.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      ready: false,
      detail: `waiting for the ${kind} controller to observe generation ${generation} (observed ${status.observedGeneration ?? 0})`,
    };
  }
  if (kind === 'deployment') return judgeDeployment(obj);
  if (kind === 'statefulset') return judgeStatefulSet(obj);
  if (kind === 'daemonset') return judgeDaemonSet(obj);
  return { ready: false, detail: `kind "${obj.kind}" has no rollout status`, final: true };
}

function judgeDeployment(obj: WorkloadObject): Judgement {
  const s = obj.status ?? {};
  const desired = obj.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const progressing = condition(s.conditions, 'Progressing');
  const counts = `${ready}/${desired} ready, ${updated} updated, ${available} available`;
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      ready: false,
      detail: `stalled: ${progressing.message ?? 'progress deadline exceeded'} (${counts})`,
    };
  }
  if (updated < desired)
    return { ready: false, detail: `${updated} of ${desired} new replicas updated (${counts})` };
  if (replicas > updated)
    return { ready: false, detail: `${replicas - updated} old replica(s) pending termination (${counts})` };
  if (available < updated)
    return { ready: false, detail: `${available} of ${updated} updated replicas available (${counts})` };
  if (ready < desired) return { ready: false, detail: `${ready} of ${desired} replicas ready (${counts})` };
  return { ready: true, detail: `successfully rolled out (${counts})` };
}

function judgeStatefulSet(obj: WorkloadObject): Judgement {
  const s = obj.status ?? {};
  const desired = obj.spec?.replicas ?? 1;
  const ready = s.readyReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const counts = `${ready}/${desired} ready, ${updated} updated`;
  if (ready < desired) return { ready: false, detail: `${ready} of ${desired} replicas ready (${counts})` };
  const strategy = obj.spec?.updateStrategy;
  if (strategy?.type && strategy.type !== 'RollingUpdate')
    return { ready: true, detail: `all replicas ready, ${strategy.type} (${counts})` };
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    if (updated < desired - partition)
      return {
        ready: false,
        detail: `${updated} of ${desired - partition} replicas updated above partition ${partition} (${counts})`,
      };
    return { ready: true, detail: `partitioned roll out complete: ${updated} new replicas (${counts})` };
  }
  if (s.updateRevision && s.currentRevision !== s.updateRevision)
    return {
      ready: false,
      detail: `revision ${s.updateRevision} rolling out, ${updated} of ${desired} updated (${counts})`,
    };
  return { ready: true, detail: `rolled out revision ${s.currentRevision ?? '?'} (${counts})` };
}

function judgeDaemonSet(obj: WorkloadObject): Judgement {
  const s = obj.status ?? {};
  const desired = s.desiredNumberScheduled ?? 0;
  const updated = s.updatedNumberScheduled ?? 0;
  const available = s.numberAvailable ?? 0;
  const counts = `${available}/${desired} available, ${updated} updated`;
  if (updated < desired) return { ready: false, detail: `${updated} of ${desired} pods updated (${counts})` };
  if (available < desired)
    return { ready: false, detail: `${available} of ${desired} updated pods available (${counts})` };
  return { ready: true, detail: `successfully rolled out (${counts})` };
}

/** The fields of a Pod the pods judgement reads. */
export interface PodObject {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: Condition[];
    containerStatuses?: Array<{ name: string; ready?: boolean; state?: Record<string, { reason?: string }> }>;
  };
}

/** Whether a pod counts as ready: Ready condition True and not being deleted. */
export function podReady(pod: PodObject): boolean {
  return !pod.metadata?.deletionTimestamp && condition(pod.status?.conditions, 'Ready')?.status === 'True';
}

/**
 * Judges a pod list (`kubectl get pods -l <selector> -o json`): at least `min` pods ready. The detail
 * names up to five pods that are not ready, with their phase and a waiting reason when there is one.
 */
export function judgePods(list: { items?: PodObject[] }, min: number): Judgement {
  const pods = list.items ?? [];
  const ready = pods.filter(podReady);
  if (ready.length >= min && pods.length > 0)
    return { ready: true, detail: `${ready.length} of ${pods.length} pod(s) ready (need ${min})` };
  const notReady = pods
    .filter((p) => !podReady(p))
    .slice(0, 5)
    .map((p) => {
      const waiting = p.status?.containerStatuses
        ?.map((c) => Object.values(c.state ?? {})[0]?.reason)
        .find((reason) => reason);
      const scheduled = condition(p.status?.conditions, 'PodScheduled');
      const why = waiting ?? (scheduled?.status === 'False' ? scheduled.reason : '') ?? '';
      return `${p.metadata?.name ?? '?'} ${p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? '?')}${why ? ` (${why})` : ''}`;
    });
  return {
    ready: false,
    detail: `${ready.length} of ${pods.length} pod(s) ready, need ${min}${notReady.length ? `: ${notReady.join(', ')}` : ''}`,
  };
}

/** The fields of an EndpointSlice the endpoints judgement reads. */
export interface EndpointSliceObject {
  metadata?: { name?: string };
  addressType?: string;
  endpoints?: Array<{
    addresses?: string[];
    conditions?: { ready?: boolean | null; terminating?: boolean | null };
  }> | null;
  ports?: Array<{ name?: string; port?: number; protocol?: string }> | null;
}

/**
 * Judges the EndpointSlices of one Service (`kubectl get endpointslices -l kubernetes.io/service-name=<svc>`):
 * at least `min` ready endpoints. Per the API, a `ready` of null means unknown and counts as ready
 * (https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#ready).
 */
export function judgeEndpoints(
  list: { items?: EndpointSliceObject[] },
  service: string,
  min: number,
): Judgement {
  const slices = list.items ?? [];
  if (slices.length === 0)
    return {
      ready: false,
      detail: `no EndpointSlice for Service "${service}" (no such Service, or it has no selector)`,
    };
  const endpoints = slices.flatMap((s) => s.endpoints ?? []);
  const ready = endpoints.filter((e) => e.conditions?.ready !== false && e.conditions?.terminating !== true);
  const addresses = ready.flatMap((e) => e.addresses ?? []).slice(0, 5);
  const detail = `${ready.length} of ${endpoints.length} endpoint(s) ready (need ${min})${addresses.length ? `: ${addresses.join(', ')}` : ''}`;
  return { ready: ready.length >= min, detail };
}

/** The fields of a Job the job judgement reads. */
export interface JobObject {
  spec?: { completions?: number | null };
  status?: { active?: number; succeeded?: number; failed?: number; ready?: number; conditions?: Condition[] };
}

/**
 * Judges a Job: ready when its Complete condition is True; final (no point waiting) when Failed is True,
 * with the reason and message (e.g. `BackoffLimitExceeded`, `DeadlineExceeded`).
 */
export function judgeJob(obj: JobObject): Judgement {
  const s = obj.status ?? {};
  const counts = `${s.succeeded ?? 0} succeeded, ${s.active ?? 0} active, ${s.failed ?? 0} failed${obj.spec?.completions ? ` of ${obj.spec.completions} completion(s)` : ''}`;
  const failed = condition(s.conditions, 'Failed');
  if (failed?.status === 'True') {
    return {
      ready: false,
      final: true,
      detail: `failed: ${failed.reason ?? 'Failed'}${failed.message ? ` — ${failed.message}` : ''} (${counts})`,
    };
  }
  if (condition(s.conditions, 'Complete')?.status === 'True')
    return { ready: true, detail: `complete (${counts})` };
  return { ready: false, detail: `running (${counts})` };
}
