/**
 * The GitHub side of one environment's life, for the actions: the PR-state guard, the sticky comment and
 * the GitHub Deployment, each decided by its policy before any call and each soft: a failure is a warning
 * (the job summary and the report still carry everything), never the environment's failure.
 *
 * deploy:   guard → deployment created (earlier ones inactive) + in_progress → comment "deploying"
 *           → … → guard again → success + comment "ready"  (or failure + "failed")
 * races:    PR closed → inactive + "torn down: closed during deploy"; head moved → inactive + "superseded"
 *           (the guard's verdict is acted on by github/deploy.ts `DeployGitHub.settle`)
 * teardown: every deployment of the environment inactive + comment "torn down" (never a new comment);
 *           its reads can go out while the environment is removed (`prepareTornDown`, torn-down.ts)
 * The comment this run wrote is kept (github/sticky.ts): a later write of the run is a PATCH by id.
 */
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { type ApiBudget, connectGitHub, type GitHub, PER_PR_WRITE_PAUSE_MS } from './client.js';
import type { CommentState } from './comment.js';
import { createDeployment, deactivateDeployments, type Soft, setDeploymentStatus } from './deployment.js';
import { describeFailure } from './errors.js';
import { decidePolicy, type EventFacts, type PolicyDecision, readEventFacts } from './policy.js';
import { type GuardVerdict, guardPullRequest } from './pull-request.js';
import type { GitHubReport } from './report.js';
import type { GitHubSettings } from './settings.js';
import { StickyComment, type StickyOutcome } from './sticky.js';
import { type PreparedTornDown, prepareTornDown } from './torn-down.js';

export type { PreparedTornDown } from './torn-down.js';

/** The run's link: `<server>/<repo>/actions/runs/<id>/attempts/<n>`. */
export function runUrl(env: NodeJS.ProcessEnv): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return '';
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
}

/** A client's budget before its first request (what a client made but never used reports). */
const UNUSED: ApiBudget = { requests: 0, counted: null, rateLimit: null };

/** One environment's GitHub lifecycle. */
export class Lifecycle {
  readonly report: GitHubReport = { comment: null, deploymentId: null, guard: [], api: null };
  readonly commentPolicy: PolicyDecision;
  readonly deploymentPolicy: PolicyDecision;
  private readonly runLink: string;
  private made: GitHub | null = null;
  /** The sticky comment, when its policy allows one (a token, a PR, not `never`). */
  private readonly sticky: StickyComment | null;

  /**
   * @param github the client; or a function making it on first use (`connectGitHub`: Octokit is loaded
   *   only when a call is made); or null without a token
   * @param deploymentId a deployment handed off by an earlier step (EPHEMERAL_DEPLOYMENT_ID), or null
   */
  constructor(
    private readonly github: GitHub | (() => Promise<GitHub>) | null,
    readonly settings: GitHubSettings,
    readonly environment: ResolvedEnvironment,
    facts: EventFacts,
    private readonly warn: (message: string) => void,
    env: NodeJS.ProcessEnv = process.env,
    deploymentId: number | null = null,
  ) {
    const hasToken = github !== null;
    this.commentPolicy = decidePolicy(settings.comment, facts, hasToken, 'comment');
    if (this.commentPolicy.enabled && environment.prNumber === null)
      this.commentPolicy = { enabled: false, reason: 'no pull request to comment on' };
    this.deploymentPolicy = decidePolicy(settings.deployment, facts, hasToken, 'deployment');
    this.report.deploymentId = deploymentId;
    if (!this.commentPolicy.enabled && settings.comment !== 'never')
      this.report.comment = { action: 'skipped', reason: this.commentPolicy.reason };
    this.runLink = runUrl(env);
    const pr = environment.prNumber;
    this.sticky =
      github !== null && this.commentPolicy.enabled && pr !== null
        ? new StickyComment(pr, environment.name, settings.commentAuthor)
        : null;
  }

