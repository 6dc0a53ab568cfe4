/**
 * A small stateful fake of GitHub's REST API on 127.0.0.1:<random port>, for tests that cannot reach
 * GitHub. Actions reach it through `GITHUB_API_URL` (the harness sets it per job; see runner.ts).
 *
 * What makes it credible: every request is routed by GitHub's OpenAPI description (an unknown route is a
 * violation) and its path, query and body are validated; every response body is validated against the
 * schema for its status before it is sent. Violations are collected; `assertValid()` throws them.
 *
 * What the SDK depends on is real: `Link` pagination (per_page ≤ 100), `x-ratelimit-*` headers counted per
 * token (GET /rate_limit is free), `X-Accepted-GitHub-Permissions`, 401 for unknown tokens, 403
 * "Resource not accessible by integration" when a token lacks the permission (read-only fork tokens),
 * 404 for what does not exist. Deployments behave as documented: omitted `required_contexts` → 409 (this
 * job's own check is still pending), `auto_merge` not false → 202, `auto_inactive` on non-transient
 * non-production deployments only, only inactive deployments can be deleted.
 *
 * Faults are injected per test (`fault`), state can flip between two calls (`after`), and every call is
 * logged (`calls`) for assertions such as "no write in dry-run" or "≤ N calls".
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ACTIONS_BOT,
  Bodies,
  type FakeDeployment,
  type FakeIdentity,
  type FakePull,
  type FakeRepo,
} from './bodies.js';
import { type HandlerResult, handle } from './handlers.js';
import { GitHubContract, type Route } from './openapi.js';

export type { FakeComment, FakeDeployment, FakeIdentity, FakePull, FakeRepo } from './bodies.js';
export { ACTIONS_BOT } from './bodies.js';

/** One answered request. */
export interface FakeCall {
  method: string;
  /** Path and query as sent. */
  url: string;
  operationId: string;
  status: number;
  token: string;
  body: unknown;
  /** Milliseconds since the fake started. */
  atMs: number;
}

/** A fault: the next `times` matching requests get this answer instead of the real one. */
export interface Fault {
  operation: string;
  /** Only calls for which this holds (e.g. one PR number). */
  when?: (route: Route, body: unknown) => boolean;
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** How many calls it answers; default 1. `Infinity` for all. */
  times?: number;
}

/** Ready-made faults GitHub is known to answer with. */
export const FAULTS = {
  /** GITHUB_TOKEN of a fork PR under `pull_request`: read-only. */
  forkToken: (operation: string): Fault => ({
    operation,
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
    },
  }),
  notFound: (operation: string): Fault => ({
    operation,
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  }),
  /** Secondary rate limit (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits). */
  secondaryRateLimit: (operation: string, retryAfterS = 1): Fault => ({
    operation,
    status: 403,
    headers: { 'retry-after': String(retryAfterS) },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  }),
  /** The primary limit is spent: 403 with x-ratelimit-remaining 0. */
  rateLimit: (operation: string): Fault => ({
    operation,
    status: 403,
    headers: { 'x-ratelimit-remaining': '0' },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    },
  }),
  serverError: (operation: string, status = 502): Fault => ({
    operation,
    status,
    body: { message: 'Server Error' },
  }),
  unprocessable: (operation: string): Fault => ({
    operation,
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'Issue',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
      documentation_url: 'https://docs.github.com/rest',
    },
  }),
  conflict: (): Fault => ({
    operation: 'repos/create-deployment',
    status: 409,
    body: { message: 'Conflict: Commit status checks failed for main.' },
  }),
  merged: (): Fault => ({
    operation: 'repos/create-deployment',
    status: 202,
    body: { message: 'Auto-merged main into topic-branch on deployment.' },
  }),
};

/** Which permission each operation needs (any one of the sets), as GitHub reports in X-Accepted-GitHub-Permissions. */
export const PERMISSIONS: Record<string, string> = {
  'pulls/get': 'pull_requests=read',
  'pulls/list': 'pull_requests=read',
  'issues/list-comments': 'issues=read; pull_requests=read',
  'issues/create-comment': 'issues=write; pull_requests=write',
  'issues/update-comment': 'issues=write; pull_requests=write',
  'repos/create-deployment': 'deployments=write',
  'repos/list-deployments': 'deployments=read',
  'repos/create-deployment-status': 'deployments=write',
  'repos/list-deployment-statuses': 'deployments=read',
  'repos/delete-deployment': 'deployments=write',
  'repos/delete-an-environment': 'administration=write',
  'rate-limit/get': '',
};

