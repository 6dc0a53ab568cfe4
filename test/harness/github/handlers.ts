/**
 * The fake GitHub's operation handlers: one per operation of the subset, over the state in FakeGitHub.
 * Behaviour follows GitHub's REST docs (https://docs.github.com/en/rest/pulls/pulls,
 * https://docs.github.com/en/rest/issues/comments, https://docs.github.com/en/rest/deployments).
 */
import type { FakeDeployment, FakeIdentity, FakeRepo } from './bodies.js';
import type { FakeGitHub } from './fake-github.js';
import type { Route } from './openapi.js';

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Query = Record<string, unknown>;
type Body = Record<string, unknown>;

const NOT_FOUND: HandlerResult = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};

/** GitHub's answer to a comment body over 65,536 characters. */
const COMMENT_TOO_LONG: HandlerResult = {
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      },
    ],
  },
};

/** One page of `items` and GitHub's `Link` header (first/prev/next/last, only those that apply). */
export function paginate<T>(
  items: T[],
  query: Query,
  url: URL,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
  const page = Math.max(1, Number(query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const u = new URL(url.toString());
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return u.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: rels.length ? { link: rels.join(', ') } : {},
  };
}

function repoOf(fake: FakeGitHub, path: Query): FakeRepo | null {
  const full = `${path.owner}/${path.repo}`.toLowerCase();
  return fake.repos.get(full) ?? null;
}

function latest(d: FakeDeployment): string {
  return d.statuses.at(-1)?.state ?? 'pending';
}

function createDeployment(
  fake: FakeGitHub,
  repo: FakeRepo,
  body: Body,
  identity: FakeIdentity,
): HandlerResult {
  const ref = String(body.ref);
  const pr = [...repo.pulls.values()].find((p) => p.headRef === ref || p.headSha === ref);
  const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : pr?.headSha;
  if (!sha)
    return {
      status: 422,
      body: { message: `No ref found for: ${ref}`, documentation_url: 'https://docs.github.com/rest' },
    };
  // Omitted required_contexts means every status context must be success; this job's own is pending.
  if (!Array.isArray(body.required_contexts) || body.required_contexts.length > 0)
    return { status: 409, body: { message: `Conflict: Commit status checks failed for ${ref}.` } };
  if (body.auto_merge !== false && pr && !/^[0-9a-f]{40}$/.test(ref))
    return { status: 202, body: { message: `Auto-merged ${pr.baseRef} into ${ref} on deployment.` } };
  const environment = typeof body.environment === 'string' ? body.environment : 'production';
  const d: FakeDeployment = {
    id: fake.id(),
    sha,
    ref,
    task: typeof body.task === 'string' ? body.task : 'deploy',
    environment,
    description: typeof body.description === 'string' ? body.description : null,
    payload: body.payload ?? {},
    transient: body.transient_environment === true,
    production:
      typeof body.production_environment === 'boolean'
        ? body.production_environment
        : environment === 'production',
    creator: { login: identity.login, id: identity.id, type: identity.type },
    createdAt: new Date().toISOString(),
    statuses: [],
  };
  repo.deployments.push(d);
  repo.environments.add(environment);
  return { status: 201, body: fake.bodies.deployment(repo, d) };
}

function createStatus(fake: FakeGitHub, repo: FakeRepo, d: FakeDeployment, body: Body): HandlerResult {
  const state = String(body.state);
  const environment = typeof body.environment === 'string' ? body.environment : d.environment;
  const status = {
    id: fake.id(),
    state,
    description: typeof body.description === 'string' ? body.description : '',
    environment,
    logUrl:
      typeof body.log_url === 'string'
        ? body.log_url
        : typeof body.target_url === 'string'
          ? body.target_url
          : '',
    environmentUrl: typeof body.environment_url === 'string' ? body.environment_url : '',
    createdAt: new Date().toISOString(),
  };
  if (status.description.length > 140)
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'DeploymentStatus',
            code: 'custom',
            field: 'description',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
      },
    };
  d.statuses.push(status);
  // auto_inactive (default true) affects only earlier non-transient, non-production deployments.
  if (state === 'success' && body.auto_inactive !== false) {
    for (const other of repo.deployments) {
      if (other === d || other.environment !== d.environment || other.transient || other.production) continue;
      if (other.id < d.id && latest(other) !== 'inactive')
        other.statuses.push({
          ...status,
          id: fake.id(),
          state: 'inactive',
          description: '',
          environmentUrl: '',
        });
    }
  }
  return { status: 201, body: fake.bodies.status(repo, d, status) };
}

/**
 * Answers one validated, authorised request.
 * @param query, path the coerced query and path parameters
 */
