/**
 * The bounded diagnostics bundle for a failed deploy, each part streamed to a file under
 * `<action dir>/diagnostics/` (capped, then redacted): namespace events, `kubectl get all`, `describe`
 * of not-ready workloads and of pods that are not Ready, pod logs where the cluster can give them, and
 * Helm status and history. Never throws: a part that cannot be collected is noted in `errors.txt`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostics, listFiles } from '../../shared/src/diagnostics.js';
import type { Helm } from '../../shared/src/kube/helm.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { redact } from '../../shared/src/secrets.js';
import { notReady, readWorkloads } from './workloads.js';

/** Bounds of the bundle. */
export interface KubeDiagnosticsLimits {
  maxFileBytes: number;
  /** Log lines per pod (`logs --tail`). */
  tailLines: number;
  /** At most this many pods are described and logged. */
  maxPods: number;
  /** Warning events in the excerpt. */
  excerptEvents: number;
}

export const KUBE_DIAGNOSTICS_LIMITS: KubeDiagnosticsLimits = {
  maxFileBytes: 1024 * 1024,
  tailLines: 200,
  maxPods: 10,
  excerptEvents: 10,
};

interface PodList {
  items: Array<{
    metadata: { name: string };
    status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
  }>;
}
interface EventList {
  items: Array<{
    type?: string;
    reason?: string;
    message?: string;
    involvedObject?: { kind?: string; name?: string };
  }>;
}

const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');

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
): Promise<Diagnostics> {
  mkdirSync(join(dir, 'describe'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const errors: string[] = [];
  const excerpt: string[] = [];
  const capture = async (file: string, argv: string[], tool: Kubectl | Helm = kubectl) => {
    const path = join(dir, file);
    const result = await tool.tryRun(argv, {
      timeoutMs: 30_000,
      stdoutFile: { path, maxBytes: limits.maxFileBytes },
    });
    writeFileSync(path, redact(readFileSync(path, 'utf8')));
    if (result.exitCode !== 0)
      errors.push(
        `${file}: ${result.stderr.trim().slice(-300) || result.spawnError || `exit ${result.exitCode}`}`,
      );
    return result;
  };
  await capture('events.txt', [
    'get',
    'events',
    '--namespace',
    namespace,
    '--sort-by',
    '.lastTimestamp',
    '--output',
    'wide',
  ]);
  await capture('get-all.txt', [
    'get',
    'all,configmaps,ingresses,resourcequotas,limitranges,networkpolicies',
    '--namespace',
    namespace,
    '--output',
    'wide',
  ]);
  try {
    const events = await kubectl.tryRun(
      ['get', 'events', '--namespace', namespace, '--field-selector', 'type=Warning', '--output', 'json'],
      { timeoutMs: 30_000 },
    );
    const warnings = (JSON.parse(events.stdout || '{"items":[]}') as EventList).items.slice(
      -limits.excerptEvents,
    );
    if (warnings.length > 0) {
      excerpt.push('Warning events:');
      for (const e of warnings)
        excerpt.push(
          `  ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.reason}: ${(e.message ?? '').slice(0, 300)}`,
        );
    }
  } catch (error) {
    errors.push(`warning events: ${String(error)}`);
  }
  const workloads = await readWorkloads(kubectl, namespace);
  const pending = notReady(workloads);
  if (pending.length > 0)
    excerpt.push(
      `Not ready: ${pending.map((k) => `${k} (${workloads[k]!.ready}/${workloads[k]!.desired})`).join(', ')}`,
    );
  for (const workload of pending)
    await capture(join('describe', `${safe(workload)}.txt`), [
      'describe',
      workload.toLowerCase(),
      '--namespace',
      namespace,
    ]);
  const pods = await kubectl.tryRun(['get', 'pods', '--namespace', namespace, '--output', 'json'], {
    timeoutMs: 30_000,
  });
  let podNames: string[] = [];
  try {
    const items = (JSON.parse(pods.stdout || '{"items":[]}') as PodList).items;
    podNames = items
      .filter(
        (p) =>
          p.status?.phase !== 'Succeeded' &&
          !(p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((p) => p.metadata.name)
      .slice(0, limits.maxPods);
  } catch (error) {
    errors.push(`pods: ${String(error)}`);
  }
  let logsUnavailable = '';
  for (const pod of podNames) {
    await capture(join('describe', `Pod_${safe(pod)}.txt`), [
      'describe',
      'pod',
      pod,
      '--namespace',
      namespace,
    ]);
    const logs = await capture(join('logs', `${safe(pod)}.log`), [
      'logs',
      pod,
      '--namespace',
      namespace,
      '--all-containers',
      '--prefix',
      '--tail',
      String(limits.tailLines),
    ]);
    if (logs.exitCode !== 0) logsUnavailable = logs.stderr.trim().split('\n')[0] ?? '';
  }
  if (logsUnavailable) {
    // kwok and other simulated nodes run no containers: there are no logs to give.
    writeFileSync(
      join(dir, 'logs', 'NOTE.txt'),
      `Pod logs could not be read (${redact(logsUnavailable)}). On clusters whose nodes run no real containers (kwok, virtual kubelets) there are none.\n`,
    );
  }
  if (helm && release) {
    await capture('helm-status.txt', ['status', release, '--namespace', namespace, '--show-resources'], helm);
    const history = await capture(
      'helm-history.txt',
      ['history', release, '--namespace', namespace, '--max', '10'],
      helm,
    );
    const lines = readFileSync(join(dir, 'helm-history.txt'), 'utf8').trim().split('\n');
    if (history.exitCode === 0 && lines.length > 1)
      excerpt.push('Helm history:', ...lines.slice(-4).map((l) => `  ${l}`));
  }
  if (errors.length > 0) writeFileSync(join(dir, 'errors.txt'), redact(errors.join('\n')));
  return { dir, files: listFiles(dir), excerpt: redact(excerpt.join('\n')), services: {} };
}
