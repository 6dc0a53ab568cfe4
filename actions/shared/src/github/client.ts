/**
 * The one GitHub REST client of the actions: Octokit with the REST endpoint methods and pagination (what
 * `@actions/github`'s `getOctokit` builds) plus `@octokit/plugin-retry` (5xx and network errors, with
 * backoff) and `@octokit/plugin-throttling` (GitHub's spacing of writes; one retry after a secondary rate
 * limit when its `retry-after` is short; never waits out the primary limit). Every attempt is counted and
 * the last `x-ratelimit-*` headers are kept, so reports can say how many API calls a run spent.
 *
 * Two ways to build it, one client: when the runner has a proxy configured (`HTTPS_PROXY`, `HTTP_PROXY`,
 * either case), `@actions/github`'s `getOctokit`, whose fetch goes through `@actions/http-client`'s proxy
 * dispatcher (npm undici; it also honours `NO_PROXY`). Without one, that dispatcher is a direct connection,
 * so the same Octokit is built from `@octokit/core` with Node's own fetch: loading npm undici (~1 MB) cost
 * the main step ~40 ms of its thread before `up` (issue 12; `@actions/github` loads it with its module,
 * lib/internal/utils.js). The user agent carries the runner's orchestration ID either way, as
 * `@actions/github` puts it (lib/internal/utils.js `getUserAgentWithOrchestrationId`).
 *
 * The base URL is read from `GITHUB_API_URL` when the client is created and passed explicitly:
 * `@actions/github` reads it only once, when the module loads (lib/internal/utils.js getApiBaseUrl).
 * Docs: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api,
 * https://github.com/octokit/plugin-retry.js, https://github.com/octokit/plugin-throttling.js,
 * https://github.com/octokit/core.js#options.
 */

import type { getOctokit } from '@actions/github';
import type Bottleneck from 'bottleneck';
import { markTime } from '../runtime/run.js';
import { registerSecret } from '../runtime/secrets.js';
import { directOctokit, type MakeOctokit, proxyConfigured } from './octokit-build.js';

/** The Octokit instance type the actions use. */
export type Octokit = ReturnType<typeof getOctokit>;

/** Octokit and its plugins, once `loadOctokit` has run. */
let octokitModules: {
  makeOctokit: MakeOctokit;
  /** Which way the client is built (see above). */
  via: 'direct' | 'proxy';
  plugins: readonly unknown[];
  Bottleneck: typeof Bottleneck;
} | null = null;

/**
 * Loads Octokit and its plugins (a dynamic import: the bundle keeps them in a chunk of its own, so a run
 * that makes no API call never loads them; issue 12, start-up), `@actions/github` only when `env`
 * configures a proxy (see above). Idempotent.
 * @throws Error when the chunk cannot be loaded (a broken bundle)
 */
export async function loadOctokit(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (octokitModules) return;
  const via = proxyConfigured(env) ? 'proxy' : 'direct';
  const [makeOctokit, retry, throttling, bottleneck] = await Promise.all([
    via === 'proxy'
      ? import('@actions/github').then((github) => github.getOctokit as unknown as MakeOctokit)
      : directOctokit(env),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js'),
  ]);
  markTime('octokit loaded');
  octokitModules = {
    makeOctokit,
    via,
    plugins: [retry.retry, throttling.throttling],
    Bottleneck: bottleneck.default,
  };
}

/** Which way `loadOctokit` built the client, or null before it ran (read by the tests). */
export function octokitVia(): 'direct' | 'proxy' | null {
  return octokitModules?.via ?? null;
}

