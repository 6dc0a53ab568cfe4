/**
 * Turns the raw measurements into figures (medians, ratios, PASS/MISS against the targets) and renders
 * them twice: a plain-text table for stdout and the Markdown of docs/benchmarks.md.
 */
import type { ComposeBenchResult, RawPorts } from './compose-bench.js';
import { COMPOSE_EVENT_TARGET_MS } from './compose-latency.js';
import { type K8sFigures, k8sSummaryRow, renderK8sMarkdown, renderK8sText } from './k8s-report.js';
import { FLIP_WINDOW_MS, type LatencySeries, widestStraddlingGapMs } from './latency-bench.js';
import type { MachineInfo } from './machine.js';
import { ROLLOUT_EVENT_TARGET_MS } from './rollout-latency.js';
import type { Stack } from './stacks.js';
import type { StartupResult } from './startup-bench.js';
import { renderStartupMarkdown, renderStartupText, startupSummaryRow } from './startup-report.js';
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
import type { CallGroup, StartupCost } from './trace.js';

/** Target for measure 1 (issue 12: at raw Compose or below): median(provision + post) / median(raw). */
export const TARGET_RATIO = 1.0;
/** Target for measure 2 (polled probes, fixed interval; issue 12): latency at most interval + this many ms. */
export const LATENCY_SLACK_MS = 50;

/** Measure 1's figures. */
export interface ComposeFigures {
  stack: Stack;
  runs: number;
  warmupRuns: number;
  rawPorts: RawPorts;
  rawCommands: string[];
  raw: SummaryMs;
  provision: SummaryMs;
  ratio: number;
  pass: boolean;
  /** Medians of the parts (ms), for "where the time goes". */
  parts: {
    rawUpMs: number;
    rawDownMs: number;
    mainMs: number;
    configMs: number;
    upMs: number;
    waitMs: number;
    mainOtherMs: number;
    postMs: number;
    teardownMs: number;
    postOtherMs: number;
    harnessMs: number;
  };
  upWaitExitCodes: Array<number | null>;
  perRun: Array<{ rawMs: number; provisionMs: number }>;
  prebuildMs: number;
  leftBehind: string;
  /** The traced, untimed run: docker calls per phase and kind. */
  trace: {
    totalMs: number;
    mainMs: number;
    postMs: number;
    calls: number;
    groups: CallGroup[];
    startup: StartupCost | null;
  } | null;
}

/** One latency series' figures. */
export interface LatencyFigures {
  label: string;
  /** True for the series the target applies to (fixed interval, or event-backed). */
  isTarget: boolean;
  /** An event-backed series (its target is a fixed number of ms, not interval-bound). */
  event: boolean;
  latency: SummaryMs;
  /** The bound compared with: interval + 100 ms (target), or the backoff schedule's widest gap + 100 ms. */
  boundMs: number;
  boundLabel: string;
  pass: boolean;
  requestsMedian: number;
  timeToReadyMedianMs: number;
  perTrialMs: number[];
}

/** Computes measure 1's figures. */
export function composeFigures(
  result: ComposeBenchResult,
  options: { runs: number; warmupRuns: number; rawPorts: RawPorts },
): ComposeFigures {
  const raw = summarize(result.raw.map((r) => r.totalMs));
  const provision = summarize(result.provision.map((p) => p.totalMs));
  const ratio = provision.medianMs / raw.medianMs;
  const phase = (name: string) => median(result.provision.map((p) => p.phasesMs[name] ?? 0));
  const med = (f: (p: ComposeBenchResult['provision'][number]) => number) => median(result.provision.map(f));
  return {
    stack: result.stack,
    runs: options.runs,
    warmupRuns: options.warmupRuns,
    rawPorts: options.rawPorts,
    rawCommands: result.rawCommands,
    raw,
    provision,
    ratio,
    pass: ratio <= TARGET_RATIO,
    parts: {
      rawUpMs: median(result.raw.map((r) => r.upMs)),
      rawDownMs: median(result.raw.map((r) => r.downMs)),
      mainMs: med((p) => p.mainMs),
      configMs: phase('config'),
      upMs: phase('up'),
      waitMs: phase('wait'),
      mainOtherMs: med(
        (p) => p.mainMs - (p.phasesMs.config ?? 0) - (p.phasesMs.up ?? 0) - (p.phasesMs.wait ?? 0),
      ),
      postMs: med((p) => p.postMs),
      teardownMs: phase('teardown'),
      postOtherMs: med((p) => p.postMs - (p.phasesMs.teardown ?? 0)),
      harnessMs: med((p) => p.totalMs - p.mainMs - p.postMs),
    },
    upWaitExitCodes: result.raw.map((r) => r.upExitCode),
    perRun: result.raw.map((r, i) => ({
      rawMs: r.totalMs,
      provisionMs: result.provision[i]?.totalMs ?? NaN,
    })),
    prebuildMs: result.prebuildMs,
    leftBehind: result.leftBehind,
    trace: result.trace
      ? {
          totalMs: result.trace.run.totalMs,
          mainMs: result.trace.run.mainMs,
          postMs: result.trace.run.postMs,
          calls: result.trace.calls,
          groups: result.trace.groups,
          startup: result.trace.startup,
        }
      : null,
  };
}

