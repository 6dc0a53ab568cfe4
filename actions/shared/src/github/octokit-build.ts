/**
 * How github/client.ts builds its Octokit without `@actions/github` when no proxy is configured: the same
 * plugins (`@octokit/plugin-rest-endpoint-methods`, `@octokit/plugin-paginate-rest`, then the caller's) on
 * `@octokit/core`, with Node's own fetch instead of npm undici (issue 12: ~40 ms of the main step's thread),
 * and the user agent `@actions/github` gives (lib/internal/utils.js `getUserAgentWithOrchestrationId`).
 * https://github.com/octokit/core.js#options
 */
import type { Octokit } from './client.js';

/** `getOctokit`'s signature: a token, options, more plugins. */
export type MakeOctokit = (token: string, options: Record<string, unknown>, ...plugins: never[]) => Octokit;

/** The proxy variables `@actions/http-client` reads (lib/proxy.js `getProxyUrl`). */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

/** Whether `env` configures a proxy, so that requests must go through `@actions/http-client` (pure). */
export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}

/** The user agent `@actions/github` gives: `actions_orchestration_id/<id>` when the runner sets one (pure). */
export function orchestrationUserAgent(env: NodeJS.ProcessEnv): string | undefined {
  const id = env.ACTIONS_ORCHESTRATION_ID?.trim();
  return id ? `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}

/** `getOctokit` without `@actions/github`: the same plugins and options, with Node's fetch. */
export async function directOctokit(env: NodeJS.ProcessEnv): Promise<MakeOctokit> {
  const [core, rest, paginate] = await Promise.all([
    import('@octokit/core'),
    import('@octokit/plugin-rest-endpoint-methods'),
    import('@octokit/plugin-paginate-rest'),
  ]);
  const userAgent = orchestrationUserAgent(env);
  return (token, options, ...plugins) => {
    const Made = core.Octokit.plugin(
      rest.restEndpointMethods,
      paginate.paginateRest,
      ...(plugins as never[]),
    );
    const request = { ...(options.request as object | undefined), fetch: globalThis.fetch };
    return new Made({ ...options, auth: token, ...(userAgent ? { userAgent } : {}), request }) as never;
  };
}
