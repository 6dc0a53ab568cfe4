/**
 * The report every action writes: a JSON file (`ephemeral-report/v1`) and a job-summary section.
 *
 * The schema file beside this module (report.schema.json, documented in docs/report-schema.md) is the source
 * of truth for the JSON: this module types the fields every report has, and each action adds its own data as
 * a `ReportSection` (its top-level fields, which the schema declares, and its summary lines). The shared
 * model knows no action's data; unit tests validate every section's output against the schema.
 */
import type { ResolvedEnvironment } from '../environment/resolve.js';

/** Schema identifier written in every report. */
export const REPORT_SCHEMA = 'ephemeral-report/v1';

/** The outcome of a step. */
export type ReportResult = 'success' | 'failure' | 'cancelled';

/** A file of the diagnostics bundle: path relative to the bundle's directory, size in bytes. */
export interface FileEntry {
  path: string;
  bytes: number;
}

/** A diagnostics bundle collected after a failure: its folder, files, and a short excerpt for the summary. */
export interface DiagnosticsBundle {
  dir: string;
  files: FileEntry[];
  /** A short text for the job summary (already bounded and redacted), or ''. */
  excerpt: string;
}

/** The fields every report has (ephemeral-report/v1). Times in ms, timestamps ISO 8601. */
export interface ReportBase {
  schema: typeof REPORT_SCHEMA;
  action: string;
  result: ReportResult;
  environment: {
    name: string;
    repository: string;
    pr: number | null;
    headSha: string;
    runId: string;
  };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Phase → duration in ms, e.g. `{ "config": 210, "up": 4100, "wait": 2300 }`. */
  timings: Record<string, number>;
  warnings: string[];
  error?: { kind: string; message: string };
  /** Files of the diagnostics bundle, relative to `dir`, with sizes in bytes. */
  diagnostics?: { dir: string; files: FileEntry[] };
}

/** A report as written: the common fields plus the fields of the action's sections. */
export type Report = ReportBase & Record<string, unknown>;

/**
 * The part of a report one action contributes (services, probes, checks, removal, deploy facts). An action
 * adds its section with `ActionReport.add` and fills it in as it runs; nothing in the shared model changes.
 */
export interface ReportSection {
  /** Top-level JSON fields, each declared in report.schema.json; empty or undefined values are left out. */
  fields(): Record<string, unknown>;
  /** Markdown lines for the job summary, rendered after the facts table ([] for none). */
  summary(): string[];
}

/** The report's `environment` object for a resolved environment. */
export function environmentFacts(environment: ResolvedEnvironment): ReportBase['environment'] {
  return {
    name: environment.name,
    repository: environment.context.repository,
    pr: environment.prNumber,
    headSha: environment.context.headSha,
    runId: environment.context.runId,
  };
}