/** Computes measure 2's figures for each series. */
export function latencyFigures(series: LatencySeries[]): LatencyFigures[] {
  return series.map((s) => {
    const event = s.eventTargetMs !== undefined;
    const isTarget = event || s.timing.backoff === 1;
    const latency = summarize(s.trials.map((t) => t.latencyMs));
    const boundMs =
      s.eventTargetMs ??
      (isTarget
        ? s.timing.intervalMs + LATENCY_SLACK_MS
        : widestStraddlingGapMs(s.timing) + LATENCY_SLACK_MS);
    return {
      label: s.label,
      isTarget,
      event,
      latency,
      boundMs,
      boundLabel: event
        ? `target (event-backed): max ≤ ${millis(boundMs)}`
        : isTarget
          ? `target: max ≤ interval + ${LATENCY_SLACK_MS} ms = ${millis(boundMs)}`
          : `schedule bound (not the target): max ≤ widest attempt gap that can straddle the flip + ${LATENCY_SLACK_MS} ms = ${millis(boundMs)}`,
      pass: latency.maxMs <= boundMs,
      requestsMedian: median(s.trials.map((t) => t.requests)),
      timeToReadyMedianMs: median(s.trials.map((t) => t.timeToReadyMs)),
      perTrialMs: s.trials.map((t) => t.latencyMs),
    };
  });
}

/** Everything one benchmark run produced. */
export interface BenchReport {
  date: string;
  command: string;
  machine: MachineInfo;
  /** Which bundles ran: snapshot digest and git state. */
  actions: string;
  /** Running containers of other projects on the engine, at the start and at the end. */
  otherContainers: { start: number; end: number };
  /** 1-minute load average at the start and at the end. */
  loadAverage: { start: number; end: number };
  /** One entry per stack measured (measure 1). */
  compose: ComposeFigures[];
  /** Each action's start-up and bundle size, or null when not run. */
  startup: StartupResult | null;
  latency: LatencyFigures[] | null;
  /** deploy-namespace + post vs raw kubectl + Helm, or null when not run. */
  k8s: K8sFigures | null;
  intervalMs: number;
  latencyRuns: number;
  durationMs: number;
}

/** True when the load average exceeded the CPU count at the start or the end. */
function busy(r: BenchReport): boolean {
  return Math.max(r.loadAverage.start, r.loadAverage.end) > r.machine.nproc;
}

function exitCodes(codes: Array<number | null>): string {
  const nonZero = codes.filter((c) => c !== 0).length;
  return nonZero === 0
    ? `exited 0 in all ${codes.length} runs`
    : `exited non-zero in ${nonZero} of ${codes.length} runs (${codes.join(', ')}) although the stack was ready`;
}

function composeRows(c: ComposeFigures): string[][] {
  return [
    ['side', 'median', 'min', 'max', 'runs'],
    [
      'raw: up -d --wait + down -v',
      seconds(c.raw.medianMs),
      seconds(c.raw.minMs),
      seconds(c.raw.maxMs),
      String(c.raw.n),
    ],
    [
      'provision-compose + post (runJob)',
      seconds(c.provision.medianMs),
      seconds(c.provision.minMs),
      seconds(c.provision.maxMs),
      String(c.provision.n),
    ],
  ];
}

