/**
 * The manifests and kustomize modes: `kubectl apply --server-side` of files, directories or a
 * kustomization into the namespace (with `isolation: vcluster`, the missing Services created first), then `kubectl rollout status` for every Deployment, StatefulSet and
 * DaemonSet applied, each bounded by what is left of the timeout.
 */
import { existsSync, statSync } from 'node:fs';
import { type ApplySource, applyArgs, type Kubectl } from '../../shared/src/kube/kubectl.js';
import { DeadlineError, ToolError } from '../../shared/src/runtime/errors.js';
import { createMissingServices } from './create-services.js';

/** Where the workload comes from: manifest files or directories, or a kustomization directory. */
export type WorkloadFiles = { manifests: string[] } | { kustomize: string };

/**
 * The `kubectl apply` argv for manifests (paths; `--recursive` when one is a directory) or a kustomization
 * (pure apart from `isDirectory`). `--output name` lists what was applied.
 */
export function manifestApplyArgs(
  namespace: string,
  source: WorkloadFiles,
  isDirectory: (p: string) => boolean = (p) => existsSync(p) && statSync(p).isDirectory(),
): string[] {
  return applyArgs({ source: applySource(source, isDirectory), namespace, listApplied: true });
}

/** What kubectl reads for `source` (pure apart from `isDirectory`). */
export function applySource(
  source: WorkloadFiles,
  isDirectory: (p: string) => boolean = (p) => existsSync(p) && statSync(p).isDirectory(),
): ApplySource {
  return 'kustomize' in source
    ? { kustomize: source.kustomize }
    : { files: source.manifests, recursive: source.manifests.some(isDirectory) };
}

/** The rollout targets among `kubectl apply -o name` lines: `deployment.apps/web` etc. (pure). */
export function rolloutTargets(applied: string[]): string[] {
  return applied.map((l) => l.trim()).filter((l) => /^(deployment|statefulset|daemonset)\.apps\//.test(l));
}

/** `rollout status <target> --namespace <ns> --timeout <s>s --watch` (pure). */
export function rolloutArgs(target: string, namespace: string, timeoutS: number): string[] {
  return ['rollout', 'status', target, '--namespace', namespace, '--timeout', `${timeoutS}s`, '--watch'];
}

/** What `applyAndRollout` found. */
export interface ApplyResult {
  applied: string[];
  rolledOut: string[];
}

/**
 * Applies and waits for every rollout. With `createServices` (`isolation: vcluster`), the Services not yet
 * in the namespace are first created by a POST (create-services.ts says why).
 * @param deadline epoch ms by which everything must be done
 * @throws ToolError when create or apply fails; DeadlineError when a rollout is not done by the deadline
 */
export async function applyAndRollout(
  kubectl: Kubectl,
  namespace: string,
  source: WorkloadFiles,
  deadline: number,
  log: (line: string) => void,
  options: { createServices: boolean } = { createServices: false },
): Promise<ApplyResult> {
  const totalMs = Math.max(deadline - Date.now(), 1000);
  if (options.createServices) await createMissingServices(kubectl, namespace, source, totalMs, log);
  const result = await kubectl.run(manifestApplyArgs(namespace, source), { timeoutMs: totalMs });
  const applied = result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of applied) log(`applied ${line}`);
  const rolledOut: string[] = [];
  for (const target of rolloutTargets(applied)) {
    const left = deadline - Date.now();
    if (left < 1000)
      throw new DeadlineError(`rollout of ${target}`, totalMs, 'the timeout was used up before its turn');
    const rollout = await kubectl.tryRun(rolloutArgs(target, namespace, Math.ceil(left / 1000)), {
      timeoutMs: left + 10_000,
      onLine: log,
    });
    if (rollout.exitCode !== 0) {
      throw new ToolError(
        rollout.argv,
        rollout.exitCode,
        rollout.stderr.slice(-4096),
        /timed out|exceeded/i.test(rollout.stderr)
          ? `rollout not done within the timeout`
          : `exit ${rollout.exitCode}`,
      );
    }
    rolledOut.push(target);
  }
  return { applied, rolledOut };
}
