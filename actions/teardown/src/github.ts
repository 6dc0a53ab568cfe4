/**
 * teardown's GitHub side once the environment is gone (compose and namespace modes): its Deployments
 * inactive, the sticky comment "torn down" (never a new one), and with `github-admin-token` the GitHub
 * environment deleted. Soft: every failure is a warning in the report.
 */
import * as core from '@actions/core';
import type { ResolvedEnvironment } from '../../shared/src/environment/resolve.js';
import { connectGitHub } from '../../shared/src/github/client.js';
import { deleteEnvironment } from '../../shared/src/github/deployment.js';
import { describeFailure } from '../../shared/src/github/errors.js';
import { Lifecycle } from '../../shared/src/github/lifecycle.js';
import { GitHubSection } from '../../shared/src/github/report.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { ENV_DEPLOYMENT_ID } from '../../shared/src/runtime/handoff.js';
import type { TeardownSettings } from './settings.js';

/** The deployment an earlier step of the job handed off (EPHEMERAL_DEPLOYMENT_ID), or null. */
export function handedOffDeployment(env: NodeJS.ProcessEnv): number | null {
  const id = Number(env[ENV_DEPLOYMENT_ID] ?? '');
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** Marks the removed environment torn down on GitHub; fills the report's `github` section. Never throws. */
export async function markTornDown(
  settings: TeardownSettings,
  environment: ResolvedEnvironment,
  report: ActionReport,
): Promise<void> {
  const section = report.add(new GitHubSection());
  const warn = (m: string) => report.warn(m);
  const lifecycle = Lifecycle.create(
    settings.github,
    environment,
    warn,
    process.env,
    handedOffDeployment(process.env),
  );
  const reason = environment.context.prState === 'closed' ? 'pull request closed' : 'teardown';
  await report.time('github', () => lifecycle.tornDown(reason));
  if (settings.adminToken) {
    const admin = await connectGitHub({
      token: settings.adminToken,
      repository: environment.context.repository,
      warn,
    })();
    const deleted = await deleteEnvironment(admin, lifecycle.deploymentEnvironment);
    if (deleted.ok) core.info(`GitHub environment ${lifecycle.deploymentEnvironment} deleted.`);
    else
      warn(
        `Could not delete the GitHub environment ${lifecycle.deploymentEnvironment}: ${describeFailure(deleted.failure)}`,
      );
  }
  section.value = lifecycle.finishReport();
}
