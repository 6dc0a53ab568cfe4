/**
 * The bounded diagnostics bundle for a failed deploy, each part streamed to a file under
 * `<action dir>/diagnostics/` (capped, then redacted): namespace events, `kubectl get all`, `describe`
 * of not-ready workloads, the pods that are not Ready (pod-diagnostics.ts: describe, current and previous
 * logs, bounded per pod and in total), and Helm status and history. Never throws: a part that cannot be collected is noted in `errors.txt`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../shared/src/exec/cli.js';
import type { Helm } from '../../shared/src/kube/helm.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { listFiles } from '../../shared/src/report/files.js';
import type { DiagnosticsBundle } from '../../shared/src/report/model.js';
import { redact } from '../../shared/src/runtime/secrets.js';
import { collectPods } from './pod-diagnostics.js';
import { notReady, readWorkloads } from './workloads.js';

/** Bounds of the bundle. */
export interface KubeDiagnosticsLimits {
  maxFileBytes: number;
  /** Log lines per pod (`logs --tail`). */
  tailLines: number;
  /** At most this many pods are described and logged. */
  maxPods: number;
  /** Bytes per pod: its describe, current log and previous logs together (pod-diagnostics.ts). */
  maxPodBytes: number;
  /** Bytes of all pods' parts together. */
  maxPodsTotalBytes: number;
  /** Warning events in the excerpt. */
  excerptEvents: number;
}

export const KUBE_DIAGNOSTICS_LIMITS: KubeDiagnosticsLimits = {
  maxFileBytes: 1024 * 1024,
  tailLines: 200,
  maxPods: 10,
  maxPodBytes: 256 * 1024,
  maxPodsTotalBytes: 1024 * 1024,
  excerptEvents: 10,
};

interface EventList {
  items: Array<{
    type?: string;
    reason?: string;
    message?: string;
    involvedObject?: { kind?: string; name?: string };
  }>;
}

const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Streams a command's output to a file of the bundle (capped at `maxFileBytes`, then redacted); notes failures. */
export class Bundle {
  readonly errors: string[] = [];
  readonly excerpt: string[] = [];

  constructor(
    readonly dir: string,
    private readonly limits: KubeDiagnosticsLimits,
  ) {
    mkdirSync(join(dir, 'describe'), { recursive: true });
    mkdirSync(join(dir, 'logs'), { recursive: true });
  }

  async capture(file: string, argv: string[], tool: Kubectl | Helm): Promise<RunResult> {
    const path = join(this.dir, file);
    const result = await tool.tryRun(argv, {
      timeoutMs: 30_000,
      stdoutFile: { path, maxBytes: this.limits.maxFileBytes },
    });
    writeFileSync(path, redact(readFileSync(path, 'utf8')));
    if (result.exitCode !== 0)
      this.errors.push(
        `${file}: ${result.stderr.trim().slice(-300) || result.spawnError || `exit ${result.exitCode}`}`,
      );
    return result;
  }
}

/** The namespace's Warning events, for the excerpt. */
async function warningEvents(
  kubectl: Kubectl,
  namespace: string,
  bundle: Bundle,
  max: number,
): Promise<void> {
  try {
    const events = await kubectl.tryRun(
      ['get', 'events', '--namespace', namespace, '--field-selector', 'type=Warning', '--output', 'json'],
      { timeoutMs: 30_000 },
    );
    const warnings = (JSON.parse(events.stdout || '{"items":[]}') as EventList).items.slice(-max);
    if (warnings.length === 0) return;
    bundle.excerpt.push('Warning events:');
    for (const e of warnings)
      bundle.excerpt.push(
        `  ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.reason}: ${(e.message ?? '').slice(0, 300)}`,
      );
  } catch (error) {
    bundle.errors.push(`warning events: ${String(error)}`);
  }
}

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
  const ns = ['--namespace', namespace];
  await bundle.capture(
    'events.txt',
    ['get', 'events', ...ns, '--sort-by', '.lastTimestamp', '--output', 'wide'],
    kubectl,
  );
  await bundle.capture(
    'get-all.txt',
    ['get', 'all,configmaps,ingresses,resourcequotas,limitranges,networkpolicies', ...ns, '--output', 'wide'],
    kubectl,
  );
  await warningEvents(kubectl, namespace, bundle, limits.excerptEvents);
  const workloads = await readWorkloads(kubectl, namespace);
  const pending = notReady(workloads);
  if (pending.length > 0)
    bundle.excerpt.push(
      `Not ready: ${pending.map((k) => `${k} (${workloads[k]!.ready}/${workloads[k]!.desired})`).join(', ')}`,
    );
  for (const workload of pending)
    await bundle.capture(
      join('describe', `${safe(workload)}.txt`),
      ['describe', workload.toLowerCase(), ...ns],
      kubectl,
    );
  await collectPods(kubectl, namespace, bundle, limits);
  if (helm && release) await helmState(helm, release, namespace, bundle);
  if (bundle.errors.length > 0) writeFileSync(join(dir, 'errors.txt'), redact(bundle.errors.join('\n')));
  return { dir, files: listFiles(dir), excerpt: redact(bundle.excerpt.join('\n')) };
}
