/**
 * deploy-namespace's report: the shared `ActionReport` plus the fields this action adds to the JSON
 * report (`namespace`, `release`, `workloads`; documented in docs/report-schema.md) and a workloads table
 * in the job summary.
 */

import type { Report } from '../../shared/src/report.js';
import { writeSummary } from '../../shared/src/report.js';
import { ActionReport, type FinishOptions } from '../../shared/src/reporting.js';
import { redact } from '../../shared/src/secrets.js';
import type { WorkloadMap } from './workloads.js';

/** The Helm release facts in the report. */
export interface ReleaseReport {
  name: string;
  chart: string;
  /** e.g. `3.22.0`. */
  helm: string;
  revision: number | null;
  status: string;
  /** A sentence when a stuck release was recovered first, else ''. */
  recovered: string;
}

/** The fields deploy-namespace adds. */
export interface DeployReportData {
  namespace?: string;
  mode?: string;
  release?: ReleaseReport;
  workloads?: WorkloadMap;
}

export class DeployReport extends ActionReport {
  readonly deploy: DeployReportData = {};

  override build(options: Parameters<ActionReport['build']>[0]): Report {
    return { ...super.build(options), ...this.deploy } as Report;
  }

  /** Writes the report and summary, then a workloads table (summary only). */
  override async finish(options: FinishOptions): Promise<string> {
    const path = await super.finish(options);
    const lines: string[] = [];
    if (this.deploy.release?.recovered)
      lines.push(`**Stuck release recovered:** ${this.deploy.release.recovered}`, '');
    const workloads = Object.entries(this.deploy.workloads ?? {});
    if (workloads.length > 0) {
      lines.push(
        `**Namespace \`${this.deploy.namespace}\`** workloads:`,
        '',
        '| Workload | Ready |',
        '|---|---|',
      );
      for (const [key, s] of workloads)
        lines.push(`| ${key} | ${s.ready < s.desired ? '❌' : '✅'} ${s.ready}/${s.desired} |`);
      lines.push('');
    }
    if (lines.length > 0) {
      try {
        await writeSummary(redact(lines.join('\n')));
      } catch {
        // the report itself was written; the summary is a convenience
      }
    }
    return path;
  }
}
