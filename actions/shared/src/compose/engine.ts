/**
 * The Docker Engine API over its Unix socket, for the read-only look-ups the actions make many times per
 * run (lists, inspects, the version) and for a teardown's removals (stop, rm: engine-writes.ts): one HTTP
 * request of a few ms instead of a `docker` process of ~20–30 ms (issue 12). Everything else that creates
 * or changes something goes through Compose and the CLI, by the exec funnel. Each read and removal keeps
 * its CLI path: it is taken when the socket is not the one the CLI would use (engine-endpoint.ts), when a
 * test passes a scripted runner, and, for the rest of the process, once the socket cannot be reached (then
 * the CLI reports the failure in its own words).
 * API reference: https://docs.docker.com/reference/api/engine/ (unversioned paths: the engine's current
 * version, https://docs.docker.com/reference/api/engine/#api-version-and-sdk).
 */
import { type RequestOptions, request } from 'node:http';
import * as core from '@actions/core';
import { type Runner, run } from '../exec/cli.js';
import { ToolError } from '../runtime/errors.js';
import { markTime } from '../runtime/run.js';
import { engineSocket } from './engine-endpoint.js';

/** At most this many bytes of a response are read (the funnel's stdout cap). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The socket could not be reached: the read falls back to the CLI. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}

/** One answer: the HTTP status and the parsed JSON body (the raw text when it is not JSON). */
export interface EngineAnswer {
  status: number;
  body: unknown;
}

/** GETs on one Unix socket. */
export class EngineApi {
  /** Set once the socket could not be reached: no later read tries it. */
  unavailable = false;

  /** @param socketPath absolute path of the engine's socket */
  constructor(readonly socketPath: string) {}

  /**
   * GET `path` (with `query`, each value sent as given) and its parsed answer; 404 and other statuses are
   * answers, not errors.
   * @throws EngineUnavailableError when the socket cannot be reached
   * @throws ToolError after `timeoutMs` ms, or when the answer is over 32 MiB
   */
  get(path: string, query: Record<string, string> = {}, timeoutMs = 60_000): Promise<EngineAnswer> {
    return this.send('GET', path, query, timeoutMs);
  }

  /**
   * `method` (GET, or POST/DELETE without a body: the removals, engine-writes.ts) on `path` with `query`,
   * and its parsed answer; every status is an answer, not an error.
   * @throws EngineUnavailableError when the socket cannot be reached
   * @throws ToolError after `timeoutMs` ms, or when the answer is over 32 MiB
   */
  send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<EngineAnswer> {
    const search = new URLSearchParams(query).toString();
    const target = search ? `${path}?${search}` : path;
    const shown = ['docker-engine-api', method, target];
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(error);
      };
      const req = request(
        // `servername: ''`: no TLS here, and without it Node's agent runs `net.isIP` on the host name to
        // pick one, whose first call compiles a large IPv6 pattern (~13 ms of the main step before `up`,
        // issue 12; lib/_http_agent.js `normalizeServerName`).
        { socketPath: this.socketPath, path: target, method, agent: false, servername: '' } as RequestOptions,
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > MAX_BODY_BYTES)
              fail(new ToolError(shown, null, '', `answer over ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', (error) => fail(new ToolError(shown, null, '', error.message)));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // an error page or an empty answer: kept as text
            }
            markTime(
              `docker API ${method} ${path}${query.filters ? ` ${query.filters}` : ''}: ${res.statusCode} in ${(performance.now() - started).toFixed(1)} ms`,
            );
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      const timer = setTimeout(
        () => fail(new ToolError(shown, null, '', `timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        fail(
          new EngineUnavailableError(
            `the Docker Engine API at ${this.socketPath} could not be reached (${error.code ?? error.message})`,
          ),
        );
      });
      req.end();
    });
  }

  /**
   * GET `path` and its body when the status is 2xx.
   * @throws ToolError naming the request and the engine's message for any other status
   * @throws EngineUnavailableError as `get`
   */
  async getJson<T>(path: string, query: Record<string, string> = {}, timeoutMs = 60_000): Promise<T> {
    const answer = await this.get(path, query, timeoutMs);
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    throw new ToolError(
      ['docker-engine-api', 'GET', path],
      null,
      engineMessage(answer.body),
      `HTTP ${answer.status}`,
    );
  }
}

/** The engine's error message (`{"message": …}`) or the answer's text, bounded to 4 KiB. */
export function engineMessage(body: unknown): string {
  const message =
    body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
  return message.slice(-4096);
}

/** Engine API filters (`{"label":{"k=v":true}}`), as the CLI sends its `--filter` values. */
export function filtersQuery(filters: Record<string, readonly string[]>): Record<string, string> {
  const entries = Object.entries(filters).filter(([, values]) => values.length > 0);
  if (entries.length === 0) return {};
  const json = Object.fromEntries(
    entries.map(([key, values]) => [key, Object.fromEntries(values.map((v) => [v, true]))]),
  );
  return { filters: JSON.stringify(json) };
}

const tagged = new WeakMap<Runner, EngineApi>();
let processEngine: EngineApi | null | undefined;

/** A runner that reads through `engine` (tests: a fake engine beside a scripted runner). */
export function withEngine(runner: Runner, engine: EngineApi): Runner {
  const bound: Runner = (argv, options) => runner(argv, options);
  tagged.set(bound, engine);
  return bound;
}

/**
 * The engine a read through `runner` asks: the one `withEngine` bound to it; for the exec funnel itself
 * (`run`), the socket the docker CLI would use (engine-endpoint.ts), resolved once per process; else null
 * (the CLI path). Null too once the socket could not be reached.
 */
export function engineFor(runner: Runner): EngineApi | null {
  let engine = tagged.get(runner) ?? null;
  if (!engine && runner === run) {
    if (processEngine === undefined) {
      const socket = engineSocket();
      processEngine = socket ? new EngineApi(socket) : null;
    }
    engine = processEngine;
  }
  return engine && !engine.unavailable ? engine : null;
}

/**
 * Runs a read (or a removal, whose steps are idempotent) through the engine when `runner` has one (`api`),
 * else, or once the socket cannot be reached, through the CLI (`cli`).
 * @throws what `api` throws other than EngineUnavailableError, and what `cli` throws
 */
export async function viaEngine<T>(
  runner: Runner,
  api: (engine: EngineApi) => Promise<T>,
  cli: () => Promise<T>,
): Promise<T> {
  const engine = engineFor(runner);
  if (engine) {
    try {
      return await api(engine);
    } catch (error) {
      if (!(error instanceof EngineUnavailableError)) throw error;
      engine.unavailable = true;
      core.debug(`${error.message}; the docker CLI answers instead`);
    }
  }
  return cli();
}
