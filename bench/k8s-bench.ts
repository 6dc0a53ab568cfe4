/**
 * Measure 3: deploy-namespace + its post step (under the runner harness) versus the raw kubectl + Helm
 * commands a workflow would otherwise run, on the test chart test/k8s/fixtures/chart, against the kwok
 * test cluster (scripts/k8s), interleaved (raw, action, raw, action, …).
 *
 * - action side: `runJob` with the single step `deploy-namespace` (`chart: test/k8s/fixtures/chart`,
 *   `helm: $EPHEMERAL_HELM3`, `timeout: 2m`, `cleanup` at its default `always`), so its post step does the
 *   teardown (helm uninstall, kubectl delete namespace --wait). Wall time from the start of `runJob` to
 *   its end.
 * - raw side: `kubectl create namespace <ns>`, `helm upgrade --install preview <chart> -n <ns> --wait
 *   --timeout 2m`, `kubectl delete namespace <ns> --wait`, with the same helm binary; wall time of the three.
 *
 * Every namespace has a unique name, is deleted in a `finally` when something failed, and is checked to be
 * gone at the end.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deriveIdentity } from '../actions/shared/src/environment/identity.js';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';
import { type TimedRun, timed } from './docker.js';

/** The chart, relative to the repository root. */
export const K8S_CHART = 'test/k8s/fixtures/chart';
/** Repository the action side pretends to run for; namespaces become `benchk8s-pr-<n>-<hash6>`. */
const REPOSITORY = 'acme/benchk8s';
const STEP_TIMEOUT_MS = 5 * 60_000;

/** One raw run. */
export interface RawK8sRun {
  namespace: string;
  totalMs: number;
  createMs: number;
  helmMs: number;
  deleteMs: number;
}

/** One deploy-namespace + post run. */
export interface ActionK8sRun {
  namespace: string;
  totalMs: number;
  mainMs: number;
  postMs: number;
}

/** Options for the Kubernetes comparison. */
export interface K8sBenchOptions {
  runs: number;
  warmupRuns: number;
  node: string;
  actionsRoot: string;
  /** The helm binary both sides use (Helm 3). */
  helm: string;
  log: (line: string) => void;
}

/** The comparison's result. */
export interface K8sBenchResult {
  raw: RawK8sRun[];
  action: ActionK8sRun[];
  rawCommands: string[];
  helmVersion: string;
  kubectlVersion: string;
  namespaces: string[];
  leftBehind: string;
}

function fail(what: string, run: TimedRun): Error {
  return new Error(
    `${what} exited ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}: ${run.stderr.trim().slice(-1500)}`,
  );
}

/** Whether namespace `ns` still exists (any phase). */
async function namespaceExists(ns: string): Promise<boolean> {
  const r = await timed(['kubectl', 'get', 'namespace', ns, '--ignore-not-found', '-o', 'name'], {
    timeoutMs: 30_000,
  });
  return r.exitCode !== 0 || r.stdout.trim() !== '';
}

/** Best-effort removal of a namespace a failed run left (Helm releases go with it). */
async function forceDelete(ns: string): Promise<void> {
  await timed(['kubectl', 'delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=2m'], {
    timeoutMs: 150_000,
  });
}

async function version(argv: string[]): Promise<string> {
  const r = await timed(argv, { timeoutMs: 30_000 });
  return r.exitCode === 0 ? r.stdout.trim().split('\n')[0]!.trim() : 'unknown';
}

/** `client v1.x, server v1.y` of kubectl and the cluster. */
async function kubectlVersion(): Promise<string> {
  const r = await timed(['kubectl', 'version', '-o', 'json'], { timeoutMs: 30_000 });
  try {
    const v = JSON.parse(r.stdout) as {
      clientVersion?: { gitVersion?: string };
      serverVersion?: { gitVersion?: string };
    };
    return `client ${v.clientVersion?.gitVersion ?? '?'}, server ${v.serverVersion?.gitVersion ?? '?'}`;
  } catch {
    return 'unknown';
  }
}

