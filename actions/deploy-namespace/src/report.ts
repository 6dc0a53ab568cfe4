/**
 * deploy-namespace's section of the report: the fields this action adds to the JSON report (`namespace`,
 * `mode`, `isolationMode`, `vcluster`, `release`, `workloads`; declared in report.schema.json, documented in
 * docs/report-schema.md) and, in the job summary, the isolation, a recovered stuck release and the
 * workloads table.
 */
import * as core from '@actions/core';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import type { ReportSection } from '../../shared/src/report/model.js';
import { cell } from '../../shared/src/report/summary.js';
import { OUTPUTS } from './contract.js';
import type { IsolationMode } from './isolation-settings.js';
import type { DeployMode } from './settings.js';
import { readWorkloads, type WorkloadMap } from './workloads.js';

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

/** The virtual cluster in the report (`isolation: vcluster`). */
export interface VclusterReport {
  /** The vcluster's name (its Helm release, Deployment and Service in the host namespace). */
  name: string;
  /** The virtual API server's URL in the kubeconfig (e.g. `https://10.0.0.12:443`). */
  server: string;
}

/** What deploy-namespace (and its post step, with `namespace` alone) reports. */
export class DeploySection implements ReportSection {
  mode?: DeployMode;
  isolationMode?: IsolationMode;
  /** Set once the virtual cluster answered /readyz. */
  vcluster?: VclusterReport;
  release?: ReleaseReport;
  workloads?: WorkloadMap;

  /** @param namespace the namespace deployed to */
  constructor(readonly namespace: string) {}

  fields(): Record<string, unknown> {
    return {
      namespace: this.namespace,
      mode: this.mode,
      isolationMode: this.isolationMode,
      vcluster: this.vcluster,
      release: this.release,
      workloads: this.workloads,
    };
  }

  summary(): string[] {
    const lines: string[] = [];
    if (this.isolationMode === 'vcluster')
      lines.push(
        `**Isolation:** vcluster \`${cell(this.vcluster?.name ?? 'vcluster')}\` in host namespace \`${cell(this.namespace)}\`${this.vcluster ? '' : ' (not ready)'}; the workload runs inside it.`,
        '',
      );
    if (this.release?.recovered)
      lines.push(`**Stuck release recovered:** ${cell(this.release.recovered)}`, '');
    const workloads = Object.entries(this.workloads ?? {});
    if (workloads.length > 0) {
      lines.push(
        `**Namespace \`${cell(this.namespace)}\`**${this.vcluster ? ' (in the virtual cluster)' : ''} workloads:`,
        '',
        '| Workload | Ready |',
        '|---|---|',
      );
      for (const [key, s] of workloads)
        lines.push(`| ${cell(key)} | ${s.ready < s.desired ? '❌' : '✅'} ${s.ready}/${s.desired} |`);
      lines.push('');
    }
    return lines;
  }
}

/** Report: the workloads as they are now, in the report and the `workloads` output. */
export async function publishWorkloads(
  kubectl: Kubectl,
  namespace: string,
  section: DeploySection,
): Promise<void> {
  section.workloads = await readWorkloads(kubectl, namespace);
  core.setOutput(OUTPUTS.workloads, JSON.stringify(section.workloads));
}