function partRows(c: ComposeFigures): string[][] {
  const p = c.parts;
  const delta = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${millis(a - b)}`;
  return [
    ['part (median of each)', 'raw', 'provision-compose', 'difference'],
    ['start: up -d --wait  vs  main step', seconds(p.rawUpMs), seconds(p.mainMs), delta(p.mainMs, p.rawUpMs)],
    ['└ main: Compose detection ∥ docker compose config ∥ ownership', '', millis(p.configMs), ''],
    [
      '└ main: docker compose up -d (incl. cached build), or `up --no-start` + the ordered start',
      '',
      seconds(p.upMs),
      '',
    ],
    ['└ main: wait (woken by Docker events)', '', millis(p.waitMs), ''],
    ['└ main: rest (Node start, fingerprint, GitHub, report)', '', millis(p.mainOtherMs), ''],
    ['stop: down -v  vs  post step', seconds(p.rawDownMs), seconds(p.postMs), delta(p.postMs, p.rawDownMs)],
    ['└ post: teardown (inventory, removal; re-inventory after a failure)', '', millis(p.teardownMs), ''],
    ['└ post: rest (Node start, GitHub "torn down", report)', '', millis(p.postOtherMs), ''],
    ['harness: job set-up, file commands between steps', '', millis(p.harnessMs), `+${millis(p.harnessMs)}`],
  ];
}

function traceRows(t: NonNullable<ComposeFigures['trace']>): string[][] {
  const rows: string[][] = [['step', 'docker call', 'calls', 'total']];
  for (const g of t.groups) rows.push([g.phase, g.kind, String(g.calls), millis(g.totalMs)]);
  for (const phase of ['main', 'post'] as const) {
    const groups = t.groups.filter((g) => g.phase === phase);
    const docker = groups.reduce((sum, g) => sum + g.totalMs, 0);
    const step = phase === 'main' ? t.mainMs : t.postMs;
    rows.push([
      phase,
      `all docker calls / whole step (rest: Node, JS, reports)`,
      String(groups.reduce((sum, g) => sum + g.calls, 0)),
      `${millis(docker)} / ${millis(step)} (rest ${millis(step - docker)})`,
    ]);
  }
  return rows;
}

/** Where provision-compose's extra time comes from, in sentences computed from the figures. */
function findings(c: ComposeFigures): string[] {
  const p = c.parts;
  const overhead = c.provision.medianMs - c.raw.medianMs;
  const sign = (ms: number) => `${ms >= 0 ? '+' : '−'}${millis(Math.abs(ms))}`;
  const out = [
    `provision-compose + post took ${sign(overhead)} (${((c.ratio - 1) * 100).toFixed(1)} %) over raw Compose, median against median.`,
    `Start (${sign(p.mainMs - p.rawUpMs)}): the main step spends ${millis(p.configMs)} resolving the model (\`docker compose config\`, which the isolation guard reads, beside Compose detection and the ownership look-up) and ${millis(p.mainOtherMs)} outside Compose's work (Node start-up and bundle load, the fingerprint, the GitHub re-check, asked beside \`up\` since issue 12, the deployment and comment, report and summary); getting to healthy (\`up -d\` ${seconds(p.upMs)}, on a stack whose services wait for healthy or completed dependencies \`up --no-start\` and the ordered start, each service started the moment its dependencies hold where Compose checks every 500 ms (compose/ordered-start.ts), + the wait, one inspect of the containers per look over the Engine API's socket, woken by the engine's events, ${millis(p.waitMs)}) is ${sign(p.upMs + p.waitMs - p.rawUpMs)} against Compose's own \`up --wait\` (${seconds(p.rawUpMs)}).`,
  ];
  const listing = c.trace?.groups.filter(
    (g) => g.phase === 'post' && g.kind !== 'compose down' && g.kind !== 'compose version',
  );
  const listed = listing?.length
    ? ` — in the traced run the post made ${listing.reduce((n, g) => n + g.calls, 0)} docker calls, ${millis(listing.reduce((n, g) => n + g.totalMs, 0))} summed (several run at once)`
    : c.trace
      ? ' — in the traced run the post started no docker process (its removals are Engine API requests since issue 12, compose/engine-writes.ts)'
      : '';
  out.push(
    `Stop (${sign(p.postMs - p.rawDownMs)}): the post step's teardown takes ${seconds(p.teardownMs)} against ${seconds(p.rawDownMs)} for \`down -v\`: one label-filtered inventory (containers, networks, volumes and built images, listed at once through the Engine API's socket, no docker process, no inspect) is both the ownership check and the list of what to remove, then the engine removes them directly over the same socket (stop; containers and networks at once; volumes and images as soon as the containers are gone), with no \`compose down\`${listed}; the remaining ${millis(p.postOtherMs)} are Node start-up and bundle load, GitHub's "torn down" and the report.`,
  );
  const s = c.trace?.startup;
  if (s)
    out.push(
      `Start-up costs on this machine: Node 24 with the ${(s.postBundleBytes / 1024 ** 2).toFixed(1)} MB post.js bundle takes ${millis(s.postBundleMs)} to start, load and return (bare \`node -e 0\`: ${millis(s.bareNodeMs)}), paid by main and post alike; a Compose CLI call costs ~${millis(s.composeCliMs)} through the docker CLI (\`docker compose version\`)${s.composeDirectMs !== null && s.composeDirectMs !== undefined ? ` and ~${millis(s.composeDirectMs)} with the plugin's binary run directly, as the actions do` : ''}, a plain docker CLI call ~${millis(s.dockerCliMs)}.`,
    );
  return out;
}

