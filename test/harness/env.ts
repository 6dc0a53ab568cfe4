/**
 * The environment a step process gets, as the runner builds it (NodeScriptActionHandler, the github and
 * runner contexts): the harness's own env minus anything that would leak a real runner or vitest, the
 * event, and the default `GITHUB_*` / `RUNNER_*` variables, which win over env as on GitHub.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionManifest } from './action.js';
import type { JobContext, JobSpec } from './types.js';

/** Absolute path of the repository root (the folder holding `package.json`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

/** Value of `github.token` / `${{ github.token }}` input defaults unless {@link JobSpec.token} is given. */
export const FAKE_GITHUB_TOKEN = 'ghs_fakeTokenForTests000';

/** `GITHUB_SHA` unless the job gives one. */
export const DEFAULT_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

const STRIPPED_PREFIXES = ['GITHUB_', 'INPUT_', 'RUNNER_', 'STATE_', 'ACTIONS_'];

/** The harness's own env minus anything that would leak a real runner/CI or vitest into the action. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const underVitest = process.env.VITEST !== undefined;
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (STRIPPED_PREFIXES.some((p) => k.toUpperCase().startsWith(p))) continue;
    if (k === 'NODE_ICU_DATA') continue; // removed by NodeScriptActionHandler
    if (underVitest && (k.startsWith('VITEST') || k === 'TEST' || k === 'NODE_ENV')) continue;
    env[k] = v;
  }
  return env;
}

/** The triggering event with the refs the runner derives from it. */
export interface EventInfo {
  name: string;
  payload: Record<string, unknown>;
  ref: string;
  headRef?: string;
  baseRef?: string;
}

/** The event of a job: the given one, else a minimal `push`; its ref as GitHub sets `GITHUB_REF`. */
export function resolveEvent(spec: JobSpec, repository: string, sha: string): EventInfo {
  const [owner = '', name = ''] = repository.split('/');
  const eventName = spec.event?.name ?? 'push';
  const payload: Record<string, unknown> = spec.event
    ? (spec.event.payload as Record<string, unknown>)
    : {
        ref: spec.ref ?? 'refs/heads/main',
        before: '0000000000000000000000000000000000000000',
        after: sha,
        repository: { full_name: repository, name, owner: { login: owner } },
        sender: { login: 'octocat' },
      };
  const pr = payload.pull_request as
    | { number?: number; head?: { ref?: string }; base?: { ref?: string } }
    | undefined;
  const isPr = eventName === 'pull_request' || eventName === 'pull_request_target';
  let ref = spec.ref;
  if (ref === undefined) {
    if (eventName === 'pull_request') ref = `refs/pull/${String(payload.number ?? pr?.number ?? 1)}/merge`;
    else if (eventName === 'pull_request_target') ref = `refs/heads/${pr?.base?.ref ?? 'main'}`;
    else
      ref =
        typeof payload.ref === 'string' && payload.ref.startsWith('refs/') ? payload.ref : 'refs/heads/main';
  }
  const info: EventInfo = { name: eventName, payload, ref };
  if (isPr) {
    info.headRef = pr?.head?.ref ?? '';
    info.baseRef = pr?.base?.ref ?? '';
  }
  return info;
}

/** The facts of one job run that the github and runner contexts hold. */
export interface JobFacts {
  repository: string;
  sha: string;
  runId: string;
  token: string;
  /** The fake GitHub's base URL (`GITHUB_API_URL`). */
  apiUrl: string;
  jobName: string;
  event: EventInfo;
  eventPath: string;
  workspace: string;
  runnerTemp: string;
  toolCache: string;
}

/** The `github` context. */
export function githubContext(f: JobFacts): JobContext['github'] {
  return {
    repository: f.repository,
    repository_owner: f.repository.split('/')[0] ?? '',
    sha: f.sha,
    ref: f.event.ref,
    run_id: f.runId,
    event_name: f.event.name,
    event: f.event.payload,
    workspace: f.workspace,
    token: f.token,
    api_url: f.apiUrl,
    server_url: 'https://github.com',
  };
}

/** The `runner` context. */
export function runnerContext(f: JobFacts) {
  return { os: 'Linux', arch: 'X64', name: 'GitHub Actions 1', temp: f.runnerTemp, tool_cache: f.toolCache };
}

/** The files of a step's file commands (see file-commands.ts). */
export interface CommandFiles {
  path: string;
  env: string;
  output: string;
  state: string;
  summary: string;
}

/** GITHUB_* / RUNNER_* variables from the github and runner contexts (they win over env). */
export function contextEnv(
  f: JobFacts,
  stepId: string,
  manifest: ActionManifest,
  files: CommandFiles,
): Record<string, string> {
  const payloadRepo = (f.event.payload.repository ?? {}) as { id?: number; owner?: { id?: number } };
  const sender = (f.event.payload.sender ?? {}) as { login?: string; id?: number };
  const owner = f.repository.split('/')[0] ?? '';
  const env: Record<string, string> = {
    GITHUB_ACTION: stepId,
    GITHUB_ACTION_PATH: manifest.dir,
    GITHUB_ACTOR: sender.login ?? 'octocat',
    GITHUB_API_URL: f.apiUrl,
    GITHUB_GRAPHQL_URL: `${f.apiUrl}/graphql`,
    GITHUB_ACTOR_ID: String(sender.id ?? 583231),
    GITHUB_ENV: files.env,
    GITHUB_EVENT_NAME: f.event.name,
    GITHUB_EVENT_PATH: f.eventPath,
    GITHUB_JOB: f.jobName,
    GITHUB_OUTPUT: files.output,
    GITHUB_PATH: files.path,
    GITHUB_REF: f.event.ref,
    GITHUB_REF_NAME: f.event.ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_REF_TYPE: f.event.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_REPOSITORY: f.repository,
    GITHUB_REPOSITORY_ID: String(payloadRepo.id ?? 123456789),
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_OWNER_ID: String(payloadRepo.owner?.id ?? 987654),
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_ID: f.runId,
    GITHUB_RUN_NUMBER: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: f.sha,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_TRIGGERING_ACTOR: sender.login ?? 'octocat',
    GITHUB_WORKFLOW: 'harness',
    GITHUB_WORKFLOW_REF: `${f.repository}/.github/workflows/harness.yml@${f.event.ref}`,
    GITHUB_WORKFLOW_SHA: f.sha,
    GITHUB_WORKSPACE: f.workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: f.runnerTemp,
    RUNNER_TOOL_CACHE: f.toolCache,
    RUNNER_WORKSPACE: path.dirname(f.workspace),
  };
  if (f.event.headRef !== undefined) env.GITHUB_HEAD_REF = f.event.headRef;
  if (f.event.baseRef !== undefined) env.GITHUB_BASE_REF = f.event.baseRef;
  return env;
}
