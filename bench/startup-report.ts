/** Renders measure 4 (each action's start-up and bundle size) for stdout and docs/benchmarks.md. */
import type { StartupResult } from './startup-bench.js';
import { markdownTable, millis, textTable, verdict } from './stats.js';

/** Issue 12's target: process start → first line of work, per action, under Node 24. */
export const STARTUP_TARGET_MS = 100;

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(2)} MiB`;

function rows(r: StartupResult): string[][] {
  if (r.baselineRoot) return baselineRows(r);
  return [
    [
      'entry',
      'start-up (median)',
      'min',
      'max',
      'no-input run, spawn → exit',
      'entry file',
      'lazy chunks',
      'verdict',
    ],
    ...r.entries.map((e) => [
      e.entry,
      millis(e.started.medianMs),
      millis(e.started.minMs),
      millis(e.started.maxMs),
      millis(e.wallMs),
      mib(e.entryBytes),
      e.chunkBytes ? mib(e.chunkBytes) : '—',
      verdict(e.started.medianMs <= STARTUP_TARGET_MS),
    ]),
  ];
}

/** With a baseline: each entry's median beside the baseline's, their ratio, and both entry sizes. */
function baselineRows(r: StartupResult): string[][] {
  return [
    [
      'entry',
      'start-up (median)',
      'min',
      'baseline median',
      'baseline min',
      'ratio of medians',
      'entry file (baseline)',
      'lazy chunks (baseline)',
      'verdict',
    ],
    ...r.entries.map((e) => {
      const b = e.baseline;
      return [
        e.entry,
        millis(e.started.medianMs),
        millis(e.started.minMs),
        b ? millis(b.started.medianMs) : '—',
        b ? millis(b.started.minMs) : '—',
        b ? (e.started.medianMs / b.started.medianMs).toFixed(2) : '—',
        `${mib(e.entryBytes)} (${b ? mib(b.entryBytes) : '—'})`,
        `${mib(e.chunkBytes)} (${b ? mib(b.chunkBytes) : '—'})`,
        verdict(e.started.medianMs <= STARTUP_TARGET_MS),
      ];
    }),
  ];
}

/** What the baseline is, for the section's text. */
function baselineNote(r: StartupResult): string {
  return r.baselineRoot
    ? ` Each entry ran beside the same entry of a baseline build (\`--startup-baseline ${r.baselineRoot}\`), alternating which went first.`
    : '';
}

/** The summary table's row. */
export function startupSummaryRow(r: StartupResult): string[] {
  const worst = r.entries.reduce((a, b) => (b.started.medianMs > a.started.medianMs ? b : a));
  return [
    'start-up per action (process start → first line of work, Node 24)',
    `slowest median ${millis(worst.started.medianMs)} (${worst.entry})`,
    `≤ ${STARTUP_TARGET_MS} ms each`,
    verdict(r.entries.every((e) => e.started.medianMs <= STARTUP_TARGET_MS)),
  ];
}

/** Lines for stdout. */
export function renderStartupText(r: StartupResult): string[] {
  return [
    `5. start-up per action — process start → first line of work (runMain/runPost), Node 24, ${r.runs} runs after a warm-up; bare \`node -e 0\` ${millis(r.bareNodeMs)} spawn → exit${r.baselineRoot ? `; baseline ${r.baselineRoot}` : ''}`,
    '',
    textTable(rows(r)),
    '',
  ];
}

/** The Markdown section. */
export function renderStartupMarkdown(r: StartupResult): string[] {
  return [
    '## 5. Start-up and bundle size per action',
    '',
    `Each entry point of dist/ run ${r.runs} times under Node 24 (after one warm-up round), interleaved entry by entry, with no inputs and no state (mains stop at their input check, posts find no state). **Start-up** = process start → the first line of runMain/runPost, which the action logs itself (\`::debug::ephemeral start-up: <ms> ms\`, \`performance.now()\`): Node's own start plus loading and evaluating the bundle. The spawn → exit column is the whole no-input run seen from outside (bare \`node -e 0\`: ${millis(r.bareNodeMs)}). Target ≤ ${STARTUP_TARGET_MS} ms per action.${baselineNote(r)}`,
    '',
    markdownTable(rows(r)),
    '',
    '- **Lazy chunks** are loaded only when a run needs them (the artifact client for a diagnostics upload, Octokit at the first GitHub API call, a database driver or SQL parser for a spec that uses it); they do not count in the start-up.',
    '- Start-up is CPU-bound: on a busy machine (see the load average above) every figure grows; compare entries with each other and with bare Node in the same run.',
    '',
  ];
}