/** Runs the comparison. Removes every namespace it created, also when it fails. */
export async function benchK8s(options: K8sBenchOptions, active: Set<string>): Promise<K8sBenchResult> {
  const id = randomBytes(3).toString('hex');
  const namespaces: string[] = [];
  const prBase = 100_000 + Math.floor(Math.random() * 800_000) * 10;
  let prIndex = 0;
  let rawIndex = 0;

  const rawRun = async (): Promise<RawK8sRun> => {
    const ns = `bench-raw-k8s-${id}-${++rawIndex}`;
    namespaces.push(ns);
    active.add(ns);
    let ok = false;
    try {
      const create = await timed(['kubectl', 'create', 'namespace', ns], { timeoutMs: 60_000 });
      if (create.exitCode !== 0) throw fail('kubectl create namespace', create);
      const helm = await timed(
        [options.helm, 'upgrade', '--install', 'preview', K8S_CHART, '-n', ns, '--wait', '--timeout', '2m'],
        { timeoutMs: STEP_TIMEOUT_MS, cwd: repoRoot },
      );
      if (helm.exitCode !== 0) throw fail('helm upgrade --install --wait', helm);
      const del = await timed(['kubectl', 'delete', 'namespace', ns, '--wait=true', '--timeout=3m'], {
        timeoutMs: STEP_TIMEOUT_MS,
      });
      if (del.exitCode !== 0) throw fail('kubectl delete namespace --wait', del);
      ok = true;
      return {
        namespace: ns,
        totalMs: create.durationMs + helm.durationMs + del.durationMs,
        createMs: create.durationMs,
        helmMs: helm.durationMs,
        deleteMs: del.durationMs,
      };
    } finally {
      if (!ok) await forceDelete(ns);
      active.delete(ns);
    }
  };

  const actionRun = async (): Promise<ActionK8sRun> => {
    const pr = prBase + ++prIndex;
    const ns = deriveIdentity({ repository: REPOSITORY, prNumber: pr, ref: '', explicitName: '' }).name;
    namespaces.push(ns);
    active.add(ns);
    const head = randomBytes(20).toString('hex');
    let ok = false;
    try {
      const start = performance.now();
      const job = await runJob({
        repository: REPOSITORY,
        sha: head,
        workspace: repoRoot,
        node: options.node,
        actionsRoot: options.actionsRoot,
        event: pullRequestEvent(pr, head, { headRef: 'bench' }),
        steps: [
          {
            id: 'deploy',
            uses: 'deploy-namespace',
            with: { chart: K8S_CHART, helm: options.helm, timeout: '2m' },
          },
        ],
      });
      const totalMs = performance.now() - start;
      try {
        const main = job.steps.find((s) => s.id === 'deploy' && s.phase === 'main');
        const post = job.steps.find((s) => s.id === 'deploy' && s.phase === 'post');
        const name = job.outputs('deploy').namespace;
        if (job.status !== 'success' || post?.outcome !== 'success' || name !== ns) {
          throw new Error(
            `deploy-namespace job ${job.status} (post ${post?.outcome}, namespace ${name} vs ${ns}):\n${job.logText().slice(-4000)}`,
          );
        }
        // the post step warns (never fails) when it cannot remove the namespace: check it is gone
        if (await namespaceExists(ns))
          throw new Error(`deploy-namespace post left namespace ${ns}:\n${post.stdout.slice(-2000)}`);
        ok = true;
        return { namespace: ns, totalMs, mainMs: main!.durationMs, postMs: post.durationMs };
      } finally {
        await job.cleanup();
      }
    } finally {
      if (!ok) await forceDelete(ns);
      active.delete(ns);
    }
  };

  const raw: RawK8sRun[] = [];
  const action: ActionK8sRun[] = [];
  try {
    for (let i = 1; i <= options.warmupRuns; i++) {
      options.log(`k8s warm-up ${i}/${options.warmupRuns} (not counted): raw, then deploy-namespace`);
      await rawRun();
      await actionRun();
    }
    for (let i = 1; i <= options.runs; i++) {
      const r = await rawRun();
      options.log(
        `k8s run ${i}/${options.runs}  raw ${(r.totalMs / 1000).toFixed(2)} s (create ${(r.createMs / 1000).toFixed(2)} s, helm ${(r.helmMs / 1000).toFixed(2)} s, delete ${(r.deleteMs / 1000).toFixed(2)} s)`,
      );
      raw.push(r);
      const a = await actionRun();
      options.log(
        `k8s run ${i}/${options.runs}  deploy-namespace+post ${(a.totalMs / 1000).toFixed(2)} s (main ${(a.mainMs / 1000).toFixed(2)} s, post ${(a.postMs / 1000).toFixed(2)} s)`,
      );
      action.push(a);
    }
  } finally {
    for (const ns of namespaces) if (active.has(ns)) await forceDelete(ns);
  }
  const left: string[] = [];
  for (const ns of namespaces) if (await namespaceExists(ns)) left.push(ns);
  return {
    raw,
    action,
    rawCommands: [
      'kubectl create namespace <ns>',
      `helm upgrade --install preview ${K8S_CHART} -n <ns> --wait --timeout 2m`,
      'kubectl delete namespace <ns> --wait=true --timeout=3m',
    ],
    helmVersion: await version([options.helm, 'version', '--short']),
    kubectlVersion: await kubectlVersion(),
    namespaces,
    leftBehind: left.length ? `namespaces ${left.join(', ')}` : 'nothing',
  };
}