  /** Builds it from the settings and the runner's environment (GITHUB_API_URL, GITHUB_EVENT_PATH). */
  static create(
    settings: GitHubSettings,
    environment: ResolvedEnvironment,
    warn: (message: string) => void,
    env: NodeJS.ProcessEnv = process.env,
    deploymentId: number | null = null,
  ): Lifecycle {
    const repository = environment.context.repository;
    const options = { token: settings.token, repository, warn, writePauseMs: PER_PR_WRITE_PAUSE_MS };
    const github = settings.token ? connectGitHub(options, env) : null;
    return new Lifecycle(github, settings, environment, readEventFacts(env), warn, env, deploymentId);
  }

  /** The GitHub environment name for Deployments. */
  get deploymentEnvironment(): string {
    return this.settings.deploymentEnvironment || this.environment.name;
  }

  /** What the API calls cost so far (for the report). */
  finishReport(): GitHubReport {
    this.report.api = this.made ? this.made.budget() : this.github ? UNUSED : null;
    return this.report;
  }

  /** The client (made now if it is made on first use), or null without a token. */
  private async client(): Promise<GitHub | null> {
    if (this.made || this.github === null) return this.made;
    this.made = typeof this.github === 'function' ? await this.github() : this.github;
    return this.made;
  }

  private soft<T>(what: string, result: Soft<T>): T | null {
    if (result.ok) return result.value;
    this.warn(`GitHub ${what}: ${describeFailure(result.failure)}`);
    return null;
  }

  /**
   * Re-reads the PR (`phase`: before / after). `unknown` is a warning once per reason; without a PR (a
   * branch deploy) the guard is silent.
   */
  async guard(phase: string): Promise<GuardVerdict> {
    // Without a pull request there is nothing to re-read: Octokit is not loaded for it.
    const verdict: GuardVerdict =
      this.github !== null && this.environment.prNumber === null
        ? { verdict: 'unknown', reason: 'not a pull request' }
        : await guardPullRequest(
            await this.client(),
            this.environment.prNumber,
            this.environment.context.headSha,
          );
    const detail =
      verdict.verdict === 'unknown'
        ? verdict.reason
        : verdict.verdict === 'superseded'
          ? verdict.headSha
          : undefined;
    this.report.guard.push({ phase, verdict: verdict.verdict, ...(detail ? { detail } : {}) });
    if (verdict.verdict === 'unknown' && this.environment.prNumber !== null)
      this.warn(
        `Could not re-check pull request #${this.environment.prNumber} (${phase}): ${verdict.reason}; going on (the scheduled sweep is the backstop)`,
      );
    return verdict;
  }

  /** The comment's part of a write, as the report and the warnings show it. */
  private noteComment(outcome: StickyOutcome): void {
    if (outcome.action === 'failed') {
      this.warn(`GitHub comment: ${describeFailure(outcome.failure)}`);
      this.report.comment = { action: 'failed', reason: outcome.failure.message };
    } else if (outcome.action === 'absent') this.report.comment ??= { action: 'absent' };
    else this.report.comment = { action: outcome.action, id: outcome.id, url: outcome.url };
  }

  /** The update as written: the environment and this run's link with it. */
  private commentUpdate(update: Omit<Partial<CommentState>, 'environment'>) {
    return { environment: this.environment.name, runUrl: this.runLink, ...update };
  }

  /**
   * Writes the comment (when its policy allows): by id when this run wrote it before (`StickyComment`),
   * else after a look-up. `create` false: update only; `only`: a guard on the stored state (always looked up).
   */
  private async comment(
    update: Omit<Partial<CommentState>, 'environment'>,
    create = true,
    only?: (previous: CommentState | null) => boolean,
  ): Promise<void> {
    if (!this.sticky) return;
    const github = await this.client();
    if (!github) return;
    const options = { create, ...(only ? { only } : {}) };
    this.noteComment(await this.sticky.upsert(github, this.commentUpdate(update), options));
  }

  /** Deploy starts: deployment (earlier ones inactive) in_progress, comment "deploying". */
  async deploying(): Promise<void> {
    const sha = this.environment.context.headSha;
    const github = this.deploymentPolicy.enabled ? await this.client() : null;
    if (github) {
      const id = this.soft(
        'deployment',
        await createDeployment(github, {
          sha,
          environment: this.deploymentEnvironment,
          description: `ephemeral ${this.environment.name}`,
          payload: { environment: this.environment.name, runId: this.environment.context.runId },
        }),
      );
      if (id !== null) {
        this.report.deploymentId = id;
        this.soft(
          'deployment status',
          await setDeploymentStatus(github, id, 'in_progress', { logUrl: this.runLink }),
        );
        this.soft('earlier deployments', await deactivateDeployments(github, this.deploymentEnvironment, id));
      }
    }
    // A new commit's deploy: the previous commit's readiness and seed lines no longer hold.
    await this.comment({ status: 'deploying', sha, reason: '', readiness: '', seed: '' });
  }

