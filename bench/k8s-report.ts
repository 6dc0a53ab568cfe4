/** Measure 3's figures (deploy-namespace + post vs raw kubectl + Helm) and their text and Markdown. */
import type { K8sBenchResult, K8sSetup } from './k8s-bench.js';
import { K8S_CHART } from './k8s-bench.js';
import {
  markdownTable,
  median,
  millis,
  type SummaryMs,
  seconds,
  summarize,
  textTable,
  verdict,
} from './stats.js';

/** Target for measure 3: median(deploy-namespace + post) / median(raw) at most this. */
export const K8S_TARGET_RATIO = 1.2;

/** Measure 3's figures. */
export interface K8sFigures {
  runs: number;
  warmupRuns: number;
  rawCommands: string[];
  helm: string;
  helmVersion: string;
  kubectlVersion: string;
  cluster: string;
  raw: SummaryMs;
  action: SummaryMs;
  ratio: number;
  pass: boolean;
  parts: {
    createMs: number;
    helmMs: number;
    deleteMs: number;
    mainMs: number;
    postMs: number;
    harnessMs: number;
  };
  perRun: Array<{ rawMs: number; actionMs: number }>;
  leftBehind: string;
  setup: K8sSetup;
}

/** Computes measure 3's figures. */
export function k8sFigures(
  result: K8sBenchResult,
  options: { runs: number; warmupRuns: number; helm: string; cluster: string; setup: K8sSetup },
): K8sFigures {
  const raw = summarize(result.raw.map((r) => r.totalMs));
  const action = summarize(result.action.map((a) => a.totalMs));
  const ratio = action.medianMs / raw.medianMs;
  return {
    runs: options.runs,
    warmupRuns: options.warmupRuns,
    rawCommands: result.rawCommands,
    helm: options.helm,
    helmVersion: result.helmVersion,
    kubectlVersion: result.kubectlVersion,
    cluster: options.cluster,
    raw,
    action,
    ratio,
    pass: ratio <= K8S_TARGET_RATIO,
    parts: {
      createMs: median(result.raw.map((r) => r.createMs)),
      helmMs: median(result.raw.map((r) => r.helmMs)),
      deleteMs: median(result.raw.map((r) => r.deleteMs)),
      mainMs: median(result.action.map((a) => a.mainMs)),
      postMs: median(result.action.map((a) => a.postMs)),
      harnessMs: median(result.action.map((a) => a.totalMs - a.mainMs - a.postMs)),
    },
    perRun: result.raw.map((r, i) => ({ rawMs: r.totalMs, actionMs: result.action[i]?.totalMs ?? NaN })),
    leftBehind: result.leftBehind,
    setup: options.setup,
  };
}

function rows(k: K8sFigures): string[][] {
  return [
    ['side', 'median', 'min', 'max', 'runs'],
    [
      'raw: create ns + helm upgrade --install --wait + delete ns --wait',
      seconds(k.raw.medianMs),
      seconds(k.raw.minMs),
      seconds(k.raw.maxMs),
      String(k.raw.n),
    ],
    [
      'deploy-namespace + post (runJob)',
      seconds(k.action.medianMs),
      seconds(k.action.minMs),
      seconds(k.action.maxMs),
      String(k.action.n),
    ],
  ];
}

function partRows(k: K8sFigures): string[][] {
  const p = k.parts;
  return [
    ['part (median of each)', 'raw', 'deploy-namespace'],
    [
      'deploy: create ns + helm upgrade --install --wait  vs  main step',
      seconds(p.createMs + p.helmMs),
      seconds(p.mainMs),
    ],
    ['└ raw: kubectl create namespace', millis(p.createMs), ''],
    ['└ raw: helm upgrade --install --wait', seconds(p.helmMs), ''],
    ['remove: kubectl delete namespace --wait  vs  post step', seconds(p.deleteMs), seconds(p.postMs)],
    ['harness: job set-up, file commands between steps', '', millis(p.harnessMs)],
  ];
}