export function handle(
  fake: FakeGitHub,
  route: Route,
  query: Query,
  path: Query,
  body: unknown,
  identity: FakeIdentity,
  url: URL,
  token: string,
): HandlerResult {
  if (route.operationId === 'rate-limit/get')
    return { status: 200, body: fake.bodies.rateLimit(fake.rateLimit, fake.usedBy(token), fake.resetAt()) };
  const repo = repoOf(fake, path);
  if (!repo) return NOT_FOUND;
  const b = (body ?? {}) as Body;
  switch (route.operationId) {
    case 'pulls/get': {
      const pr = repo.pulls.get(Number(path.pull_number));
      return pr ? { status: 200, body: fake.bodies.pull(repo, pr) } : NOT_FOUND;
    }
    case 'pulls/list': {
      const state = String(query.state ?? 'open');
      const desc = (query.direction ?? 'desc') === 'desc';
      const items = [...repo.pulls.values()]
        .filter((p) => state === 'all' || p.state === state)
        .sort((a, b2) => (desc ? b2.number - a.number : a.number - b2.number));
      const { page, headers } = paginate(items, query, url);
      return { status: 200, body: page.map((p) => fake.bodies.pullSimple(repo, p)), headers };
    }
    case 'issues/list-comments': {
      if (!repo.pulls.has(Number(path.issue_number))) return NOT_FOUND;
      const items = repo.comments
        .filter((c) => c.issue === Number(path.issue_number))
        .sort((a, b2) => a.id - b2.id);
      const { page, headers } = paginate(items, query, url);
      return { status: 200, body: page.map((c) => fake.bodies.comment(repo, c)), headers };
    }
    case 'issues/create-comment': {
      if (!repo.pulls.has(Number(path.issue_number))) return NOT_FOUND;
      if (String(b.body).length > 65_536) return COMMENT_TOO_LONG;
      const now = new Date().toISOString();
      const c = {
        id: fake.id(),
        issue: Number(path.issue_number),
        body: String(b.body),
        user: { login: identity.login, id: identity.id, type: identity.type },
        createdAt: now,
        updatedAt: now,
      };
      repo.comments.push(c);
      return { status: 201, body: fake.bodies.comment(repo, c) };
    }
    case 'issues/update-comment': {
      const c = repo.comments.find((x) => x.id === Number(path.comment_id));
      if (!c) return NOT_FOUND;
      if (String(b.body).length > 65_536) return COMMENT_TOO_LONG;
      c.body = String(b.body);
      c.updatedAt = new Date().toISOString();
      return { status: 200, body: fake.bodies.comment(repo, c) };
    }
    case 'repos/create-deployment':
      return createDeployment(fake, repo, b, identity);
    case 'repos/list-deployments': {
      const items = fake
        .deploymentsOf(repo.fullName)
        .filter(
          (d) =>
            (query.environment === undefined || d.environment === query.environment) &&
            (query.sha === undefined || d.sha === query.sha) &&
            (query.ref === undefined || d.ref === query.ref) &&
            (query.task === undefined || d.task === query.task),
        );
      const { page, headers } = paginate(items, query, url);
      return { status: 200, body: page.map((d) => fake.bodies.deployment(repo, d)), headers };
    }
    case 'repos/create-deployment-status': {
      const d = repo.deployments.find((x) => x.id === Number(path.deployment_id));
      return d
        ? createStatus(fake, repo, d, b)
        : { status: 422, body: { message: 'Validation Failed', errors: ['deployment not found'] } };
    }
    case 'repos/list-deployment-statuses': {
      const d = repo.deployments.find((x) => x.id === Number(path.deployment_id));
      if (!d) return NOT_FOUND;
      const { page, headers } = paginate([...d.statuses].reverse(), query, url);
      return { status: 200, body: page.map((s) => fake.bodies.status(repo, d, s)), headers };
    }
    case 'repos/delete-deployment': {
      const at = repo.deployments.findIndex((x) => x.id === Number(path.deployment_id));
      if (at < 0) return NOT_FOUND;
      const d = repo.deployments[at] as FakeDeployment;
      if (latest(d) !== 'inactive' && repo.deployments.length > 1)
        return {
          status: 422,
          body: {
            message:
              'We cannot delete an active deployment unless it is the only deployment in a given environment.',
            documentation_url: 'https://docs.github.com/rest',
          },
        };
      repo.deployments.splice(at, 1);
      return { status: 204 };
    }
    case 'repos/delete-an-environment': {
      repo.environments.delete(String(path.environment_name));
      repo.deployments = repo.deployments.filter((d) => d.environment !== String(path.environment_name));
      return { status: 204 };
    }
    default:
      return NOT_FOUND;
  }
}