  /** This run's deployment (when there is one and its policy allows) gets status `state`. */
  private async deploymentStatus(
    state: 'success' | 'failure' | 'inactive',
    options: { environmentUrl?: string; description?: string } = {},
  ): Promise<void> {
    const id = this.report.deploymentId;
    const github = this.deploymentPolicy.enabled && id !== null ? await this.client() : null;
    if (!github || id === null) return;
    const result = await setDeploymentStatus(github, id, state, { logUrl: this.runLink, ...options });
    this.soft('deployment status', result);
  }

  /**
   * Deploy done: success with the environment URL, comment "ready". Independent, so both go out at once;
   * the comment by id, with no look-up, when `deploying` wrote it: one round trip.
   */
  async ready(
    details: Pick<CommentState, 'urls' | 'services' | 'expiresAt' | 'report'> & { environmentUrl?: string },
  ): Promise<void> {
    const id = this.report.deploymentId;
    const { environmentUrl: url, ...shown } = details;
    const sha = this.environment.context.headSha;
    const deployment = id !== null ? { deploymentId: id } : {};
    await Promise.all([
      this.deploymentStatus('success', url ? { environmentUrl: url } : {}),
      this.comment({ status: 'ready', sha, reason: '', ...shown, ...deployment }),
    ]);
  }

  /** Deploy failed: failure status, comment "failed" with the message (at once, as in `ready`). */
  async failed(message: string, report?: string): Promise<void> {
    const sha = this.environment.context.headSha;
    await Promise.all([
      this.deploymentStatus('failure', { description: message }),
      this.comment({ status: 'failed', sha, reason: message, ...(report ? { report } : {}) }),
    ]);
  }

  /** A newer commit took over: this run's deployment inactive, comment "superseded by <sha>" (at once). */
  async superseded(newSha: string): Promise<void> {
    const sha = this.environment.context.headSha;
    await Promise.all([
      this.deploymentStatus('inactive'),
      this.comment({ status: 'superseded', sha, reason: newSha.slice(0, 12) }, false),
    ]);
  }

  /**
   * wait-ready's or verify-seed's result, one line in the environment's comment (`readiness` / `seed`).
   * Updates only: never creates a comment, and leaves it alone unless it shows this run's commit and the
   * environment is live (not superseded or torn down), so an older run cannot write over a newer deploy.
   */
  async checked(part: 'readiness' | 'seed', line: string): Promise<void> {
    const sha = this.environment.context.headSha;
    await this.comment(
      { [part]: line },
      false,
      (previous) =>
        previous !== null &&
        previous.sha === sha &&
        previous.status !== 'superseded' &&
        previous.status !== 'torn-down',
    );
  }

  /**
   * The environment is gone: every deployment of it inactive, the comment "torn down" (updated, never
   * created). `reason`: closed | closed during deploy | expired | swept | teardown. `prepareTornDown`'s
   * reads, then its writes.
   */
  async tornDown(reason: string): Promise<void> {
    await this.prepareTornDown().write(reason);
  }

  /**
   * "Torn down" in two halves (github/torn-down.ts), for a caller that removes the environment meanwhile:
   * the reads go out now, `write(reason)` sends only the writes once the removal is proven. Nothing is
   * written or warned before `write`: a removal that failed or was refused never calls it.
   */
  prepareTornDown(): PreparedTornDown {
    return prepareTornDown({
      client: () => this.client(),
      sticky: this.sticky,
      deploymentEnvironment: this.deploymentPolicy.enabled ? this.deploymentEnvironment : null,
      update: (reason) => this.commentUpdate({ status: 'torn-down', reason }),
      noteComment: (outcome) => this.noteComment(outcome),
      soft: (what, result) => this.soft(what, result),
    });
  }
}
