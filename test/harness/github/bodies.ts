/**
 * The fake GitHub's state and the JSON bodies it answers with. Bodies start from GitHub's own examples in
 * the OpenAPI description and are overwritten with state, so every field GitHub promises is there; the
 * fake then validates each one against the schema before sending it (see fake-github.ts).
 */
import type { GitHubContract } from './openapi.js';

/** Who a token belongs to, and what it may do (`all`, or permission → `read`/`write`). */
export interface FakeIdentity {
  login: string;
  id: number;
  type: 'Bot' | 'User';
  permissions: 'all' | Record<string, 'read' | 'write'>;
}

/** `github-actions[bot]`, the identity of GITHUB_TOKEN (https://api.github.com/users/github-actions%5Bbot%5D). */
export const ACTIONS_BOT: Omit<FakeIdentity, 'permissions'> = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot',
};

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  /** The head lives in another repository (a fork). */
  fork: boolean;
  merged: boolean;
  closedAt: string | null;
  author: string;
  createdAt: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: Omit<FakeIdentity, 'permissions'>;
  createdAt: string;
  updatedAt: string;
}

export interface FakeStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  createdAt: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient: boolean;
  production: boolean;
  creator: Omit<FakeIdentity, 'permissions'>;
  createdAt: string;
  /** Oldest first. */
  statuses: FakeStatus[];
}

export interface FakeRepo {
  fullName: string;
  id: number;
  pulls: Map<number, FakePull>;
  comments: FakeComment[];
  deployments: FakeDeployment[];
  /** GitHub environments (settings → Environments) created by deployments. */
  environments: Set<string>;
}

function user(u: Omit<FakeIdentity, 'permissions'>, base: string): Record<string, unknown> {
  const api = `${base}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    // Apps' bots link to their app page (github-actions[bot] → /apps/github-actions).
    html_url:
      u.type === 'Bot'
        ? `https://github.com/apps/${u.login.replace(/\[bot\]$/, '')}`
        : `https://github.com/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

/** Renders state as GitHub bodies, from the description's examples. */
export class Bodies {
  constructor(
    private readonly contract: GitHubContract,
    private readonly base: () => string,
  ) {}

  private repoUrl(repo: FakeRepo): string {
    return `${this.base()}/repos/${repo.fullName}`;
  }

  private pullFields(
    repo: FakeRepo,
    pr: FakePull,
    template: Record<string, unknown>,
  ): Record<string, unknown> {
    const url = `${this.repoUrl(repo)}/pulls/${pr.number}`;
    const head = structuredClone(template.head) as Record<string, unknown>;
    const base = structuredClone(template.base) as Record<string, unknown>;
    const headRepo = head.repo as Record<string, unknown>;
    const baseRepo = base.repo as Record<string, unknown>;
    const owner = repo.fullName.split('/')[0] as string;
    Object.assign(baseRepo, {
      full_name: repo.fullName,
      name: repo.fullName.split('/')[1],
      id: repo.id,
      fork: false,
    });
    const headFull = pr.fork ? `${pr.author}/${repo.fullName.split('/')[1]}` : repo.fullName;
    Object.assign(headRepo, {
      full_name: headFull,
      name: headFull.split('/')[1],
      id: pr.fork ? repo.id + pr.number : repo.id,
      fork: pr.fork,
    });
    Object.assign(head, {
      sha: pr.headSha,
      ref: pr.headRef,
      label: `${pr.fork ? pr.author : owner}:${pr.headRef}`,
    });
    Object.assign(base, { ref: pr.baseRef, label: `${owner}:${pr.baseRef}` });
    return {
      ...template,
      url,
      id: repo.id * 10_000 + pr.number,
      number: pr.number,
      state: pr.state,
      title: pr.title,
      html_url: `https://github.com/${repo.fullName}/pull/${pr.number}`,
      issue_url: `${this.repoUrl(repo)}/issues/${pr.number}`,
      comments_url: `${this.repoUrl(repo)}/issues/${pr.number}/comments`,
      user: user({ login: pr.author, id: 1000 + pr.number, type: 'User' }, this.base()),
      created_at: pr.createdAt,
      updated_at: pr.closedAt ?? pr.createdAt,
      closed_at: pr.closedAt,
      merged_at: pr.merged ? pr.closedAt : null,
      head,
      base,
      requested_teams: [], // GitHub's own example lacks `type` on its team and fails its schema
      requested_reviewers: [],
      assignees: [],
      labels: [],
      draft: false,
    };
  }

  /** `pulls/get` 200. */
  pull(repo: FakeRepo, pr: FakePull): Record<string, unknown> {
    return {
      ...this.pullFields(repo, pr, this.contract.example('pull-request')),
      merged: pr.merged,
      mergeable: null,
      merged_by: null,
    };
  }

  /** One item of `pulls/list` 200. */
  pullSimple(repo: FakeRepo, pr: FakePull): Record<string, unknown> {
    const items = this.contract.example('pull-request-simple-items') as unknown as Array<
      Record<string, unknown>
    >;
    return this.pullFields(repo, pr, items[0] as Record<string, unknown>);
  }

  comment(repo: FakeRepo, c: FakeComment): Record<string, unknown> {
    return {
      ...this.contract.example('issue-comment'),
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.repoUrl(repo)}/issues/comments/${c.id}`,
      html_url: `https://github.com/${repo.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.repoUrl(repo)}/issues/${c.issue}`,
      body: c.body,
      user: user(c.user, this.base()),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    };
  }

  deployment(repo: FakeRepo, d: FakeDeployment): Record<string, unknown> {
    const items = this.contract.example('deployment-items') as unknown as Array<Record<string, unknown>>;
    const url = `${this.repoUrl(repo)}/deployments/${d.id}`;
    return {
      ...(items[0] as Record<string, unknown>),
      id: d.id,
      node_id: `DE_${d.id}`,
      url,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload ?? {},
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: user(d.creator, this.base()),
      created_at: d.createdAt,
      updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.repoUrl(repo),
      transient_environment: d.transient,
      production_environment: d.production,
      performed_via_github_app: null,
    };
  }

  status(repo: FakeRepo, d: FakeDeployment, s: FakeStatus): Record<string, unknown> {
    const url = `${this.repoUrl(repo)}/deployments/${d.id}`;
    return {
      ...this.contract.example('deployment-status'),
      id: s.id,
      node_id: `DES_${s.id}`,
      url: `${url}/statuses/${s.id}`,
      state: s.state,
      creator: user(d.creator, this.base()),
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: url,
      repository_url: this.repoUrl(repo),
      performed_via_github_app: null,
    };
  }

  /** `rate-limit/get` 200 for a budget. */
  rateLimit(limit: number, used: number, reset: number): Record<string, unknown> {
    const body = this.contract.example('rate-limit-overview');
    const core = { limit, used, remaining: Math.max(0, limit - used), reset };
    (body.resources as Record<string, unknown>).core = core;
    body.rate = core;
    return body;
  }
}
