/**
 * An HTTP API under a base URL, with Node's `fetch` (undici), at the host's addresses by the shared
 * localhost rule (shared/src/net/localhost.ts: `localhost` is 127.0.0.1, then ::1, whatever the resolver
 * lists), as wait-ready's probes reach it. A check's `path` is appended to the base URL's path: base
 * `http://127.0.0.1:49153/v1` + `/users?active=1` → `http://127.0.0.1:49153/v1/users?active=1`. Bodies are
 * read up to 1 MiB; redirects are not followed (a 30x is what the check sees).
 */
import { atAddress, firstReachable, UnreachableError } from '../../../shared/src/net/localhost.js';
import {
  ConnectionError,
  displayUrl,
  type HttpConnection,
  type HttpRequest,
  type HttpResponse,
} from './types.js';

/** Bodies are read up to this many bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `base` + `path` (see the module comment). */
export function joinUrl(base: string, path: string): URL {
  const url = new URL(base);
  const [pathname, search = ''] = path.split(/\?(.*)/s, 2) as [string, string?];
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${pathname}`;
  if (search !== '') url.search = search;
  return url;
}

async function readBounded(response: Response): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_BODY_BYTES - size;
    if (value.length > room) {
      chunks.push(value.subarray(0, room));
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}

/** Why one fetch failed: its message and the socket error's code, e.g. `fetch failed (ECONNREFUSED)`. */
function fetchReason(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message ?? '';
  return `${e.message}${cause ? ` (${cause})` : ''}`;
}

/** An HTTP API through fetch. */
export class FetchHttpConnection implements HttpConnection {
  readonly target: string;

  /**
   * @param baseUrl e.g. `http://127.0.0.1:49153` (placeholders already resolved)
   * @param headers sent with every request (a check's own headers win)
   */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {
    this.target = displayUrl(baseUrl);
  }

  async request(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const url = joinUrl(this.baseUrl, request.path);
    const shown = displayUrl(url.toString());
    const headers: Record<string, string> = {
      accept: 'application/json, */*;q=0.5',
      'user-agent': 'ephemeral-verify-seed',
      ...this.headers,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      if (
        typeof request.body !== 'string' &&
        !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
      )
        headers['content-type'] = 'application/json';
    }
    const send = (address: string) =>
      fetch(atAddress(url, address), {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal,
      });
    let response: Response;
    try {
      response = await firstReachable(url.hostname, send, fetchReason);
    } catch (error) {
      const failures = error instanceof UnreachableError ? error.failures : [];
      const why = failures.length === 1 ? failures[0]!.reason : fetchReason(error);
      throw new ConnectionError(
        signal.aborted
          ? `${request.method} ${shown}: no answer before the check's timeout`
          : `${request.method} ${shown}: ${failures.length > 1 ? (error as Error).message : why}`,
      );
    }
    const { body: text, truncated } = await readBounded(response);
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    return { status: response.status, headers: responseHeaders, body: text, truncated, url: shown };
  }
}
