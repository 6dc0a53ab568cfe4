/**
 * deploy-namespace's deploy phase: Helm (`helm upgrade --install --wait`) or `kubectl apply` of manifests or
 * a kustomization and every rollout. With `isolation: vcluster` every Service is created by a POST (Helm 4
 * with `--server-side=false`; for manifests a `kubectl create` of the missing Services before the
 * server-side apply): vcluster 0.36's API proxy gives a Service the host's ClusterIP only on `create`
 * (loft-sh/vcluster pkg/server/filters/service.go, WithServiceCreateRedirect); a Service created by a
 * server-side apply gets an IP of the virtual cluster's own, which the syncer then fixes by deleting and
 * recreating the Service, and that recreation fails, losing the Service, when another virtual Service
 * holds the host's IP.
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { applyAndRollout } from './apply.js';
import type { DeployRun, DeployTools } from './deploy.js';
import { chartToInstall, type DeployFingerprint } from './fingerprint.js';
import { deployChart } from './helm-deploy.js';
import type { DeploySection } from './report.js';
import type { DeploySettings } from './settings.js';

/** Deploy: the chart fingerprinted (`helm upgrade --install --wait`), or `kubectl apply` and every rollout. */
export async function deployWorkload(
  tools: DeployTools,
  run: DeployRun,
  settings: DeploySettings,
  report: ActionReport,
  section: DeploySection,
  chart: DeployFingerprint['chart'] = null,
): Promise<void> {
  const helm = tools.helm;
  if (helm) {
    const result = await report.time('deploy', () =>
      core.group(`helm upgrade --install ${settings.release}`, () =>
        deployChart(helm, {
          release: settings.release,
          ...chartToInstall(settings, chart),
          namespace: run.namespace,
          createServices: settings.isolation === 'vcluster',
          values: settings.values,
          set: settings.set,
          setPublic: settings.setPublic,
          vars: run.vars,
          deadline: run.deadline,
          workDir: join(run.dir, 'values'),
          log: run.log,
        }),
      ),
    );
    const { version, revision, status, recovered } = result;
    section.release = {
      name: settings.release,
      chart: settings.chart,
      helm: version.version,
      revision,
      status,
      recovered,
    };
    if (recovered) report.warn(recovered);
    core.info(`Release ${settings.release}: revision ${revision} ${status}`);
  } else if (settings.mode !== 'none') {
    const source =
      settings.mode === 'kustomize' ? { kustomize: settings.kustomize } : { manifests: settings.manifests };
    const applied = await report.time('deploy', () =>
      core.group(`kubectl apply (${settings.mode})`, () =>
        applyAndRollout(tools.kubectl, run.namespace, source, run.deadline, run.log, {
          createServices: settings.isolation === 'vcluster',
        }),
      ),
    );
    core.info(
      `Applied ${applied.applied.length} object(s); rolled out ${applied.rolledOut.join(', ') || 'no workloads'}`,
    );
  }
}