/** GITHUB_TOKEN's permissions for a same-repository PR with `pull-requests: write, deployments: write`. */
export const WRITE_PERMISSIONS = {
  pull_requests: 'write',
  issues: 'write',
  deployments: 'write',
  contents: 'read',
} as const;
/** GITHUB_TOKEN's permissions for a fork PR under `pull_request`: read-only whatever `permissions:` says. */
export const READ_PERMISSIONS = {
  pull_requests: 'read',
  issues: 'read',
  deployments: 'read',
  contents: 'read',
} as const;

function allowed(identity: FakeIdentity, accepted: string): boolean {
  if (accepted === '' || identity.permissions === 'all') return true;
  const perms = identity.permissions;
  return accepted.split(';').some((set) =>
    set.split(',').every((pair) => {
      const [name, level] = pair.trim().split('=') as [string, 'read' | 'write'];
      const have = perms[name];
      return have === 'write' || (have === 'read' && level === 'read');
    }),
  );
}

/** The fake GitHub. Create with `startFakeGitHub()`. */
export class FakeGitHub {
  readonly contract: GitHubContract;
  readonly bodies: Bodies;
  readonly repos = new Map<string, FakeRepo>();
  readonly tokens = new Map<string, FakeIdentity>();
  readonly calls: FakeCall[] = [];
  readonly violations: string[] = [];
  /** The `User-Agent` of every request, in arrival order. */
  readonly userAgents: string[] = [];
  /** Primary rate limit per token per hour (GITHUB_TOKEN: 1,000 per repository). */
  rateLimit = 1000;
  private readonly used = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private readonly hooks: Array<{ operation: string; count: number; fn: () => void }> = [];
  private readonly holds: Array<{ operation: string; count: number; until: Promise<unknown> }> = [];
  private readonly arrivals = new Map<string, number>();
  private readonly started = Date.now();
  private server: Server | null = null;
  private nextId = 1000;
  url = '';

  constructor(contract = new GitHubContract()) {
    this.contract = contract;
    this.bodies = new Bodies(contract, () => this.url);
  }

  /** A fresh id for comments, deployments and statuses. */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** Registers `token` as `identity` (default: github-actions[bot] with write permissions); returns the token. */
  addToken(token = `ghs_${randomBytes(12).toString('hex')}`, identity: Partial<FakeIdentity> = {}): string {
    this.tokens.set(token, { ...ACTIONS_BOT, permissions: { ...WRITE_PERMISSIONS }, ...identity });
    return token;
  }

