/**
 * The Helm mode: detect v3/v4, recover a release a cancelled run left pending (helm/helm#10599, #7476),
 * render the value templates, then `helm upgrade --install --wait --timeout` with rollback on failure
 * (`--atomic` on v3, `--rollback-on-failure` on v4).
 *
 * Secrets (issue 9, defect 2): `set` values are shown as `key=***` in the logged and reported command line
 * (`set-public` ones as they are); the rendered values files Helm reads live in a private directory removed
 * after the deploy, and the copies kept for diagnostics are redacted.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type Helm,
  type HelmRevision,
  type HelmVersion,
  planStuckRecovery,
  rollbackArgs,
  uninstallArgs,
  upgradeArgs,
} from '../../shared/src/kube/helm.js';
import { redact } from '../../shared/src/runtime/secrets.js';
import { registerSetSecrets, setDisplay } from './helm-inputs.js';
import { renderTemplate, type TemplateVars } from './templates.js';

/** What the Helm deploy takes. */
export interface HelmDeployOptions {
  release: string;
  chart: string;
  chartVersion: string;
  repo: string;
  namespace: string;
  /**
   * Create every object by a POST (Helm 4: `--server-side=false`), as `isolation: vcluster` needs for
   * Services (deploy-workload.ts says why).
   */
  createServices: boolean;
  /** Values files (absolute); rendered copies are written to `workDir`. */
  values: string[];
  /** `--set` arguments whose values are secret (shown as `key=***`). */
  set: string[];
  /** `--set` arguments shown as they are, applied before `set`. */
  setPublic: string[];
  vars: TemplateVars;
  /** epoch ms by which the deploy must be done. */
  deadline: number;
  /** Where rendered values files go. */
  workDir: string;
  log: (line: string) => void;
}

/** What happened. */
export interface HelmDeployResult {
  version: HelmVersion;
  /** A sentence when a stuck release was recovered, else ''. */
  recovered: string;
  revision: number | null;
  status: string;
}

/**
 * Renders templates in the values files into `privateDir` (what Helm reads) and a redacted copy of each into
 * `workDir` (kept for diagnostics); returns the paths in `privateDir`.
 * @throws UserInputError naming the values file for an unknown template variable
 */
export function renderValuesFiles(
  files: string[],
  vars: TemplateVars,
  workDir: string,
  privateDir: string,
): string[] {
  mkdirSync(workDir, { recursive: true });
  return files.map((file, i) => {
    const name = `${String(i).padStart(2, '0')}-${basename(file)}`;
    const rendered = renderTemplate(`values: ${file}`, readFileSync(file, 'utf8'), vars);
    writeFileSync(join(workDir, name), redact(rendered));
    const out = join(privateDir, name);
    writeFileSync(out, rendered, { mode: 0o600 });
    return out;
  });
}

const seconds = (deadline: number) => Math.max(Math.ceil((deadline - Date.now()) / 1000), 1);

/**
 * Rolls back or uninstalls a release stuck in a pending state. Returns a sentence for the report, or ''.
 * @throws ToolError when the recovery itself fails
 */
export async function recoverStuckRelease(
  helm: Helm,
  release: string,
  namespace: string,
  deadline: number,
  log: (line: string) => void,
): Promise<string> {
  const history: HelmRevision[] = await helm.history(release, namespace);
  const plan = planStuckRecovery(history);
  if (plan.action === 'none') return '';
  const what = `Release ${release} was stuck in ${plan.stuck.status} (revision ${plan.stuck.revision}, left by a cancelled or killed run)`;
  if (plan.action === 'rollback') {
    log(`${what}: rolling back to revision ${plan.toRevision}.`);
    await helm.run(rollbackArgs(release, plan.toRevision, namespace, seconds(deadline)), {
      timeoutMs: deadline - Date.now() + 15_000,
      onLine: log,
    });
    return `${what}; rolled back to revision ${plan.toRevision} before deploying.`;
  }
  log(`${what} and never deployed: uninstalling it.`);
  await helm.run(uninstallArgs(release, namespace, seconds(deadline)), {
    timeoutMs: deadline - Date.now() + 15_000,
    onLine: log,
  });
  return `${what} and had never deployed; uninstalled it before deploying.`;
}

/**
 * Deploys the chart.
 * @throws ToolError when the upgrade fails (Helm has then rolled back); SetupError when helm is unusable
 */
export async function deployChart(helm: Helm, o: HelmDeployOptions): Promise<HelmDeployResult> {
  const version = await helm.version();
  const clientSide =
    o.createServices && version.major === 4 ? '; --server-side=false: Services by a POST' : '';
  o.log(
    `Helm ${version.version} (rollback on failure: ${version.major === 3 ? '--atomic' : '--rollback-on-failure'}${clientSide})`,
  );
  const recovered = await recoverStuckRelease(helm, o.release, o.namespace, o.deadline, o.log);
  const privateDir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'ephemeral-values-'));
  try {
    const valuesFiles = renderValuesFiles(o.values, o.vars, o.workDir, privateDir);
    const open = o.setPublic.map((line) => renderTemplate('set-public', line, o.vars));
    const secret = o.set.map((line) => renderTemplate('set', line, o.vars));
    for (const line of secret) registerSetSecrets(line);
    const args = upgradeArgs(version.major, {
      release: o.release,
      chart: o.chart,
      namespace: o.namespace,
      valuesFiles,
      set: [...open, ...secret],
      chartVersion: o.chartVersion,
      repo: o.repo,
      timeoutS: seconds(o.deadline),
      rollback: true,
      clientSide: o.createServices,
    });
    // Helm waits up to --timeout, and again as long for the rollback: give the process room for both.
    await helm.run(args, {
      timeoutMs: 2 * (o.deadline - Date.now()) + 30_000,
      onLine: o.log,
      onStderrLine: o.log,
      display: helm.argv(setDisplay(args, open)),
    });
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
  }
  const history = await helm.history(o.release, o.namespace);
  const latest = history.at(-1);
  return { version, recovered, revision: latest?.revision ?? null, status: latest?.status ?? 'unknown' };
}
