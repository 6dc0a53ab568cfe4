/**
 * The pod part of a Kubernetes diagnostics bundle (deploy-namespace's and wait-ready's; diagnostics-bundle.ts): for each pod that is neither Ready nor Succeeded
 * (at most `maxPods`), `kubectl describe` (its state, last termination and events), the current log of all
 * its containers, and the previous log of every container that restarted (`kubectl logs --previous`: the
 * run that crashed, which a crash-looping pod's current log does not hold). Bounded in bytes per pod and in
 * total; a part over its share keeps its *last* bytes (a crash is at the end) behind a line saying how much
 * was cut. Every file is redacted. Never throws: what cannot be read is noted in the bundle's errors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../runtime/secrets.js';
import type { Bundle, KubeDiagnosticsLimits } from './diagnostics-bundle.js';
import type { Kubectl } from './kubectl.js';

interface ContainerStatus {
  name: string;
  restartCount?: number;
}
interface Pod {
  metadata: { name: string };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

/** A troubled pod: its name and the containers that restarted (their previous run has a log). */
export interface TroubledPod {
  name: string;
  restarted: string[];
}

/** A name as a file name (anything but `[A-Za-z0-9_.-]` becomes `_`; pure). */
export const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');
const safe = safeFileName;

/** Pods that are neither Ready nor Succeeded, at most `max`, with their restarted containers (pure). */
export function troubledPods(pods: Pod[], max: number): TroubledPod[] {
  return pods
    .filter(
      (p) =>
        p.status?.phase !== 'Succeeded' &&
        !(p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    )
    .slice(0, max)
    .map((p) => ({
      name: p.metadata.name,
      restarted: [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
        .filter((c) => (c.restartCount ?? 0) > 0)
        .map((c) => c.name),
    }));
}

/**
 * Keeps the last `maxBytes` of `text`, from a line start, behind a line saying how many bytes were cut
 * (pure). The result is at most `maxBytes` bytes (UTF-8) when `maxBytes` ≥ 200, else ''.
 */
export function keepTail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  if (maxBytes < 200) return '';
  const room = maxBytes - 100;
  let tail = bytes.subarray(bytes.length - room).toString('utf8');
  const newline = tail.indexOf('\n');
  if (newline >= 0 && newline < tail.length - 1) tail = tail.slice(newline + 1);
  tail = tail.replace(/^\uFFFD+/, '');
  const cut = bytes.length - Buffer.byteLength(tail, 'utf8');
  return `[… ${cut} earlier bytes cut: the diagnostics bound; the last ${Buffer.byteLength(tail)} follow]\n${tail}`;
}

/** What is left of the pods' byte budget, across pods. */
class Budget {
  constructor(private total: number) {}

  /** Bytes a part may take: its share of what the pod has left, within what the bundle has left. */
  share(podLeft: number, partsLeft: number): number {
    return Math.max(0, Math.min(Math.floor(podLeft / partsLeft), this.total));
  }

  spend(bytes: number): void {
    this.total -= bytes;
  }
}

/**
 * Captures one part to `file`, redacted, then cut to `maxBytes` (its tail kept).
 * @returns the bytes written, and the first line of what the tool said when it failed ('' on success)
 */
async function part(
  bundle: Bundle,
  kubectl: Kubectl,
  file: string,
  argv: string[],
  maxBytes: number,
): Promise<{ bytes: number; failed: string }> {
  if (maxBytes < 200) {
    bundle.errors.push(`${file}: not collected, the diagnostics byte bound is spent`);
    return { bytes: 0, failed: '' };
  }
  const result = await bundle.capture(file, argv, kubectl);
  const path = join(bundle.dir, file);
  const kept = keepTail(readFileSync(path, 'utf8'), maxBytes);
  writeFileSync(path, kept);
  const failed =
    result.exitCode === 0 ? '' : result.stderr.trim().split('\n')[0] || `exit ${result.exitCode}`;
  return { bytes: Buffer.byteLength(kept), failed };
}

/**
 * `describe`, the current log and each restarted container's previous log of every troubled pod, into
 * `describe/` and `logs/`, within `limits.maxPodBytes` per pod and `limits.maxPodsTotalBytes` in all; a note
 * in `logs/NOTE.txt` when the cluster gives no logs (kwok and other nodes that run no containers).
 */
export async function collectPods(
  kubectl: Kubectl,
  namespace: string,
  bundle: Bundle,
  limits: KubeDiagnosticsLimits,
): Promise<void> {
  const ns = ['--namespace', namespace];
  const listed = await kubectl.tryRun(['get', 'pods', ...ns, '--output', 'json'], { timeoutMs: 30_000 });
  let pods: TroubledPod[] = [];
  try {
    pods = troubledPods(
      (JSON.parse(listed.stdout || '{"items":[]}') as { items: Pod[] }).items,
      limits.maxPods,
    );
  } catch (error) {
    bundle.errors.push(`pods: ${String(error)}`);
  }
  const budget = new Budget(limits.maxPodsTotalBytes);
  let logsUnavailable = '';
  for (const pod of pods) {
    const tail = ['--tail', String(limits.tailLines)];
    const parts: Array<[string, string[]]> = [
      [join('describe', `Pod_${safe(pod.name)}.txt`), ['describe', 'pod', pod.name, ...ns]],
      [
        join('logs', `${safe(pod.name)}.log`),
        ['logs', pod.name, ...ns, '--all-containers', '--prefix', ...tail],
      ],
      ...pod.restarted.map((c): [string, string[]] => [
        join('logs', `${safe(pod.name)}.${safe(c)}.previous.log`),
        ['logs', pod.name, ...ns, '--container', c, '--previous', ...tail],
      ]),
    ];
    let podLeft = limits.maxPodBytes;
    for (const [i, [file, argv]] of parts.entries()) {
      const { bytes, failed } = await part(
        bundle,
        kubectl,
        file,
        argv,
        budget.share(podLeft, parts.length - i),
      );
      podLeft -= bytes;
      budget.spend(bytes);
      if (argv[0] === 'logs' && failed) logsUnavailable ||= failed;
    }
  }
  if (logsUnavailable)
    writeFileSync(
      join(bundle.dir, 'logs', 'NOTE.txt'),
      `Pod logs could not be read (${redact(logsUnavailable)}). On clusters whose nodes run no real containers (kwok, virtual kubelets) there are none.\n`,
    );
}
