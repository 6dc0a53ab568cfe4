/**
 * One action run's report, built up as the run goes: phase timings, warnings, services/probes/removals,
 * then `finish` writes the JSON report, the job-summary section and (per policy) the artifact.
 */
import * as core from '@actions/core';
import { type UploadPolicy, uploadReport } from './artifact.js';
import type { Diagnostics } from './diagnostics.js';
import type { ResolvedEnvironment } from './environment.js';
import type { Report } from './report.js';
import { REPORT_SCHEMA, renderSummary, writeReport, writeSummary } from './report.js';

/** What `finish` takes. */
export interface FinishOptions {
  result: Report['result'];
  error?: unknown;
  /** The diagnostics bundle, when one was collected: its files go in the report, its excerpt in the summary. */
  bundle?: Diagnostics;
  upload: UploadPolicy;
}

export class ActionReport {
  readonly timings: Record<string, number> = {};
  readonly warnings: string[] = [];
  readonly data: Pick<Report, 'services' | 'probes' | 'removed' | 'checks' | 'github' | 'sweep'> = {};
  private readonly started = Date.now();

  /**
   * @param action the action's name, e.g. `provision-compose`
   * @param dir the per-action directory (see `actionDir`)
   */
  constructor(
    readonly action: string,
    readonly environment: ResolvedEnvironment,
    readonly dir: string,
  ) {}

  /** Runs `fn` and records its duration (ms) under `phase`, also when it throws. */
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + (Date.now() - start);
    }
  }

  /** Logs a warning annotation and keeps it for the report. */
  warn(message: string): void {
    core.warning(message);
    this.warnings.push(message);
  }

  /** Builds the report object (pure apart from the clock). */
  build(options: Pick<FinishOptions, 'result' | 'error'> & { diagnostics?: Report['diagnostics'] }): Report {
    const finished = Date.now();
    const env = this.environment;
    const report: Report = {
      schema: REPORT_SCHEMA,
      action: this.action,
      result: options.result,
      environment: {
        name: env.name,
        repository: env.context.repository,
        pr: env.prNumber,
        headSha: env.context.headSha,
        runId: env.context.runId,
      },
      startedAt: new Date(this.started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - this.started,
      timings: { ...this.timings },
      ...this.data,
      warnings: [...this.warnings],
    };
    if (options.error !== undefined) {
      const error = options.error;
      report.error = {
        kind: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      };
    }
    if (options.diagnostics) report.diagnostics = options.diagnostics;
    return report;
  }

  /** Writes report.json, the summary section and the artifact; returns the report path. Never throws. */
  async finish(options: FinishOptions): Promise<string> {
    const bundle = options.bundle;
    const report = this.build({
      ...options,
      ...(bundle ? { diagnostics: { dir: bundle.dir, files: bundle.files } } : {}),
    });
    let path = '';
    try {
      path = writeReport(this.dir, report);
      core.info(`Report: ${path}`);
      await writeSummary(renderSummary(report, bundle?.excerpt ?? ''));
    } catch (error) {
      core.warning(`Could not write the report: ${error instanceof Error ? error.message : String(error)}`);
    }
    const attempt = this.environment.context.runAttempt || '1';
    const job = process.env.GITHUB_JOB ?? 'job';
    await uploadReport(
      options.upload,
      options.result !== 'success',
      `ephemeral-${this.action}-${this.environment.name}-${job}-${attempt}`,
      this.dir,
    );
    return path;
  }
}
