/**
 * The bounded diagnostics bundle for a failed deploy, each part streamed to a file under
 * `<action dir>/diagnostics/` (capped, then redacted): the namespace's events, objects and not-Ready pods
 * (shared/src/kube/diagnostics-bundle.ts and pod-diagnostics.ts: describe, current and previous logs, bounded
 * per pod and in total), `describe` of not-ready workloads, and Helm status and history. Never throws: a part
 * that cannot be collected is noted in `errors.txt`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Bundle,
  collectNamespace,
  KUBE_DIAGNOSTICS_LIMITS,
} from '../../shared/src/kube/diagnostics-bundle.js';
import type { Helm } from '../../shared/src/kube/helm.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { safeFileName } from '../../shared/src/kube/pod-diagnostics.js';
import { listFiles } from '../../shared/src/report/files.js';
import type { DiagnosticsBundle } from '../../shared/src/report/model.js';
import { redact } from '../../shared/src/runtime/secrets.js';
import { notReady, readWorkloads } from './workloads.js';

/** Helm status and history of the release; the last history lines go in the excerpt. */
async function helmState(helm: Helm, release: string, namespace: string, bundle: Bundle): Promise<void> {
  await bundle.capture(
    'helm-status.txt',
    ['status', release, '--namespace', namespace, '--show-resources'],
    helm,
  );
  const history = await bundle.capture(
    'helm-history.txt',
    ['history', release, '--namespace', namespace, '--max', '10'],
    helm,
  );
  const lines = readFileSync(join(bundle.dir, 'helm-history.txt'), 'utf8').trim().split('\n');
  if (history.exitCode === 0 && lines.length > 1)
    bundle.excerpt.push('Helm history:', ...lines.slice(-4).map((l) => `  ${l}`));
}

/**
 * Collects the bundle into `dir`.
 * @param release the Helm release, or null when not a Helm deploy
 */
export async function collectKubeDiagnostics(
  kubectl: Kubectl,
  helm: Helm | null,
  namespace: string,
  release: string | null,
  dir: string,
  limits = KUBE_DIAGNOSTICS_LIMITS,
): Promise<DiagnosticsBundle> {
  const bundle = new Bundle(dir, limits);
  await collectNamespace(kubectl, namespace, bundle);
  const workloads = await readWorkloads(kubectl, namespace);
  const pending = notReady(workloads);
  if (pending.length > 0)
    bundle.excerpt.push(
      `Not ready: ${pending.map((k) => `${k} (${workloads[k]!.ready}/${workloads[k]!.desired})`).join(', ')}`,
    );
  for (const workload of pending)
    await bundle.capture(
      join('describe', `${safeFileName(workload)}.txt`),
      ['describe', workload.toLowerCase(), '--namespace', namespace],
      kubectl,
    );
  if (helm && release) await helmState(helm, release, namespace, bundle);
  bundle.writeErrors();
  return { dir, files: listFiles(dir), excerpt: redact(bundle.excerpt.join('\n')) };
}
