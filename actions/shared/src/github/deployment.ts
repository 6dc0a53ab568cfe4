/**
 * GitHub Deployments for an environment (https://docs.github.com/en/rest/deployments/deployments,
 * https://docs.github.com/en/rest/deployments/statuses):
 *
 * - create for the head SHA with `transient_environment: true`, `production_environment: false`,
 *   `auto_merge: false` (else GitHub may merge the base branch in and answer 202) and
 *   `required_contexts: []` (else this job's own pending check gives 409); 202/409 are warnings;
 * - statuses `in_progress` (log_url = the run) → `success` (environment_url) or `failure`;
 * - earlier deployments of the environment are set `inactive` by us: GitHub's `auto_inactive` skips
 *   transient ones; `inactive` on a transient deployment shows as "destroyed";
 * - teardown and sweep set every deployment of the environment `inactive`; deleting the inactive
 *   deployments, and the GitHub environment itself (needs an admin token), are opt-in.
 * Every function here returns failures instead of throwing: Deployments are a courtesy, never a reason
 * for the environment itself to fail.
 */
import type { GitHub } from './client.js';
import { type Soft, soft } from './errors.js';

export type { Soft } from './errors.js';

/** A status state GitHub accepts (repos/create-deployment-status). */
export type DeploymentState =
  | 'in_progress'
  | 'success'
  | 'failure'
  | 'error'
  | 'inactive'
  | 'queued'
  | 'pending';

/** GitHub's limit for a deployment or status description. */
export const MAX_DESCRIPTION = 140;

/** What `createDeployment` takes. */
export interface NewDeployment {
  /** The head SHA. */
  sha: string;
  /** The GitHub environment name (e.g. the environment identity). */
  environment: string;
  description: string;
  /** Stored with the deployment (`payload.ephemeral`). */
  payload: Record<string, unknown>;
}

function shorten(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * Creates the deployment. A 202 (GitHub merged instead) gives a failure of kind `other` with the message.
 * @returns the deployment id
 */
export async function createDeployment(github: GitHub, d: NewDeployment): Promise<Soft<number>> {
  return soft(async () => {
    const response = await github.octokit.rest.repos.createDeployment({
      owner: github.owner,
      repo: github.repo,
      ref: d.sha,
      environment: d.environment,
      description: shorten(d.description),
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
      payload: { ephemeral: d.payload } as never,
    });
    const data = response.data as { id?: number; message?: string };
    if ((response.status as number) === 202 || typeof data.id !== 'number')
      throw Object.assign(
        new Error(`GitHub answered 202 instead of creating a deployment: ${data.message ?? ''}`),
        {
          status: 202,
          response: { status: 202, headers: response.headers, data },
        },
      );
    return data.id;
  });
}

/** Posts a status. `environmentUrl` only on success (GitHub shows it as the environment's link). */
export async function setDeploymentStatus(
  github: GitHub,
  id: number,
  state: DeploymentState,
  options: { logUrl?: string; environmentUrl?: string; description?: string } = {},
): Promise<Soft<void>> {
  return soft(async () => {
    await github.octokit.rest.repos.createDeploymentStatus({
      owner: github.owner,
      repo: github.repo,
      deployment_id: id,
      state,
      ...(options.logUrl ? { log_url: options.logUrl } : {}),
      ...(options.environmentUrl && state === 'success' ? { environment_url: options.environmentUrl } : {}),
      ...(options.description ? { description: shorten(options.description) } : {}),
      auto_inactive: false,
    });
  });
}

/** Every deployment of `environment`, all pages (100 a page). */
function listDeployments(github: GitHub, environment: string) {
  const { octokit, owner, repo } = github;
  return octokit.paginate(octokit.rest.repos.listDeployments, { owner, repo, environment, per_page: 100 });
}

/**
 * The reads of `deactivateDeployments`: the deployments of `environment` whose latest status is not
 * inactive, except `keep` (one list, paginated, then one status read per deployment, one at a time). Sends
 * no write, so it can go out before the writes are due (a post step reads while the engine removes).
 * @returns their ids, newest first
 */
export async function activeDeployments(
  github: GitHub,
  environment: string,
  keep?: number,
): Promise<Soft<number[]>> {
  return soft(async () => {
    const { octokit, owner, repo } = github;
    const deployments = await listDeployments(github, environment);
    const active: number[] = [];
    for (const d of deployments) {
      if (d.id === keep) continue;
      const { data } = await octokit.rest.repos.listDeploymentStatuses({
        owner,
        repo,
        deployment_id: d.id,
        per_page: 1,
      });
      if (data[0]?.state !== 'inactive') active.push(d.id);
    }
    return active;
  });
}

/**
 * The writes of `deactivateDeployments`: an `inactive` status on each of `ids` (one at a time; none for an
 * empty list). Stops at the first failure.
 * @returns the ids set inactive
 */
export async function setInactive(github: GitHub, ids: readonly number[]): Promise<Soft<number[]>> {
  return soft(async () => {
    const { octokit, owner, repo } = github;
    for (const id of ids)
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: 'inactive',
        auto_inactive: false,
      });
    return [...ids];
  });
}

/**
 * Sets every deployment of `environment` inactive whose latest status is not inactive already, except
 * `keep`: `activeDeployments` (the reads), then `setInactive` (at most one write per deployment).
 * @returns the ids set inactive
 */
export async function deactivateDeployments(
  github: GitHub,
  environment: string,
  keep?: number,
): Promise<Soft<number[]>> {
  const active = await activeDeployments(github, environment, keep);
  return active.ok ? setInactive(github, active.value) : active;
}

/** Deletes the (inactive) deployments of `environment`. @returns the ids deleted */
export async function deleteDeployments(github: GitHub, environment: string): Promise<Soft<number[]>> {
  return soft(async () => {
    const { octokit, owner, repo } = github;
    const deployments = await listDeployments(github, environment);
    const done: number[] = [];
    for (const d of deployments) {
      await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: d.id });
      done.push(d.id);
    }
    return done;
  });
}

/** Deletes the GitHub environment (Settings → Environments). Needs a token with Administration: write. */
export async function deleteEnvironment(github: GitHub, environment: string): Promise<Soft<void>> {
  return soft(async () => {
    await github.octokit.rest.repos.deleteAnEnvironment({
      owner: github.owner,
      repo: github.repo,
      environment_name: environment,
    });
  });
}
