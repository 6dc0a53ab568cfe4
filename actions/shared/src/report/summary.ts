/**
 * The job-summary section of a report (Markdown, GITHUB_STEP_SUMMARY): the facts table, then each section's
 * lines, then timings, warnings, the error, the diagnostics excerpt. Every text passes through `redact`;
 * the runner caps a step summary at 1 MiB
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary).
 */
import { stripVTControlCharacters } from 'node:util';
import * as core from '@actions/core';
import { formatMs } from '../runtime/duration.js';
import { redact } from '../runtime/secrets.js';
import type { ReportBase, ReportResult } from './model.js';

const ICON: Record<ReportResult, string> = { success: '✅', failure: '❌', cancelled: '⚪' };

/** `text` cut to `max` characters with an ellipsis. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A Markdown table cell: redacted, terminal escape sequences stripped (`ESC[2K` would show as `[2K`), at
 * most `max` characters, pipes escaped, on one line.
 */
export function cell(text: string, max = Number.POSITIVE_INFINITY): string {
  return bounded(redact(stripVTControlCharacters(text)), max)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/**
 * Renders the summary section (pure; see `writeSummary`).
 * @param sections the sections' lines, in order
 * @param excerpt a short failure excerpt (already bounded), shown in a collapsed block
 */
export function renderSummary(report: ReportBase, sections: readonly string[] = [], excerpt = ''): string {
  const env = report.environment;
  const lines: string[] = [`### ${ICON[report.result]} ephemeral · ${report.action} · \`${env.name}\``, ''];
  const facts: Array<[string, string]> = [
    ['Result', report.result],
    ['Environment', `\`${env.name}\``],
    ['Repository', env.repository || '—'],
    ['Pull request', env.pr === null ? '—' : `#${env.pr}`],
    ['Head SHA', env.headSha ? `\`${env.headSha.slice(0, 12)}\`` : '—'],
    ['Duration', formatMs(report.durationMs)],
  ];
  lines.push('| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${cell(v)} |`), '');
  lines.push(...sections);
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
      redact(stripVTControlCharacters(excerpt)).replace(/```/g, "'''"),
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

/**
 * Appends Markdown to the job summary; outside a runner it goes to the log.
 * @param summaryFile GITHUB_STEP_SUMMARY (`RunContext.summaryFile`), '' when there is none
 */
export async function writeSummary(markdown: string, summaryFile: string): Promise<void> {
  if (!summaryFile) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}