/** Set-up rows: measured warm set-up of this run, recorded cold build. */
function setupRows(s: K8sSetup): string[][] {
  return [
    ['cluster set-up', 'time', 'source'],
    [
      'warm `scripts/k8s/setup.sh` (cached tools, cluster up, smoke test)',
      s.measuredSetupMs === null ? 'n/a' : seconds(s.measuredSetupMs),
      s.measuredSetupMs === null
        ? 'not measured (cluster not brought up by scripts/bench.sh)'
        : '**measured in this run** by scripts/bench.sh',
    ],
    [
      'cold tools build (`scripts/k8s/build-tools.sh` from empty caches)',
      s.recordedColdBuildMs === null ? 'n/a' : seconds(s.recordedColdBuildMs),
      s.recordedColdBuildMs === null
        ? 'no record in the tools cache'
        : `**recorded, not measured in this run**: sum of \`cold_seconds\` in the tools cache's \`stamps/\` (built ${s.recordedColdBuilt ?? '?'})`,
    ],
    [
      'cold `scripts/k8s/setup.sh` total (build + up + smoke)',
      '992.8 s (16m33s)',
      '**recorded, not measured in this run**: docs/k8s-test-cluster.md, "Measured timings", cold run 2',
    ],
  ];
}

/** Plain-text lines for stdout. */
export function renderK8sText(k: K8sFigures): string[] {
  const s = k.setup;
  return [
    `3. deploy-namespace + post vs raw kubectl + helm — ${K8S_CHART} on the kwok cluster ${k.cluster}, ${k.runs} run(s) per side, interleaved raw/action, ${k.warmupRuns} warm-up pair(s) not counted; ${k.helmVersion} on both sides`,
    `   raw: ${k.rawCommands.join(' && ')}`,
    '',
    textTable(rows(k)),
    '',
    `ratio median(deploy-namespace+post) / median(raw) = ${k.ratio.toFixed(3)}   target ≤ ${K8S_TARGET_RATIO}   ${verdict(k.pass)} (informational)`,
    '',
    textTable(partRows(k)),
    '',
    `left behind: ${k.leftBehind}`,
    `cluster set-up: warm setup.sh ${s.measuredSetupMs === null ? 'not measured' : `${seconds(s.measuredSetupMs)} (measured in this run)`}${s.setupLine ? ` — ${s.setupLine}` : ''}; cold tools build ${s.recordedColdBuildMs === null ? 'n/a' : seconds(s.recordedColdBuildMs)} (recorded in the tools cache, not measured in this run)`,
    '',
  ];
}

/** The summary-table row. */
export function k8sSummaryRow(k: K8sFigures): string[] {
  return [
    'deploy-namespace + post vs raw kubectl + Helm',
    `ratio of medians ${k.ratio.toFixed(3)} (${seconds(k.action.medianMs)} / ${seconds(k.raw.medianMs)})`,
    `≤ ${K8S_TARGET_RATIO}`,
    verdict(k.pass),
  ];
}

