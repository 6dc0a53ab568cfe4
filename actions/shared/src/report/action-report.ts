/**
 * One action run's report, built up as the run goes: phase timings, warnings and the action's sections; then
 * `finish` writes the JSON report, the job-summary section and (per policy) the artifact, once.
 */
import { stripVTControlCharacters } from 'node:util';
import * as core from '@actions/core';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { errorMessage } from '../runtime/errors.js';
import { markTime } from '../runtime/run.js';
import { type UploadPolicy, uploadReport } from './artifact.js';
import { writeReport } from './files.js';
import {
  type DiagnosticsBundle,
  environmentFacts,
  REPORT_SCHEMA,
  type Report,
  type ReportResult,
  type ReportSection,
} from './model.js';
import { renderSummary, writeSummary } from './summary.js';

/** What `finish` takes. */
export interface FinishOptions {
  result: ReportResult;
  error?: unknown;
  /** The diagnostics bundle, when one was collected: its files go in the report, its excerpt in the summary. */
  bundle?: DiagnosticsBundle;
  upload: UploadPolicy;
}

/** What `build` takes. */
export interface BuildOptions {
  result: ReportResult;
  error?: unknown;
  diagnostics?: Report['diagnostics'];
}

/** A report under construction. */
export class ActionReport {
  readonly timings: Record<string, number> = {};
  readonly warnings: string[] = [];
  private readonly sections: ReportSection[] = [];
  private readonly started = Date.now();
  private finished: Promise<string> | undefined;

  /**
   * @param action the action's name, e.g. `provision-compose`
   * @param environment the resolved environment (name and run facts)
   * @param dir the per-action directory (see `actionDir`)
   */
  constructor(
    readonly action: string,
    readonly environment: ResolvedEnvironment,
    readonly dir: string,
  ) {}

  /** Adds a section and returns it, so the action fills it in (typed) as it runs. */
  add<S extends ReportSection>(section: S): S {
    this.sections.push(section);
    return section;
  }

  /** Runs `fn` and records its duration (ms) under `phase`, also when it throws. */
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    markTime(`${phase} start`);
    try {
      return await fn();
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + (Date.now() - start);
      markTime(`${phase} end`);
    }
  }

  /** Logs a warning annotation (terminal escape sequences stripped) and keeps it for the report. */
  warn(message: string): void {
    message = stripVTControlCharacters(message);
    core.warning(message);
    this.warnings.push(message);
  }

  /** Builds the report object (pure apart from the clock). */
  build(options: BuildOptions): Report {
    const finished = Date.now();
    const report: Report = {
      schema: REPORT_SCHEMA,
      action: this.action,
      result: options.result,
      environment: environmentFacts(this.environment),
      startedAt: new Date(this.started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - this.started,
      timings: { ...this.timings },
      warnings: [...this.warnings],
    };
    for (const section of this.sections)
      for (const [key, value] of Object.entries(section.fields()))
        if (value !== undefined) report[key] = value;
    if (options.error !== undefined) {
      const error = options.error;
      report.error = { kind: error instanceof Error ? error.name : 'Error', message: errorMessage(error) };
    }
    if (options.diagnostics) report.diagnostics = options.diagnostics;
    return report;
  }

  /** The job-summary section for a built report (pure). */
  summary(report: Report, excerpt = ''): string {
    return renderSummary(
      report,
      this.sections.flatMap((s) => s.summary()),
      excerpt,
    );
  }

  /**
   * Writes report.json, the summary section and the artifact; returns the report path ('' when it could not
   * be written). Never throws. Runs once: a later call (a cancellation racing the failure path) gets the
   * first call's path.
   */
  finish(options: FinishOptions): Promise<string> {
    this.finished ??= this.write(options);
    return this.finished;
  }

  private async write(options: FinishOptions): Promise<string> {
    markTime('report start');
    const bundle = options.bundle;
    const report = this.build({
      ...options,
      ...(bundle ? { diagnostics: { dir: bundle.dir, files: bundle.files } } : {}),
    });
    const context = this.environment.context;
    let path = '';
    try {
      path = writeReport(this.dir, report);
      core.info(`Report: ${path}`);
      await writeSummary(this.summary(report, bundle?.excerpt ?? ''), context.summaryFile);
    } catch (error) {
      core.warning(`Could not write the report: ${errorMessage(error)}`);
    }
    await uploadReport(
      options.upload,
      options.result !== 'success',
      `ephemeral-${this.action}-${this.environment.name}-${context.job}-${context.runAttempt || '1'}`,
      this.dir,
    );
    markTime('report end');
    return path;
  }
}
