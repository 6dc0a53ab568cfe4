/**
 * wait-ready's Kubernetes diagnostics, when its Kubernetes probes were not ready: for each namespace of those
 * probes (at most `MAX_NAMESPACES`), under `<diagnostics>/kubernetes/<namespace>/`, the namespace's events,
 * objects and not-Ready pods with their describe, current and previous logs (shared/src/kube/
 * diagnostics-bundle.ts and pod-diagnostics.ts, the bounds deploy-namespace uses: the pods' byte budget is
 * shared between the namespaces), and `describe` of each rollout probe's workload. Every file is capped,
 * then redacted. Never throws: what cannot be collected is noted in each namespace's `errors.txt`.
 */
import { join } from 'node:path';
import {
  Bundle,
  collectNamespace,
  KUBE_DIAGNOSTICS_LIMITS,
  type KubeDiagnosticsLimits,
} from '../../shared/src/kube/diagnostics-bundle.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { safeFileName } from '../../shared/src/kube/pod-diagnostics.js';
import { listFiles } from '../../shared/src/report/files.js';
import type { DiagnosticsBundle } from '../../shared/src/report/model.js';
import { redact } from '../../shared/src/runtime/secrets.js';
import type { KubeSpec } from './spec-kube.js';

/** At most this many namespaces are collected (the first ones, in probe order). */
export const MAX_NAMESPACES = 5;

/**
 * The probes to diagnose, grouped by namespace (pure): the Kubernetes probes that were not ready (all of
 * them when `notReady` is null: the wait did not get to judge them), at most `MAX_NAMESPACES` namespaces.
 * @param defaultNamespace the namespace of a probe that names none
 */
export function probesByNamespace(
  probes: KubeSpec[],
  defaultNamespace: string,
  notReady: ReadonlySet<string> | null,
): Map<string, KubeSpec[]> {
  const groups = new Map<string, KubeSpec[]>();
  for (const probe of probes) {
    if (notReady && !notReady.has(probe.name)) continue;
    const namespace = probe.namespace || defaultNamespace;
    if (!namespace) continue;
    if (!groups.has(namespace) && groups.size >= MAX_NAMESPACES) continue;
    groups.set(namespace, [...(groups.get(namespace) ?? []), probe]);
  }
  return groups;
}

/**
 * Collects the bundle into `dir` (its `kubernetes/<namespace>/` folders).
 * @param probes the step's Kubernetes probes; @param notReady the names of those not ready, or null
 * @returns the bundle (files relative to `dir`), its excerpt prefixed by each namespace's name
 */
export async function collectProbeDiagnostics(
  kubectl: Kubectl,
  probes: KubeSpec[],
  defaultNamespace: string,
  notReady: ReadonlySet<string> | null,
  dir: string,
  limits: KubeDiagnosticsLimits = KUBE_DIAGNOSTICS_LIMITS,
): Promise<DiagnosticsBundle> {
  const groups = probesByNamespace(probes, defaultNamespace, notReady);
  const share: KubeDiagnosticsLimits = {
    ...limits,
    maxPodsTotalBytes: Math.floor(limits.maxPodsTotalBytes / Math.max(1, groups.size)),
  };
  const excerpt: string[] = [];
  for (const [namespace, specs] of groups) {
    const bundle = new Bundle(join(dir, 'kubernetes', safeFileName(namespace)), share);
    await collectNamespace(kubectl, namespace, bundle);
    for (const spec of specs.filter((s) => s.kind === 'rollout'))
      await bundle.capture(
        join('describe', `${safeFileName(`${spec.workload}_${spec.target}`)}.txt`),
        ['describe', `${spec.workload}.apps/${spec.target}`, '--namespace', namespace],
        kubectl,
      );
    bundle.writeErrors();
    if (bundle.excerpt.length > 0) excerpt.push(`Namespace ${namespace}:`, ...bundle.excerpt);
  }
  return { dir, files: listFiles(dir), excerpt: redact(excerpt.join('\n')) };
}
