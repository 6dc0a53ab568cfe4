/**
 * HTTP(S) probe: one request per attempt, at the host's addresses by the shared localhost rule
 * (shared/src/net/localhost.ts: `localhost` is 127.0.0.1, then ::1), keeping the Host header and TLS server
 * name of the URL; checks the status set, a JSON subset, a JMESPath expectation and the expected commit SHA.
 * Bodies are read up to 1 MiB.
 */
import http from 'node:http';
import https from 'node:https';
import { allStrings, commitMatches, jmespath, subsetMismatch } from '../../../shared/src/expect/json.js';
import { firstReachable, socketReason } from '../../../shared/src/net/localhost.js';
import type { AttemptResult, Probe } from '../poll.js';
import type { HttpSpec } from '../spec.js';

const MAX_BODY = 1024 * 1024;

/** One response. */
export interface HttpResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** GET `url` at a specific IP address (keeping Host and SNI), bounded by `signal`. */
export function request(
  url: URL,
  address: string,
  headers: Record<string, string>,
  insecure: boolean,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: {
          host: url.host,
          'user-agent': 'ephemeral-wait-ready',
          accept: 'application/json, */*',
          ...headers,
        },
        servername: url.hostname.replace(/^\[|\]$/g, ''),
        rejectUnauthorized: !insecure,
        signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Checks a response against the spec; returns null when it meets every expectation, else why not. */
export function checkResponse(spec: HttpSpec, response: HttpResponse): string | null {
  if (!spec.status.matches(response.status)) return `status ${response.status}, expected ${spec.status.text}`;
  const needsJson = spec.json !== undefined || spec.jmespath !== undefined || spec.commitPath !== undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    if (needsJson)
      return `status ${response.status} but the body is not JSON: ${response.body.slice(0, 200)}`;
  }
  if (spec.json !== undefined) {
    const mismatch = subsetMismatch(body, spec.json);
    if (mismatch) return `JSON ${mismatch}`;
  }
  if (spec.jmespath) {
    let value: unknown;
    try {
      value = jmespath(body, spec.jmespath.expression);
    } catch (error) {
      return `JMESPath "${spec.jmespath.expression}": ${(error as Error).message}`;
    }
    if ('equals' in spec.jmespath) {
      const mismatch = subsetMismatch(value, spec.jmespath.equals, spec.jmespath.expression);
      if (mismatch) return `JMESPath ${mismatch}`;
    } else if (value === null || value === undefined || value === false) {
      return `JMESPath "${spec.jmespath.expression}" is ${JSON.stringify(value ?? null)}`;
    }
  }
  if (spec.commit) {
    const sha = spec.commit;
    if (spec.commitPath) {
      const value = jmespath(body, spec.commitPath);
      if (typeof value !== 'string' || !commitMatches(value, sha)) {
        return `commit at "${spec.commitPath}" is ${JSON.stringify(value ?? null)}, expected ${sha.slice(0, 12)} (the old build is still live?)`;
      }
    } else {
      const strings = body === undefined ? [response.body] : allStrings(body);
      const headerValues = Object.values(response.headers)
        .flat()
        .filter((v): v is string => typeof v === 'string');
      if (
        ![...strings, ...headerValues].some(
          (s) => commitMatches(s, sha) || (body === undefined && s.includes(sha)),
        )
      ) {
        return `the response does not name commit ${sha.slice(0, 12)} (the old build is still live?)`;
      }
    }
  }
  return null;
}

/** Builds the probe. */
export function httpProbe(spec: HttpSpec): Probe {
  const url = new URL(spec.url);
  return {
    name: spec.name,
    kind: 'http',
    target: spec.url,
    async attempt(signal: AbortSignal): Promise<AttemptResult> {
      let response: HttpResponse;
      try {
        response = await firstReachable(
          url.hostname,
          (address) => request(url, address, spec.headers, spec.insecureTls, signal),
          socketReason,
        );
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
      const problem = checkResponse(spec, response);
      const body = response.body.slice(0, 300).replace(/\s+/g, ' ');
      return problem
        ? { ok: false, detail: `${problem} — body: ${body}` }
        : { ok: true, detail: `${response.status} ${body}` };
    },
  };
}