/** The last rate-limit facts GitHub sent (from `x-ratelimit-*`), or null before any response. */
export interface RateLimitFacts {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

/** What a run spent: HTTP attempts (retries included) and GitHub's own count from the headers. */
export interface ApiBudget {
  /** Requests sent, retries included. */
  requests: number;
  /** Requests GitHub counted against the primary limit between the first and the last response (`x-ratelimit-used` difference + 1), or null when unknown. */
  counted: number | null;
  rateLimit: RateLimitFacts | null;
}

/** Options for `createGitHub`. */
export interface GitHubOptions {
  /** The token (GITHUB_TOKEN, a PAT or an App token). Registered as a secret. */
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** Default: GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /** Retries after a 5xx or a network error (backoff 1 s, 4 s, 9 s …). Default 2. */
  retries?: number;
  /** Base of the retry backoff in ms (tests shorten it). Default 1000. */
  retryBaseMs?: number;
  /** Longest `retry-after` of a secondary rate limit worth one retry, in s. Default 60. */
  maxRetryAfterS?: number;
  /** Warnings (a rate limit was hit). */
  warn?: (message: string) => void;
  /**
   * Pause between two mutating requests (POST, PATCH, PUT, DELETE), ms; they always go one at a time.
   * Default 1000: GitHub's advice "if you're making a large number of POST, PATCH, PUT, or DELETE requests
   * … wait at least one second between each request"
   * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests),
   * which is what plugin-throttling does (and 3 s before a write that notifies, such as a comment). The
   * sweep keeps it. A per-PR step makes at most four writes (a deployment, its statuses, the comment), not
   * a large number, and passes 0 (`PER_PR_WRITE_PAUSE_MS`): on a fast stack the pauses were the largest
   * part of the time over raw Compose (issue 8). A secondary rate limit is still retried once either way.
   */
  writePauseMs?: number;
}

/** The `writePauseMs` of a per-PR step's few writes (see GitHubOptions.writePauseMs). */
export const PER_PR_WRITE_PAUSE_MS = 0;

/**
 * plugin-throttling's `write` and `notifications` limiters (its options `throttle.write`,
 * `throttle.notifications`), one request at a time, `pauseMs` apart instead of 1 s and 3 s.
 */
export function writeLimiters(B: typeof Bottleneck, pauseMs: number) {
  const group = (id: string) => new B.Group({ id, maxConcurrent: 1, minTime: pauseMs, timeout: 120_000 });
  return { write: group('ephemeral-write'), notifications: group('ephemeral-notifications') };
}

/** An authenticated client bound to one repository. */
export interface GitHub {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** `owner/repo`. */
  repository: string;
  /** What was spent so far. */
  budget(): ApiBudget;
}

function headerNumber(headers: Record<string, unknown> | undefined, name: string): number | null {
  const value = headers?.[name];
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** `owner/repo` split; the token registered as a secret. @throws Error as `createGitHub` does */
function checkOptions(options: GitHubOptions): { owner: string; repo: string } {
  const [owner, repo, extra] = options.repository.split('/');
  if (!owner || !repo || extra !== undefined) throw new Error(`"${options.repository}" is not owner/repo`);
  if (!options.token) throw new Error('no GitHub token');
  registerSecret(options.token);
  return { owner, repo };
}

/**
 * The client, made on first use: checks the options now (and registers the token as a secret), loads
 * Octokit and creates the client at the first call, and returns that one client on every later call (a
 * call after a failed load loads again).
 * @throws Error now, as `createGitHub` does, when `repository` is not `owner/repo` or the token is empty
 */
export function connectGitHub(
  options: GitHubOptions,
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<GitHub> {
  checkOptions(options);
  let client: Promise<GitHub> | null = null;
  return () => {
    // A load that failed is not kept: the next call tries again (a post step's early reads, then its writes).
    client ??= loadOctokit()
      .then(() => createGitHub(options, env))
      .catch((error: unknown) => {
        client = null;
        throw error;
      });
    return client;
  };
}

/**
 * Creates the client; Octokit must be loaded (`loadOctokit`, or use `connectGitHub`).
 * @throws Error when `repository` is not `owner/repo`, the token is empty, or Octokit is not loaded
 */
export function createGitHub(options: GitHubOptions, env: NodeJS.ProcessEnv = process.env): GitHub {
  const { owner, repo } = checkOptions(options);
  if (!octokitModules) throw new Error('Octokit is not loaded: await loadOctokit() first');
  const { makeOctokit, plugins, Bottleneck: B } = octokitModules;
  const warn = options.warn ?? (() => {});
  const maxRetryAfterS = options.maxRetryAfterS ?? 60;
  let requests = 0;
  let first: RateLimitFacts | null = null;
  let last: RateLimitFacts | null = null;
  const observe = (headers: Record<string, unknown> | undefined) => {
    const limit = headerNumber(headers, 'x-ratelimit-limit');
    const remaining = headerNumber(headers, 'x-ratelimit-remaining');
    const used = headerNumber(headers, 'x-ratelimit-used');
    const reset = headerNumber(headers, 'x-ratelimit-reset');
    if (limit === null || remaining === null || used === null || reset === null) return;
    last = { limit, remaining, used, reset };
    first ??= last;
  };
  // Registered first, so its hook is the innermost: it sees every attempt, retries included.
  const counter = (octokit: { hook: Octokit['hook'] }) => {
    octokit.hook.wrap('request', async (request, requestOptions) => {
      requests += 1;
      try {
        const response = await request(requestOptions);
        observe(response.headers as Record<string, unknown>);
        return response;
      } catch (error) {
        observe((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
        throw error;
      }
    });
  };
  const octokit = makeOctokit(
    options.token,
    {
      baseUrl: (options.apiUrl ?? env.GITHUB_API_URL ?? '').replace(/\/+$/, '') || 'https://api.github.com',
      retry: {
        retries: options.retries ?? 2,
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        // The plugin's list plus 409: a conflict (a deployment's failed status checks) does not pass by waiting.
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
      },
      throttle: {
        ...(options.writePauseMs === undefined ? {} : writeLimiters(B, options.writePauseMs)),
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          const again = retryCount === 0 && retryAfter <= maxRetryAfterS;
          warn(
            `GitHub secondary rate limit on ${request.method} ${request.url}: ${again ? `retrying once after ${retryAfter} s` : 'giving up'}`,
          );
          return again;
        },
        onRateLimit: (retryAfter: number, request: { method: string; url: string }) => {
          warn(
            `GitHub API rate limit exhausted on ${request.method} ${request.url}; it resets in ${retryAfter} s`,
          );
          return false;
        },
      },
    },
    counter as never,
    ...(plugins as never[]),
  );
  return {
    octokit,
    owner,
    repo,
    repository: `${owner}/${repo}`,
    budget: () => {
      const f = first as RateLimitFacts | null;
      const l = last as RateLimitFacts | null;
      const counted = f && l && f.reset === l.reset ? l.used - f.used + 1 : null;
      return { requests, counted, rateLimit: l };
    },
  };
}