/** Cluster set-up figures for the report. */
export interface K8sSetup {
  /** Wall time of scripts/k8s/setup.sh measured by scripts/bench.sh for this run, or null. */
  measuredSetupMs: number | null;
  /** setup.sh's own summary line (tools / cluster up / smoke), when bench.sh captured it. */
  setupLine: string | null;
  /** Cold tools build recorded in the tools cache (sum of the stamps' cold_seconds), or null. */
  recordedColdBuildMs: number | null;
  /** When those components were built (first … last stamp). */
  recordedColdBuilt: string | null;
  /** Per component: name → cold seconds. */
  recordedComponents: Array<[string, number]>;
}

/** Reads the set-up figures: bench.sh's measurement (env) and the tools cache's stamps. */
export function k8sSetup(): K8sSetup {
  const ms = Number(process.env.EPHEMERAL_BENCH_K8S_SETUP_MS);
  const setup: K8sSetup = {
    measuredSetupMs: Number.isFinite(ms) && ms > 0 ? ms : null,
    setupLine: process.env.EPHEMERAL_BENCH_K8S_SETUP_LINE || null,
    recordedColdBuildMs: null,
    recordedColdBuilt: null,
    recordedComponents: [],
  };
  const bin = process.env.EPHEMERAL_K8S_BIN;
  const stamps = bin ? join(dirname(bin), 'stamps') : '';
  if (!stamps || !existsSync(stamps)) return setup;
  let total = 0;
  const dates: string[] = [];
  for (const name of readdirSync(stamps).sort()) {
    const text = readFileSync(join(stamps, name), 'utf8');
    const s = Number(/^cold_seconds=(.*)$/m.exec(text)?.[1]);
    const built = /^built=(.*)$/m.exec(text)?.[1];
    if (!Number.isFinite(s)) continue;
    total += s;
    setup.recordedComponents.push([name, s]);
    if (built) dates.push(built);
  }
  if (setup.recordedComponents.length) {
    setup.recordedColdBuildMs = total * 1000;
    dates.sort();
    setup.recordedColdBuilt = dates.length ? `${dates[0]} … ${dates[dates.length - 1]}` : null;
  }
  return setup;
}
