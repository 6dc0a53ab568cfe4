/**
 * What a failed GitHub API call means for the actions. GitHub answers 404 (not 403) for what a token cannot
 * see (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#404-error-for-an-existing-repository),
 * 403 "Resource not accessible by integration" when GITHUB_TOKEN lacks a permission (always the case for
 * writes from a fork PR under `pull_request`), 403/429 for rate limits, and every response names the
 * permissions it accepts in `X-Accepted-GitHub-Permissions`.
 */

/** The kinds of failure the actions tell apart. */
export type ApiFailureKind =
  | 'not-found'
  | 'forbidden'
  | 'rate-limited'
  | 'unauthorized'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'network'
  | 'other';

/** A classified failure. */
export interface ApiFailure {
  kind: ApiFailureKind;
  /** HTTP status, or null when no response came. */
  status: number | null;
  /** One line: `GET /repos/o/r/pulls/7 → 404 Not Found`. */
  message: string;
  /** `X-Accepted-GitHub-Permissions` of the answer ('' when absent). */
  acceptedPermissions: string;
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

function responseMessage(error: RequestErrorLike): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' ? data.message : (error.message ?? '');
}

/** Classifies any thrown value from an Octokit call (pure). */
export function classifyApiError(error: unknown): ApiFailure {
  const e = (error ?? {}) as RequestErrorLike;
  const hasResponse = e.response !== undefined;
  const status = hasResponse && typeof e.status === 'number' ? e.status : null;
  const headers = e.response?.headers ?? {};
  const text = responseMessage(e);
  const where =
    e.request?.method && e.request.url
      ? `${e.request.method} ${e.request.url.replace(/^https?:\/\/[^/]+/, '')} → `
      : '';
  const message = `${where}${status ?? 'no response'}${text ? ` ${text}` : ''}`.replace(/\s+/g, ' ').trim();
  const accepted = headers['x-accepted-github-permissions'] ?? '';
  let kind: ApiFailureKind = 'other';
  if (status === null) kind = typeof e.status === 'number' || error instanceof Error ? 'network' : 'other';
  else if (status === 404 || status === 410) kind = 'not-found';
  else if (status === 401) kind = 'unauthorized';
  else if (
    status === 429 ||
    (status === 403 && (/rate limit/i.test(text) || headers['x-ratelimit-remaining'] === '0'))
  )
    kind = 'rate-limited';
  else if (status === 403) kind = 'forbidden';
  else if (status === 409) kind = 'conflict';
  else if (status === 422) kind = 'invalid';
  else if (status >= 500) kind = 'server';
  return { kind, status, message, acceptedPermissions: accepted };
}

/** `failure.message`, plus the permissions GitHub accepts when the token lacked them. */
export function describeFailure(failure: ApiFailure): string {
  if ((failure.kind === 'forbidden' || failure.kind === 'not-found') && failure.acceptedPermissions)
    return `${failure.message} (the token needs one of: ${failure.acceptedPermissions})`;
  return failure.message;
}

/** The result of a call that may fail softly: its value, or the classified failure. */
export type Soft<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

/** Runs `fn`; a throw becomes `{ ok: false, failure }` (classified by `classifyApiError`). Never rejects. */
export async function soft<T>(fn: () => Promise<T>): Promise<Soft<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, failure: classifyApiError(error) };
  }
}
