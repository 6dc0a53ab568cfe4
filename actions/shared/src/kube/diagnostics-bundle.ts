/**
 * The namespace part of a Kubernetes diagnostics bundle, shared by deploy-namespace (a deploy that failed)
 * and wait-ready (Kubernetes probes that were not ready): the bundle's files and bounds (`Bundle`), the
 * namespace's events and `kubectl get` of its objects, its Warning events for the excerpt, and the pods that
 * are not Ready (pod-diagnostics.ts: describe, current and previous logs, bounded per pod and in total).
 * Every file is capped, then redacted. Never throws: a part that cannot be collected is noted in the errors.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../exec/cli.js';
import { redact } from '../runtime/secrets.js';
import type { Helm } from './helm.js';
import type { Kubectl } from './kubectl.js';
import { collectPods } from './pod-diagnostics.js';

/** Bounds of the bundle. */
export interface KubeDiagnosticsLimits {
  /** Bytes of one file (events, `get`, describe of a workload, Helm). */
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

/** The bounds both actions use: 1 MiB per file, 10 pods, 256 KiB per pod, 1 MiB for all pods, 200 log lines. */
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

/** Streams a command's output to a file of the bundle (capped at `maxFileBytes`, then redacted); notes failures. */
export class Bundle {
  readonly errors: string[] = [];
  readonly excerpt: string[] = [];

  constructor(
    readonly dir: string,
    readonly limits: KubeDiagnosticsLimits,
  ) {
    mkdirSync(join(dir, 'describe'), { recursive: true });
    mkdirSync(join(dir, 'logs'), { recursive: true });
  }

  /** Runs `argv` with `tool`, its stdout into `file` (relative to the bundle); a failure goes to the errors. */
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

  /** Writes `errors.txt` (redacted) when a part failed. */
  writeErrors(): void {
    if (this.errors.length > 0) writeFileSync(join(this.dir, 'errors.txt'), redact(this.errors.join('\n')));
  }
}

/** The namespace's last `max` Warning events, into the excerpt. */
async function warningEvents(kubectl: Kubectl, namespace: string, bundle: Bundle, max: number) {
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

/**
 * The namespace's `events.txt` (sorted by time), `get-all.txt` (its workloads, pods, Services, ConfigMaps,
 * Ingresses, quotas, limit ranges, network policies), its Warning events in the excerpt, and its pods that
 * are not Ready (pod-diagnostics.ts), into `bundle`.
 */
export async function collectNamespace(kubectl: Kubectl, namespace: string, bundle: Bundle): Promise<void> {
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
  await warningEvents(kubectl, namespace, bundle, bundle.limits.excerptEvents);
  await collectPods(kubectl, namespace, bundle, bundle.limits);
}