/** The Markdown section. */
export function renderK8sMarkdown(k: K8sFigures): string[] {
  const s = k.setup;
  return [
    '## 3. deploy-namespace + post vs raw kubectl + Helm',
    '',
    `On the test chart \`${K8S_CHART}\` (a 2-replica Deployment, Service, Ingress, ConfigMap and a post-install hook Job) against the kwok test cluster of scripts/k8s (\`${k.cluster}\`, brought up for this run and deleted at its end; kubectl ${k.kubectlVersion}), ${k.runs} run(s) per side, **interleaved** (raw, action, raw, action, …); ${k.warmupRuns} warm-up pair(s) before them were not counted. Both sides use the same Helm binary (\`EPHEMERAL_HELM3\`, ${k.helmVersion}).`,
    '',
    `- **deploy-namespace + post:** \`runJob\` with the single step \`deploy-namespace\` (\`chart: ${K8S_CHART}\`, \`helm: $EPHEMERAL_HELM3\`, \`timeout: 2m\`, everything else at its default — so \`cleanup: always\`), wall time from the start of \`runJob\` to its end: main (namespace apply with labels, ResourceQuota, LimitRange, \`helm upgrade --install --wait --atomic\`, workload read-back, report) and the post step (\`helm uninstall\`, \`kubectl delete namespace --wait\`).`,
    `- **raw:** \`${k.rawCommands[0]}\`, \`${k.rawCommands[1]}\`, \`${k.rawCommands[2]}\`; wall time of the three.`,
    '',
    markdownTable(rows(k)),
    '',
    `**Ratio** median(deploy-namespace + post) / median(raw) = **${k.ratio.toFixed(3)}**, target ≤ ${K8S_TARGET_RATIO}: **${verdict(k.pass)}** (informational).`,
    '',
    '### Where the time goes',
    '',
    markdownTable(partRows(k)),
    '',
    '### Per run',
    '',
    markdownTable([
      ['run', 'raw', 'deploy-namespace + post', 'ratio'],
      ...k.perRun.map((p, i) => [
        String(i + 1),
        seconds(p.rawMs),
        seconds(p.actionMs),
        (p.actionMs / p.rawMs).toFixed(3),
      ]),
    ]),
    '',
    '### Cluster set-up',
    '',
    markdownTable(setupRows(s)),
    '',
    ...(s.setupLine ? [`setup.sh's own summary for this run: \`${s.setupLine}\``, ''] : []),
    ...(s.recordedComponents.length
      ? [
          `Recorded cold build per component (tools cache stamps; not measured in this run): ${s.recordedComponents.map(([c, sec]) => `${c} ${sec} s`).join(', ')}. The cold build needs the Go module proxy; this bench never rebuilds the tools.`,
          '',
        ]
      : []),
    '### Method and caveats',
    '',
    "- **Which teardown:** the action side uses deploy-namespace's own post step (default `cleanup: always`) rather than `cleanup: never` followed by a `teardown` step with `mode: namespace`. It is the same work (helm uninstall, then delete the namespace and wait until it is gone), and it keeps the comparison to one action against one sequence of raw commands; a separate teardown step would add a third Node start and take `helm` from PATH (teardown has no `helm` input), so the Helm major would no longer be pinned by the bench.",
    "- **Not identical work:** the action also applies the namespace labels and annotations, a ResourceQuota and a LimitRange, runs Helm with `--atomic`, reads the workloads back and writes a report; its post runs `helm uninstall` before deleting the namespace. The raw side only creates the namespace, installs the chart and deletes the namespace (Helm's release secrets go with it).",
    `- **Namespace deletion dominates and is bimodal:** raw \`kubectl delete namespace --wait\` took ${seconds(k.parts.deleteMs)} (median) against ${seconds(k.parts.postMs)} for the whole post step. Deleting a namespace that still holds a Deployment and its pods can make the namespace controller go round more than once (about 5 s or about 10 s in the runs seen while building this bench); the post step runs \`helm uninstall\` first, so the namespace is nearly empty when it is deleted. That, not less work, is why the action side can come out faster than raw; compare the per-run figures.`,
    "- **kwok:** pods are marked Running/Ready by kwok without real containers, so the figures are dominated by API round-trips, Helm's polling and namespace finalization, not by image pulls or container start-up; on a real cluster both sides would grow by the same rollout time and the ratio would move towards 1.",
    `- **Namespaces** are unique per run (\`bench-raw-k8s-<id>-<n>\`; deploy-namespace derives \`benchk8s-pr-<n>-<hash>\` from a fake PR number); each is checked to be gone after its run. **Left behind:** ${k.leftBehind}.`,
    `- Small samples (${k.runs} per side) on a shared machine: read the medians, not single runs.`,
    '',
  ];
}