function latencyRows(l: LatencyFigures[]): string[][] {
  return [
    ['series', 'median', 'min', 'max', 'trials', 'requests (median)', 'bound', 'verdict'],
    ...l.map((s) => [
      s.label,
      millis(s.latency.medianMs),
      millis(s.latency.minMs),
      millis(s.latency.maxMs),
      String(s.latency.n),
      String(s.requestsMedian),
      `${s.isTarget ? 'target' : 'schedule'} ≤ ${millis(s.boundMs)}`,
      s.isTarget ? verdict(s.pass) : `${verdict(s.pass)} (informational)`,
    ]),
  ];
}

/** The plain-text summary for stdout. */
export function renderText(r: BenchReport): string {
  const out: string[] = [];
  out.push(
    `ephemeral benchmarks — ${r.date}`,
    `machine: ${r.machine.nproc} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, ${r.machine.kernel}; docker ${r.machine.dockerEngine}, compose ${r.machine.compose}; actions on Node ${r.machine.actionsNode}`,
    `actions: ${r.actions}`,
    `other load: ${r.otherContainers.start} running container(s) of other projects at start, ${r.otherContainers.end} at end; 1-min load average ${r.loadAverage.start.toFixed(2)} at start, ${r.loadAverage.end.toFixed(2)} at end`,
    '',
  );
  for (const c of r.compose) {
    out.push(
      `1. provision-compose + post vs raw docker compose — ${c.stack.dir}, ${c.runs} run(s) per side, interleaved raw/provision, ${c.warmupRuns} warm-up pair(s) not counted`,
      `   raw: ${c.rawCommands.join(' && ')}`,
      '',
      textTable(composeRows(c)),
      '',
      `ratio median(provision+post) / median(raw) = ${c.ratio.toFixed(3)}   target ≤ ${TARGET_RATIO.toFixed(2)}   ${verdict(c.pass)}`,
      `raw up --wait ${exitCodes(c.upWaitExitCodes)}`,
      '',
      textTable(partRows(c)),
      '',
      `left behind: ${c.leftBehind}`,
      '',
    );
    out.push('where the overhead comes from:', ...findings(c).map((f) => `- ${f.replace(/`/g, '')}`), '');
    if (c.trace)
      out.push(
        `docker calls of one extra traced provision-compose run (not counted; ${seconds(c.trace.totalMs)} in all, the wrapper adds a few ms per call):`,
        '',
        textTable(traceRows(c.trace)),
        '',
      );
  }
  if (r.latency) {
    out.push(
      `2. wait-ready detection latency — local HTTP server flips 503 → 200 at a random moment ${FLIP_WINDOW_MS.from / 1000}–${FLIP_WINDOW_MS.to / 1000} s after the first request; ${r.latencyRuns} trials per series, interleaved`,
      '',
      textTable(latencyRows(r.latency)),
      '',
    );
    for (const s of r.latency) out.push(`${s.label}: ${s.boundLabel} → ${verdict(s.pass)}`);
    out.push('');
  }
  if (r.startup) out.push(...renderStartupText(r.startup));
  if (r.k8s) out.push(...renderK8sText(r.k8s));
  out.push(`total bench time ${seconds(r.durationMs)}`);
  return out.join('\n');
}

/** The Markdown of docs/benchmarks.md. */
export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const md: string[] = [];
  md.push(
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts); overwritten on every run. Do not edit by hand. -->',
    '',
    `- **Date:** ${r.date}`,
    `- **Command:** \`${r.command}\``,
    `- **Machine:** ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, ${m.kernel}`,
    `- **Docker:** engine ${m.dockerEngine}, Compose ${m.compose}`,
    `- **Node:** actions on ${m.actionsNode} (\`EPHEMERAL_TEST_NODE\`, as \`runs.using: node24\`); bench and harness on ${m.benchNode}`,
    `- **Images:** ${m.standIns.length ? `${m.standIns.join(', ')} are local stand-ins built by scripts/machine/build-images.sh (no registry reachable), not the official images` : 'the official base images'}`,
    `- **Actions:** ${r.actions}`,
    `- **Other load:** ${r.otherContainers.start} running container(s) of other projects on the engine at the start, ${r.otherContainers.end} at the end; 1-minute load average ${r.loadAverage.start.toFixed(2)} at the start, ${r.loadAverage.end.toFixed(2)} at the end (${m.nproc} CPUs)`,
    `- **Total bench time:** ${seconds(r.durationMs)}`,
    '',
    '## Summary',
    '',
  );
  const summary: string[][] = [['measure', 'figure', 'target', 'verdict']];
  for (const c of r.compose)
    summary.push([
      `provision-compose + post vs raw Compose, ${c.stack.id}`,
      `ratio of medians ${c.ratio.toFixed(3)} (${seconds(c.provision.medianMs)} / ${seconds(c.raw.medianMs)})`,
      `≤ ${TARGET_RATIO.toFixed(2)}`,
      verdict(c.pass),
    ]);
  if (r.startup) summary.push(startupSummaryRow(r.startup));
  for (const s of r.latency ?? [])
    summary.push([
      `${s.event ? '' : 'wait-ready '}detection latency, ${s.label}`,
      `median ${millis(s.latency.medianMs)}, max ${millis(s.latency.maxMs)}`,
      s.event
        ? `max ≤ ${millis(s.boundMs)}`
        : s.isTarget
          ? `max ≤ ${millis(s.boundMs)} (interval + ${LATENCY_SLACK_MS} ms)`
          : 'none (informational)',
      s.isTarget ? verdict(s.pass) : '—',
    ]);
  if (r.k8s) summary.push(k8sSummaryRow(r.k8s));
  md.push(markdownTable(summary), '');
  md.push('PASS/MISS is a benchmark verdict, not a test result: `npm run bench` exits 0 either way.', '');

  for (const c of r.compose) {
    md.push(
      `## 1. provision-compose + post vs raw Docker Compose: ${c.stack.id}`,
      '',
      `On ${c.stack.description}, ${c.runs} run(s) per side, **interleaved** (raw, provision, raw, provision, …) so that drift on the machine hits both sides; ${c.warmupRuns} warm-up pair(s) before them were not counted.`,
      '',
      `- **provision-compose + post:** \`runJob\` (test/harness/job.ts) with the single step \`provision-compose\` (\`working-directory: ${c.stack.dir}\`, all other inputs at their defaults), wall time from the start of \`runJob\` to its end — main, the post step's teardown, and the harness starting both Node processes.`,
      `- **raw:** \`${c.rawCommands[0]}\` then \`${c.rawCommands[1]}\`, wall time of both commands.`,
      '',
      markdownTable(composeRows(c)),
      '',
      `**Ratio** median(provision-compose + post) / median(raw) = **${c.ratio.toFixed(3)}**, target ≤ ${TARGET_RATIO.toFixed(2)}: **${verdict(c.pass)}**.`,
      '',
      '### Where the time goes',
      '',
      'Medians of each part (they need not add up exactly to the median of the total). The provision-compose phases come from the JSON reports the actions write (`timings`).',
      '',
      markdownTable(partRows(c)),
      '',
      ...findings(c).map((f) => `- ${f}`),
      '',
      ...(c.trace
        ? [
            '### docker calls of provision-compose',
            '',
            `One extra run, not counted in the figures above, with a \`docker\` wrapper first on the step's PATH that logs every call (${c.trace.calls} calls; ${seconds(c.trace.totalMs)} in all; the wrapper itself adds a few ms per call). The read-only look-ups, the ordered start's starts and the teardown's removals go through the Engine API's socket since issue 12 (compose/engine.ts: the inventory, every inspect, the version, the images; engine-writes.ts: start, stop, rm), start no process and are not in this table; Compose's own calls and the event stream are:`,
            '',
            markdownTable(traceRows(c.trace)),
            '',
          ]
        : []),
      '### Per run',
      '',
      markdownTable([
        ['run', 'raw', 'provision-compose + post', 'ratio'],
        ...c.perRun.map((p, i) => [
          String(i + 1),
          seconds(p.rawMs),
          seconds(p.provisionMs),
          (p.provisionMs / p.rawMs).toFixed(3),
        ]),
      ]),
      '',
      '### Method and caveats',
      '',
      `- **\`up --wait\` and one-shot services** (docker/compose#10596): on Compose ${m.compose}, \`up -d --wait\` ${exitCodes(c.upWaitExitCodes)}; the bench also checks after every raw \`up\` that ${c.stack.services.join(', ')} are running and healthy${c.stack.oneShots.length ? ` and that ${c.stack.oneShots.join(', ')} exited 0` : ''}, so the raw side measures a stack as ready as the one provision-compose reports. The raw side therefore uses \`--wait\` on all services.`,
      c.rawPorts === 'ephemeral'
        ? `- **Host ports:** the stack publishes fixed host ports (${c.stack.fixedPorts.join(', ')}). The raw side adds a small override (\`ports: !override ["5432"]\` etc.) that makes them ephemeral — the same rewrite provision-compose's isolation guard generates — because other stacks on a shared engine may hold those ports (seen while building this bench). \`--raw-ports fixed\` runs the stack's file alone and fails early when a port is taken.`
        : `- **Host ports:** the raw side ran the stack's file alone, with its fixed host ports (${c.stack.fixedPorts.join(', ')}), one stack at a time (\`--raw-ports fixed\`).`,
      c.stack.builds
        ? `- **Images:** the example images were built once before timing (${seconds(c.prebuildMs)}), so the build cache is warm. Compose names images per project (\`<project>-api\`, \`<project>-seed\`), so every run on both sides still "builds" them — from the cache, the same path on both sides (provision-compose's default \`build: auto\` builds missing images, like a plain \`up\`). Those per-project images are removed after each run, outside the timed region.`
        : '- **Images:** the stack builds nothing; both sides start the same local images.',
      '- **Project names** are unique per run (`bench-raw-<id>-<n>`; provision-compose derives `bench-pr-<n>-<hash>` from a fake PR number). Every project is removed in a `finally` and checked with `docker ps -a --filter label=com.docker.compose.project=<name>` (plus networks, volumes and images).',
      `- **Left behind:** ${c.leftBehind}.`,
      '- The provision side includes what the GitHub runner does around an action — two Node 24 process starts (main and post), the file-command processing — which a raw `run:` step would also pay in part (one shell start) on a real runner.',
      `- Small samples (${c.runs} per side) on a shared machine: read the medians, not single runs; min and max show the spread.${busy(r) ? ` The machine was busy during this run (1-minute load average ${r.loadAverage.start.toFixed(1)} at the start on ${m.nproc} CPUs, from other work on the host): part-by-part differences of a second either way are within the noise; the ratio of the interleaved medians is the robust figure.` : ''}`,
      ...(m.standIns.length
        ? [
            `- **Stand-in images:** ${m.standIns.join(', ')} are local stand-ins (Debian-based, same tags), so absolute start-up times differ from the official images; both sides use the same images.`,
          ]
        : []),
      '',
    );
  }

  if (r.latency) {
    md.push(
      '## 2. wait-ready detection latency',
      '',
      `A local HTTP server in the bench process (127.0.0.1, ephemeral port) answers 503 until a flip moment, then 200 \`{"status":"ok"}\`; it flips at a random moment ${FLIP_WINDOW_MS.from / 1000}–${FLIP_WINDOW_MS.to / 1000} s after the first request arrived. wait-ready runs under \`runJob\` with \`url\` pointing at it, \`expect-status: 200\`, \`expect-json: {"status": "ok"}\`. **Detection latency** = arrival of the first request answered 200 − the flip, both taken on the server with \`performance.now()\`. ${r.latencyRuns} trials per series; the two series are interleaved trial by trial.`,
      '',
      markdownTable(latencyRows(r.latency)),
      '',
    );
    for (const s of r.latency) md.push(`- **${s.label}:** ${s.boundLabel} → **${verdict(s.pass)}**.`);
    md.push(
      '',
      '### Per trial (ms after the flip)',
      '',
      markdownTable([
        ['series', 'latencies'],
        ...r.latency.map((s) => [s.label, s.perTrialMs.map((v) => String(Math.round(v))).join(', ')]),
      ]),
      '',
      '### Method and caveats',
      '',
      `- With a fixed interval the next attempt starts one interval after the previous one started, so the latency is spread over 0 … interval plus the request's own time; the target is that even the worst trial stays within interval + ${LATENCY_SLACK_MS} ms.`,
      '- With the default backoff (factor 1.5, `max-interval` 5 s) the interval grows after every failed attempt, so the gap that straddles the flip is wider (attempts at 0, 1, 2.5, 4.75 s … for a 1 s interval): that series is reported separately and only checked against the bound from that schedule, not against the target.',
      '- The flip is uniform in its window, so a small number of trials samples the spread coarsely; the max is the figure that matters for the target.',
      '- **tcp probe:** wait-ready with `tcp: 127.0.0.1:<port>` on a port nothing listens on; the bench starts listening on it at a random moment 2–4 s after the step began. Latency = first accepted connection − the moment `listen` returned (bench/tcp-latency.ts); "requests" counts accepted connections only (refused attempts are not seen).',
      `- **Compose health (event-backed, target ≤ ${COMPOSE_EVENT_TARGET_MS} ms):** provision-compose + post on the pg-redis stack, with debug lines on (bench/compose-latency.ts); latency = the end of the main step's first look that ended after the engine's last \`health_status: healthy\` event of the project, minus that event's own time (\`docker events --since/--until\`, \`TimeNano\`): the look that returned "ready". The looks come from the wait's own debug lines (\`wait: look\` / \`wait: looked\`, compose/wait.ts; its inspects are Engine API reads that start no process), so the figure includes writing them: an upper bound. Both clocks are the host's. "requests" counts the main step's looks. wait-ready's Compose probe is woken by the same event stream (watch.ts) and is not measured separately.`,
      `- **Kubernetes rollout (watch-backed, target ≤ ${ROLLOUT_EVENT_TARGET_MS} ms):** wait-ready with \`rollout: deployment/web\` (interval 1 s) on the kwok test cluster; the bench applies a two-replica Deployment 1–3 s after the first attempt and watches it itself, straight from the API server over HTTPS on loopback (bench/rollout-latency.ts). Latency = the arrival of wait-ready's \`✔ deployment/web\` line at the harness − the arrival of the first event whose object is rolled out (\`judgeRollout\`) at the bench's own watch, both on the bench's clock; it covers wait-ready's kubectl watch, its parse and judgement, its log line and the pipe. "requests" counts wait-ready's attempts (each watch event wakes one). Conditions' \`lastTransitionTime\` is whole seconds: not used.`,
      '',
    );
  }
  if (r.startup) md.push(...renderStartupMarkdown(r.startup));
  if (r.k8s) md.push(...renderK8sMarkdown(r.k8s));
  return `${md.join('\n')}\n`;
}
