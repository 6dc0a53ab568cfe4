/**
 * The report every action writes: a JSON file (schema `ephemeral-report/v1`, documented in
 * docs/report-schema.md and checked by actions/shared/report.schema.json) and a job-summary section.
 * Everything written passes through `redact`, so registered secrets never reach the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { ServiceMap } from './compose-status.js';
import { formatMs } from './duration.js';
import { type CheckReport, renderChecks } from './report-checks.js';
import { type GitHubReport, renderGitHub, renderSweep, type SweepReport } from './report-sweep.js';
import { redact } from './secrets.js';

/** Schema identifier written in every report. */
export const REPORT_SCHEMA = 'ephemeral-report/v1';

/** One readiness probe's outcome (wait-ready). Times in ms. */
export interface ProbeReport {
  name: string;
  kind: string;
  target: string;
  ready: boolean;
  attempts: number;
  /** ms from the start of waiting until the probe held (`consecutive` times), or null. */
  timeToReadyMs: number | null;
  /** The last response or error, bounded to 2 KiB. */
  last: string;
}

/** What teardown or post removed. */
export interface RemovedReport {
  status: 'removed' | 'already-gone' | 'refused' | 'partial';
  containers: string[];
  networks: string[];
  volumes: string[];
  failures: string[];
  /** Namespace mode: the namespace torn down. */
  namespace?: string;
  /** Namespace mode: the Helm releases uninstalled. */
  releases?: string[];
}

/** The JSON report (ephemeral-report/v1). */
export interface Report {
  schema: typeof REPORT_SCHEMA;
  action: string;
  result: 'success' | 'failure' | 'cancelled';
  environment: {
    name: string;
    repository: string;
    pr: number | null;
    headSha: string;
    runId: string;
  };
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Phase → duration in ms, e.g. `{ "config": 210, "up": 4100, "wait": 2300 }`. */
  timings: Record<string, number>;
  services?: ServiceMap;
  probes?: ProbeReport[];
  removed?: RemovedReport;
  /** verify-seed: one entry per data check (see report-checks.ts). */
  checks?: CheckReport[];
  /** What the action did on GitHub: comment, deployment, PR guard, API calls spent. */
  github?: GitHubReport;
  /** teardown `mode: sweep`: every environment found and what became of it. */
  sweep?: SweepReport;
  warnings: string[];
  error?: { kind: string; message: string };
  /** Files of the diagnostics bundle, relative to `dir`, with sizes in bytes. */
  diagnostics?: { dir: string; files: Array<{ path: string; bytes: number }> };
}

/** Writes the report as pretty JSON (redacted) to `<dir>/report.json` and returns the path. */
export function writeReport(dir: string, report: Report): string {
  const path = join(dir, 'report.json');
  writeFileSync(path, `${redact(JSON.stringify(report, null, 2))}\n`);
  return path;
}

const ICON: Record<Report['result'], string> = { success: '✅', failure: '❌', cancelled: '⚪' };

function cell(text: string): string {
  return redact(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Renders the job-summary section as Markdown (pure; see `writeSummary`).
 * @param excerpt a short failure excerpt (already bounded), shown in a collapsed block
 */
export function renderSummary(report: Report, excerpt = ''): string {
  const lines: string[] = [];
  lines.push(`### ${ICON[report.result]} ephemeral · ${report.action} · \`${report.environment.name}\``, '');
  const facts: Array<[string, string]> = [
    ['Result', report.result],
    ['Environment', `\`${report.environment.name}\``],
    ['Repository', report.environment.repository || '—'],
    ['Pull request', report.environment.pr === null ? '—' : `#${report.environment.pr}`],
    ['Head SHA', report.environment.headSha ? `\`${report.environment.headSha.slice(0, 12)}\`` : '—'],
    ['Duration', formatMs(report.durationMs)],
  ];
  lines.push('| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${cell(v)} |`), '');
  if (report.services && Object.keys(report.services).length > 0) {
    lines.push('| Service | State | Health | Ports |', '|---|---|---|---|');
    for (const [name, s] of Object.entries(report.services)) {
      const ports = Object.entries(s.ports)
        .map(([k, v]) => `${k} → \`${v}\``)
        .join('<br>');
      const state = s.exitCode !== null ? `${s.state} (exit ${s.exitCode})` : s.state;
      lines.push(`| ${cell(name)} | ${cell(state)} | ${cell(s.health || '—')} | ${ports || '—'} |`);
    }
    lines.push('');
  }
  if (report.probes && report.probes.length > 0) {
    lines.push('| Probe | Target | Ready | Attempts | Time to ready | Last |', '|---|---|---|---|---|---|');
    for (const p of report.probes) {
      const time = p.timeToReadyMs === null ? '—' : formatMs(p.timeToReadyMs);
      lines.push(
        `| ${cell(p.name)} | ${cell(p.target)} | ${p.ready ? '✅' : '❌'} | ${p.attempts} | ${time} | ${cell(p.last.slice(0, 120))} |`,
      );
    }
    lines.push('');
  }
  if (report.checks) lines.push(...renderChecks(report.checks));
  if (report.sweep) lines.push(...renderSweep(report.sweep));
  if (report.github) lines.push(...renderGitHub(report.github));
  if (report.removed) {
    const r = report.removed;
    lines.push(
      r.namespace !== undefined
        ? `**Teardown:** ${r.status} — namespace \`${cell(r.namespace)}\`, ${r.releases?.length ?? 0} Helm release(s) uninstalled${r.releases?.length ? ` (${cell(r.releases.join(', '))})` : ''}.`
        : `**Teardown:** ${r.status} — ${r.containers.length} container(s), ${r.networks.length} network(s), ${r.volumes.length} volume(s) removed.`,
      '',
    );
    if (r.failures.length > 0) lines.push(...r.failures.map((f) => `- ⚠️ ${cell(f)}`), '');
  }
  const timings = Object.entries(report.timings);
  if (timings.length > 0)
    lines.push(`**Timings:** ${timings.map(([k, v]) => `${k} ${formatMs(v)}`).join(' · ')}`, '');
  if (report.warnings.length > 0) lines.push(...report.warnings.map((w) => `- ⚠️ ${cell(w)}`), '');
  if (report.error) lines.push(`**Error:** ${cell(report.error.message)}`, '');
  if (excerpt) {
    lines.push(
      '<details><summary>Diagnostics excerpt</summary>',
      '',
      '```text',
      redact(excerpt).replace(/```/g, "'''"),
      '```',
      '</details>',
      '',
    );
  }
  if (report.diagnostics) {
    lines.push(
      `Diagnostics bundle: \`${report.diagnostics.dir}\` (${report.diagnostics.files.length} files).`,
      '',
    );
  }
  return lines.join('\n');
}

/** Appends the summary section to the job summary (GITHUB_STEP_SUMMARY); a no-op outside a runner. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
