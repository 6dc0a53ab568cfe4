/**
 * The GitHub side of a deploy and of its post step, shared by provision-compose and deploy-namespace: the
 * lifecycle (guard, comment, Deployment), its `github` report section, the `status` and `deployment-id`
 * outputs and the EPHEMERAL_DEPLOYMENT_ID hand-off.
 *
 * deploy:  recheck('before …') → start() (in flight during up / helm upgrade) → started() → recheck('after
 *          ready') → ready(); a failure anywhere → failed() (through `run`). A re-check may be asked early
 *          (`ask`) and acted on later (`settle`): provision-compose starts `up` before the answer is in.
 * post:    prepareTornDown() while the environment is removed (its reads), tornDown() once it is gone (the
 *          writes); `PostTornDown` wires both to a removal's `whileRemoving` hook
 */
import * as core from '@actions/core';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import type { ActionReport } from '../report/action-report.js';
import type { ReportResult } from '../report/model.js';
import { setStatus } from '../report/status.js';
import { errorMessage } from '../runtime/errors.js';
import { ENV_DEPLOYMENT_ID } from '../runtime/handoff.js';
import type { CommentState } from './comment.js';
import { Lifecycle, type PreparedTornDown } from './lifecycle.js';
import { type GuardVerdict, isRefusal, type Refusal } from './pull-request.js';
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
  private preparedTornDown: PreparedTornDown | null = null;

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
    this.lifecycle = Lifecycle.create(
      settings,
      environment,
      (m) => report.warn(m),
      process.env,
      deploymentId,
    );
    this.section = report.add(new GitHubSection());
  }

  private status(status: DeployStatus): void {
    setStatus(status);
    this.section.value = this.lifecycle.finishReport();
  }

  /**
   * The PR re-check (`phase`: before up, after ready): `ask`, then `settle`. Returns `continue`, or the
   * report result for a deploy that ends here (`aborted-closed` after `tearDown`, or `superseded`).
   * @throws SupersededError when superseded and `fail-on-superseded` is set
   */
  async recheck(phase: string, tearDown: () => Promise<void>): Promise<'continue' | ReportResult> {
    return this.settle(phase, await this.ask(phase), tearDown);
  }

  /**
   * The re-check's question alone: GitHub's verdict on the PR (recorded in the report's `guard` list), with
   * no action taken, so a caller can ask early and act later (`settle`). Never rejects for a GitHub failure
   * (that is the verdict `unknown`, warned).
   */
  ask(phase: string): Promise<GuardVerdict> {
    return this.report.time('github', () => this.lifecycle.guard(phase));
  }

  /**
   * Acts on `ask`'s verdict: a refusal ends the deploy (`refuse`), anything else is `continue`.
   * @throws SupersededError when superseded and `fail-on-superseded` is set
   */
  async settle(
    phase: string,
    verdict: GuardVerdict,
    tearDown: () => Promise<void>,
  ): Promise<'continue' | ReportResult> {
    return isRefusal(verdict) ? this.refuse(phase, verdict, tearDown) : 'continue';
  }

  /**
   * Ends the deploy on a refusal. Closed: `tearDown()`, the deployments inactive, the comment "torn down:
   * closed during deploy", `aborted-closed`. Superseded: this run's deployment inactive, the comment
   * "superseded", the environment left to the newer run (it deploys the same project), `superseded`.
   * @param late the verdict came after `up` had started (the warning says so; `tearDown` then removes what
   *   `up` created)
   * @returns the report result (`success`: the step succeeds, its `status` output says why it ended)
   * @throws SupersededError when superseded and `fail-on-superseded` is set
   */
  async refuse(
    phase: string,
    verdict: Refusal,
    tearDown: () => Promise<void>,
    late = false,
  ): Promise<ReportResult> {
    const pr = `Pull request #${this.lifecycle.environment.prNumber}`;
    const when = late ? `${phase}, answered after up had started` : phase;
    if (verdict.verdict === 'closed') {
      this.report.warn(
        `${pr} was ${verdict.merged ? 'merged' : 'closed'} during the deploy (${when}); tearing the environment down.`,
      );
      await tearDown();
      await this.report.time('github', () => this.lifecycle.tornDown('closed during deploy'));
    } else {
      this.report.warn(
        `${pr} moved on to ${verdict.headSha.slice(0, 12)} during the deploy (${when}); leaving the environment to the newer run.`,
      );
      await this.report.time('github', () => this.lifecycle.superseded(verdict.headSha));
    }
    const outcome = verdict.verdict === 'closed' ? 'aborted-closed' : 'superseded';
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

  /**
   * A post step is removing the environment: "torn down"'s reads go out now (`Lifecycle.prepareTornDown`),
   * so `tornDown` is left with the writes. Sends no write. Never throws.
   */
  prepareTornDown(): void {
    this.preparedTornDown ??= this.lifecycle.prepareTornDown();
  }

  /**
   * A post step removed the environment: its Deployments inactive, its comment "torn down" (the writes
   * alone after `prepareTornDown`, else the reads first).
   */
  async tornDown(): Promise<void> {
    const prepared = this.preparedTornDown ?? this.lifecycle.prepareTornDown();
    await this.report.time('github', () => prepared.write('job finished'));
    this.section.value = this.lifecycle.finishReport();
  }
}

/**
 * A post step's "torn down" beside its removal (provision-compose, deploy-namespace): `whileRemoving`, the
 * removal's hook (called once the removal has begun: the ownership check passed), makes the GitHub side
 * and sends its reads; `tornDown`, called only after a removal that succeeded, sends the writes (reads
 * and writes when the hook never ran, as for an environment already gone). A removal that failed or was
 * refused calls nothing more: no write, no warning.
 */
export class PostTornDown {
  private github: DeployGitHub | null = null;

  /** @param make the deploy's GitHub side (reads the settings: may throw UserInputError) */
  constructor(private readonly make: () => DeployGitHub) {}

  /** The removal's hook. Never throws: a GitHub side that cannot be made is left to `tornDown`, which reports why. */
  readonly whileRemoving = (): void => {
    try {
      this.github ??= this.make();
      this.github.prepareTornDown();
    } catch {
      // made again by tornDown, whose error the report shows
    }
  };

  /**
   * After a removal that succeeded: the deployments inactive, the comment "torn down".
   * @throws UserInputError for a bad GitHub input (from `make`)
   */
  async tornDown(): Promise<void> {
    this.github ??= this.make();
    await this.github.tornDown();
  }
}