  /** The repository `owner/name`, created on first use. */
  repo(fullName: string): FakeRepo {
    const key = fullName.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo) {
      repo = {
        fullName,
        id: 100_000 + this.repos.size,
        pulls: new Map(),
        comments: [],
        deployments: [],
        environments: new Set(),
      };
      this.repos.set(key, repo);
    }
    return repo;
  }

  /** Adds or replaces PR `number` in `repository` (open, same-repository head by default). */
  pull(repository: string, number: number, fields: Partial<Omit<FakePull, 'number'>> = {}): FakePull {
    const repo = this.repo(repository);
    const previous = repo.pulls.get(number);
    const pr: FakePull = {
      state: 'open',
      title: `PR ${number}`,
      headSha: randomBytes(20).toString('hex'),
      headRef: `feature-${number}`,
      baseRef: 'main',
      fork: false,
      merged: false,
      closedAt: null,
      author: 'octocat',
      createdAt: new Date(this.started - 86_400_000).toISOString(),
      ...previous,
      ...fields,
      number,
    };
    if (pr.state === 'closed' && !pr.closedAt) pr.closedAt = new Date().toISOString();
    if (pr.state === 'open') pr.closedAt = null;
    repo.pulls.set(number, pr);
    return pr;
  }

  /** Closes PR `number` (merged or not), as GitHub does when it is closed or merged. */
  closePull(repository: string, number: number, merged = false): FakePull {
    return this.pull(repository, number, { state: 'closed', merged, closedAt: new Date().toISOString() });
  }

  /** Queues a fault (see FAULTS). */
  fault(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Runs `fn` right after the `count`-th call of `operation` has been answered (e.g. close a PR between two reads). */
  after(operation: string, count: number, fn: () => void): void {
    this.hooks.push({ operation, count, fn });
  }

  /**
   * Holds the `count`-th request of `operation` (counted as requests arrive) until `until` settles, then
   * answers it from the state at that moment (e.g. a PR closed meanwhile): an answer that comes late.
   */
  hold(operation: string, count: number, until: Promise<unknown>): void {
    this.holds.push({ operation, count, until: until.catch(() => undefined) });
  }

  /** Calls of `operationId` (all when omitted). */
  callsOf(operationId?: string): FakeCall[] {
    return operationId ? this.calls.filter((c) => c.operationId === operationId) : [...this.calls];
  }

  /** Calls that change state (POST, PATCH, PUT, DELETE). */
  writes(): FakeCall[] {
    return this.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD');
  }

  /** Throws when any request or response broke GitHub's contract (and clears them, so one test's do not fail the next). */
  assertValid(): void {
    const seen = this.violations.splice(0);
    if (seen.length > 0) throw new Error(`fake GitHub saw contract violations:\n- ${seen.join('\n- ')}`);
  }

  /** Starts listening on 127.0.0.1 at a random port; sets `url`. */
  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.serve(req, res).catch((error: unknown) => {
        this.violations.push(`fake GitHub crashed on ${req.method} ${req.url}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Lets the process exit while the server still listens. */
  unref(): this {
    this.server?.unref();
    return this;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    this.userAgents.push(req.headers['user-agent'] ?? '');
    const route = this.contract.match(method, url.pathname);
    let body: unknown;
    let result: HandlerResult;
    if (!route) {
      this.violations.push(`${method} ${url.pathname} is not an operation of GitHub's REST API subset`);
      result = {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      };
      return this.send(
        res,
        { operationId: '?', method, template: url.pathname, params: {} },
        url,
        auth,
        undefined,
        result,
        false,
      );
    }
    const arrived = (this.arrivals.get(route.operationId) ?? 0) + 1;
    this.arrivals.set(route.operationId, arrived);
    const hold = this.holds.find((h) => h.operation === route.operationId && h.count === arrived);
    if (hold) await hold.until;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      this.violations.push(`${route.operationId}: request body is not JSON`);
    }
    if (!req.headers.accept) this.violations.push(`${route.operationId}: no Accept header`);
    const checked = this.contract.validateRequest(route, url.searchParams, body, text !== '');
    for (const p of checked.problems) this.violations.push(`${route.operationId} request: ${p}`);
    const identity = this.tokens.get(auth);
    if (!identity)
      result = {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    else if (checked.problems.length > 0)
      result = {
        status: 422,
        body: {
          message: 'Validation Failed',
          documentation_url: 'https://docs.github.com/rest',
        },
      };
    else {
      const faultAt = this.faults.findIndex(
        (f) => f.operation === route.operationId && (!f.when || f.when(route, body)),
      );
      if (faultAt >= 0) {
        const fault = this.faults[faultAt] as Fault;
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.faults.splice(faultAt, 1);
        result = {
          status: fault.status,
          body: fault.body ?? { message: 'fault' },
          headers: fault.headers ?? {},
        };
      } else if (!allowed(identity, PERMISSIONS[route.operationId] ?? ''))
        result = {
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest',
          },
        };
      else result = handle(this, route, checked.query, checked.path, body, identity, url, auth);
    }
    this.send(res, route, url, auth, body, result, true);
  }

  private send(
    res: ServerResponse,
    route: Route,
    url: URL,
    token: string,
    requestBody: unknown,
    result: HandlerResult,
    known: boolean,
  ): void {
    if (known)
      for (const p of this.contract.validateResponse(route, result.status, result.body))
        this.violations.push(`${route.operationId} response: ${p}`);
    if (result.status >= 400 && typeof (result.body as { message?: unknown })?.message !== 'string')
      this.violations.push(`${route.operationId}: error ${result.status} without a message`);
    const free = route.operationId === 'rate-limit/get';
    const used = (this.used.get(token) ?? 0) + (free || result.status === 401 ? 0 : 1);
    this.used.set(token, used);
    const reset = this.resetAt();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-ratelimit-limit': String(this.rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit - used)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
      'x-accepted-github-permissions': PERMISSIONS[route.operationId] ?? '',
      ...result.headers,
    };
    this.calls.push({
      method: route.method,
      url: `${url.pathname}${url.search}`,
      operationId: route.operationId,
      status: result.status,
      token,
      body: requestBody,
      atMs: Date.now() - this.started,
    });
    const payload = result.body === undefined ? '' : JSON.stringify(result.body);
    res.writeHead(result.status, payload ? headers : { ...headers, 'content-type': '' }).end(payload);
    const count = this.calls.filter((c) => c.operationId === route.operationId).length;
    for (const hook of this.hooks.filter((h) => h.operation === route.operationId && h.count === count))
      hook.fn();
  }

  /** Calls counted against `token`'s primary rate limit so far. */
  usedBy(token: string): number {
    return this.used.get(token) ?? 0;
  }

  /** When the rate-limit window resets, in epoch seconds. */
  resetAt(): number {
    return Math.floor(this.started / 1000) + 3600;
  }

  /** Deployments of `repository` (newest first, as GitHub lists them). */
  deploymentsOf(repository: string, environment?: string): FakeDeployment[] {
    return this.repo(repository)
      .deployments.filter((d) => environment === undefined || d.environment === environment)
      .sort((a, b) => b.id - a.id);
  }
}

/** Starts a fake GitHub on 127.0.0.1 (stop it with `close()`). */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  return new FakeGitHub().listen();
}
