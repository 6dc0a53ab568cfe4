/**
 * teardown's GitHub side once the environment is gone (compose and namespace modes): its Deployments
 * inactive, the sticky comment "torn down" (never a new one), and with `github-admin-token` the GitHub
 * environment deleted. Soft: every failure is a warning in the report. The reads go out while the
 * environment is removed (`TeardownGitHub.whileRemoving`), the writes once it is gone.
 */
import * as core from '@actions/core';
import type { ResolvedEnvironment } from '../../shared/src/environment/resolve.js';
import { connectGitHub } from '../../shared/src/github/client.js';
import { deleteEnvironment } from '../../shared/src/github/deployment.js';
import { describeFailure } from '../../shared/src/github/errors.js';
import { Lifecycle, type PreparedTornDown } from '../../shared/src/github/lifecycle.js';
import { GitHubSection } from '../../shared/src/github/report.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { ENV_DEPLOYMENT_ID } from '../../shared/src/runtime/handoff.js';
import type { TeardownSettings } from './settings.js';

/** The deployment an earlier step of the job handed off (EPHEMERAL_DEPLOYMENT_ID), or null. */
export function handedOffDeployment(env: NodeJS.ProcessEnv): number | null {
  const id = Number(env[ENV_DEPLOYMENT_ID] ?? '');
  return Number.isInteger(id) && id > 0 ? id : null;
}

/**
 * teardown's GitHub side: `whileRemoving` (the removal's hook, called once the removal has begun) sends the
 * reads of "torn down" (github/torn-down.ts), so `markTornDown`, once the environment is gone, is left with
 * the writes (and, with `github-admin-token`, the GitHub environment's deletion). Without the hook (an
 * environment already gone) `markTornDown` reads first. A removal that failed or was refused calls nothing
 * more: nothing is written.
 */
export class TeardownGitHub {
  private lifecycle: Lifecycle | null = null;
  private prepared: PreparedTornDown | null = null;

  constructor(
    private readonly settings: TeardownSettings,
    private readonly environment: ResolvedEnvironment,
    private readonly report: ActionReport,
  ) {}

  /** The lifecycle, made on first use. @throws Error when the repository is not owner/repo */
  private made(): Lifecycle {
    this.lifecycle ??= Lifecycle.create(
      this.settings.github,
      this.environment,
      (m) => this.report.warn(m),
      process.env,
      handedOffDeployment(process.env),
    );
    return this.lifecycle;
  }

  /** The removal's hook: the reads go out. Never throws (a lifecycle that cannot be made is left to `markTornDown`). */
  readonly whileRemoving = (): void => {
    try {
      this.prepared ??= this.made().prepareTornDown();
    } catch {
      // made again by markTornDown, whose error the report shows
    }
  };

  /** Marks the removed environment torn down on GitHub; fills the report's `github` section. Never throws for GitHub. */
  async markTornDown(): Promise<void> {
    const { settings, environment, report } = this;
    const section = report.add(new GitHubSection());
    const warn = (m: string) => report.warn(m);
    const lifecycle = this.made();
    const prepared = this.prepared ?? lifecycle.prepareTornDown();
    const reason = environment.context.prState === 'closed' ? 'pull request closed' : 'teardown';
    await report.time('github', () => prepared.write(reason));
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
}
