/**
 * The GitHub side of a deploy and of its post step, shared by provision-compose and deploy-namespace: the
 * lifecycle (guard, comment, Deployment), its `github` report section, the `status` and `deployment-id`
 * outputs and the EPHEMERAL_DEPLOYMENT_ID hand-off.
 *
 * deploy:  recheck('before …') → start() (in flight during up / helm upgrade) → started() → recheck('after
 *          ready') → ready(); a failure anywhere → failed() (through `run`)
 * post:    tornDown() after the environment was removed
 */
import * as core from '@actions/core';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import type { ActionReport } from '../report/action-report.js';
import type { ReportResult } from '../report/model.js';
import { setStatus } from '../report/status.js';
import { errorMessage } from '../runtime/errors.js';
import { ENV_DEPLOYMENT_ID } from '../runtime/handoff.js';
import type { CommentState } from './comment.js';
import { Lifecycle } from './lifecycle.js';
import { GitHubSection } from './report.js';
import type { GitHubSettings } from './settings.js';

/**
 * The `status` output of a deploy: ready, or why not. `failed`: the environment was started and did not
 * become ready; `error`: it was never started (an unreachable engine or cluster, a refused project, a tool
 * that failed). A bad input sets `error` too (report/run-with-report.ts).
 */
export type DeployStatus = 'ready' | 'aborted-closed' | 'superseded' | 'failed' | 'error';

/** `fail-on-superseded`: the step fails (its report says why, and the `status` output is `superseded`). */
export class SupersededError extends Error {
  override readonly name = 'SupersededError';
  constructor(pr: number | null) {
    super(`Superseded: a newer commit of pull request #${pr} is being deployed (fail-on-superseded)`);
  }
}

/** One deploy's GitHub side. Every call is soft: a GitHub failure is a warning in the report. */
export class DeployGitHub {
  readonly section: GitHubSection;
  readonly lifecycle: Lifecycle;
  private deploying: Promise<void> = Promise.resolve();
  private begun = false;

  /**
   * @param failOnSuperseded the `fail-on-superseded` input
   * @param deploymentId a deployment saved by main (post steps), or null
   */
  constructor(
    settings: GitHubSettings,
    environment: ResolvedEnvironment,
    private readonly report: ActionReport,
    private readonly failOnSuperseded = false,
    deploymentId: number | null = null,
  ) {
    this.section = report.add(new GitHubSection());
    this.lifecycle = Lifecycle.create(
      settings,
      environment,
      (m) => report.warn(m),
      process.env,
      deploymentId,
    );
  }

  private status(status: DeployStatus): void {
    setStatus(status);
    this.section.value = this.lifecycle.finishReport();
  }

  /**
   * The PR re-check (`phase`: before up, after ready). Returns `continue`, or the report result for a deploy
   * that ends here (`aborted-closed` after `tearDown`, or `superseded`).
   * @throws SupersededError when superseded and `fail-on-superseded` is set
   */
  async recheck(phase: string, tearDown: () => Promise<void>): Promise<'continue' | ReportResult> {
    const outcome = await this.report.time('github', () => this.lifecycle.recheck(phase, tearDown));
    if (outcome === 'continue') return 'continue';
    this.status(outcome);
    if (outcome === 'superseded' && this.failOnSuperseded)
      throw new SupersededError(this.lifecycle.environment.prNumber);
    return 'success';
  }

  /** The deployment and the "deploying" comment go out while the environment starts (not awaited). */
  start(): void {
    this.begun = true;
    this.deploying = this.lifecycle.deploying();
  }

  /** Waits for `start`'s writes; hands the deployment id on (output and EPHEMERAL_DEPLOYMENT_ID). */
  async started(): Promise<number | null> {
    await this.deploying;
    const id = this.lifecycle.report.deploymentId;
    if (id !== null) {
      core.setOutput('deployment-id', String(id));
      core.exportVariable(ENV_DEPLOYMENT_ID, String(id));
    }
    return id;
  }

  /** Ready: deployment success, comment "ready", `status: ready`. */
  async ready(
    details: Pick<CommentState, 'urls' | 'services' | 'expiresAt'> & { environmentUrl?: string },
  ): Promise<void> {
    await this.lifecycle.ready(details);
    this.status('ready');
  }

  /** Runs the deploy's body; when it throws (other than SupersededError): deployment failure, comment "failed". */
  async run(body: () => Promise<ReportResult>): Promise<ReportResult> {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof SupersededError)) {
        await this.deploying;
        await this.lifecycle.failed(errorMessage(error).slice(0, 500));
        this.status(this.begun ? 'failed' : 'error');
      }
      throw error;
    }
  }

  /** A post step removed the environment: its Deployments inactive, its comment "torn down". */
  async tornDown(): Promise<void> {
    await this.report.time('github', () => this.lifecycle.tornDown('job finished'));
    this.section.value = this.lifecycle.finishReport();
  }
}
