/**
 * Runs bundled JavaScript actions (`runs.using: nodeXX`) the way the GitHub Actions runner does,
 * for integration tests (vitest) and the demo script (tsx).
 *
 * Behaviour reproduced from `actions/runner` (ActionRunner, NodeScriptActionHandler,
 * FileCommandManager, ActionCommandManager, ProcessInvoker, StepsRunner):
 *
 * - every step is a fresh `node <main>` process, cwd = workspace, stdin closed;
 * - env = harness process env (minus inherited `GITHUB_*`, `INPUT_*`, `RUNNER_*`, `STATE_*`,
 *   `ACTIONS_*`, and vitest's own variables) + job env + `GITHUB_ENV` exports so far + step env,
 *   then `STATE_*`, then `INPUT_*` for every declared input (`with` value, else the action.yml
 *   default, else `''`), then `PATH` with `GITHUB_PATH` entries prepended (newest first), then the
 *   default `GITHUB_*` / `RUNNER_*` variables (which therefore can't be overridden by env, as on
 *   GitHub), `GITHUB_ACTIONS=true` and `CI=true` unless `CI` is already set;
 * - fresh `GITHUB_OUTPUT` / `GITHUB_ENV` / `GITHUB_PATH` / `GITHUB_STEP_SUMMARY` / `GITHUB_STATE`
 *   files per step under `$RUNNER_TEMP/_runner_file_commands`, processed after the process exits
 *   (even when it failed or was cancelled); a malformed file fails the step;
 * - workflow commands on stdout **and** stderr (the runner processes both);
 * - main steps run in order with the implicit `if: success()`; then the post steps of every
 *   main step that ran, in reverse order, gated by `runs.post-if` (default `always()`);
 * - cancellation and step timeout: SIGINT, then SIGTERM 7.5 s later, then SIGKILL of the process
 *   group 2.5 s after that (ProcessInvoker.CancelAndKillProcessTree).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { FAILSAFE_SCHEMA, load as loadYaml } from 'js-yaml';
import {
  type Annotation,
  addToPrependPath,
  CommandProcessor,
  LineSplitter,
  maskSecrets,
  parseKeyValueFile,
  parsePathFile,
  prependPathValue,
} from './commands.js';
import {
  type ExpressionScope,
  type ExprValue,
  evaluateCondition,
  interpolate,
  type JobStatus,
} from './expression.js';
import { type FakeGitHub, READ_PERMISSIONS, startFakeGitHub } from './github/fake-github.js';

export type { Annotation } from './commands.js';

/** Absolute path of the repository root (the folder holding `package.json`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

/** Value of `github.token` / `${{ github.token }}` input defaults unless {@link JobSpec.token} is given. */
export const FAKE_GITHUB_TOKEN = 'ghs_fakeTokenForTests000';

/** Grace period between SIGINT and SIGTERM on cancel/timeout (actions/runner ProcessInvoker). */
export const SIGINT_GRACE_MS = 7500;
/** Grace period between SIGTERM and killing the process tree (actions/runner ProcessInvoker). */
export const SIGTERM_GRACE_MS = 2500;

/** Outcome of a step, as in the `steps.<id>.outcome` context. */
export type StepOutcome = 'success' | 'failure' | 'cancelled' | 'skipped';

/** Which script of the action ran. */
export type StepPhase = 'main' | 'post';

/** What a step's `with` function (and the harness) knows about the job so far. */
export interface JobContext {
  /** Finished main steps by id: their outputs and outcome (later steps are absent). */
  steps: Record<string, { outputs: Record<string, string>; outcome: StepOutcome; conclusion: StepOutcome }>;
  /** Job env merged with everything exported through `GITHUB_ENV` so far. */
  env: Record<string, string>;
  /** `github` context values the harness provides. */
  github: {
    repository: string;
    repository_owner: string;
    sha: string;
    ref: string;
    run_id: string;
    event_name: string;
    event: object;
    workspace: string;
    token: string;
    server_url: string;
  };
  runnerTemp: string;
  workspace: string;
}

/** One step of a job: a `uses:` of a local action. */
export interface StepSpec {
  /** Step id (`steps.<id>`, `GITHUB_ACTION`). Must be unique in the job. */
  id: string;
  /** Action folder name, resolved as `<actionsRoot>/<uses>/action.yml` (or `action.yaml`). */
  uses: string;
  /**
   * `with:` inputs. A function is called right before the step's main (and again before its post,
   * as the runner re-evaluates `with` for post) with the job context, e.g. to pass an earlier
   * step's outputs.
   */
  with?: Record<string, string> | ((ctx: JobContext) => Record<string, string>);
  /** Step-level `env:`. */
  env?: Record<string, string>;
}

/** A job to run. */
export interface JobSpec {
  steps: StepSpec[];
  /** Job-level `env:` (workflow env merged in, as GitHub does). */
  env?: Record<string, string>;
  /** The triggering event; default `push` with a minimal payload. */
  event?: { name: string; payload: object };
  /** `owner/name`; default `acme/webapp`. */
  repository?: string;
  /** `GITHUB_SHA`; default a fixed fake sha. */
  sha?: string;
  /** `GITHUB_REF`; default `refs/pull/<n>/merge` for pull_request, `refs/heads/<base>` for pull_request_target, else `refs/heads/main`. */
  ref?: string;
  /** `GITHUB_RUN_ID`; default a random 10-digit number (unique per job, so parallel tests don't collide). */
  runId?: string;
  /** `GITHUB_WORKSPACE` and the processes' cwd; default a fresh temp dir. */
  workspace?: string;
  /** Node binary; default `$EPHEMERAL_TEST_NODE`, else `process.execPath`. */
  node?: string;
  /**
   * Cancel the job while `step`'s main runs: when one of its stdout lines matches `when`, or
   * `afterMs` after it started.
   */
  cancel?: { step: string; when: RegExp } | { step: string; afterMs: number };
  /** Per-process timeout (`timeout-minutes`); default 15 min. On expiry: SIGINT → SIGTERM → SIGKILL, outcome failure. */
  stepTimeoutMs?: number;
  /** Called for every stdout/stderr line (already masked, as the runner log shows it). */
  onLine?: (step: string, phase: StepPhase, line: string) => void;
  /** Folder holding the actions named in `uses`; default {@link repoRoot}. */
  actionsRoot?: string;
  /** Secret values masked in logs/summary from the start, as the runner does for `secrets.*`. */
  secrets?: string[];
  /** `github.token` value; default {@link FAKE_GITHUB_TOKEN}. */
  token?: string;
  /** `GITHUB_JOB`; default `test`. */
  job?: string;
  /**
   * The GitHub the actions talk to (`GITHUB_API_URL`): a fake GitHub the test set up (the harness adds the
   * job's token and, when the fake lacks it, the event's pull request), or by default one fake GitHub shared
   * by the process, seeded from each job's event (the PR open, as the event says, head = the event's head).
   */
  github?: FakeGitHub;
}

/** Result of one main or post run of a step. */
export interface StepResult {
  id: string;
  phase: StepPhase;
  outcome: StepOutcome;
  exitCode: number | null;
  /** Signal that terminated the process, if any. */
  signal: string | null;
  /** Raw stdout (unmasked, workflow commands included). */
  stdout: string;
  /** Raw stderr (unmasked). */
  stderr: string;
  /** Outputs written to `GITHUB_OUTPUT` (and legacy `::set-output`). */
  outputs: Record<string, string>;
  durationMs: number;
  /** Annotations from `::error::`/`::warning::`/`::notice::`, plus runner-generated ones (`origin: 'runner'`). */
  annotations: Annotation[];
  /** Values registered by this step with `::add-mask::`. */
  masks: string[];
  /** Signals the harness sent (cancel/timeout), with ms since the process started. */
  signalsSent: Array<{ signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'; atMs: number }>;
  /** State saved by this run (`GITHUB_STATE`); for main, what its post receives as `STATE_*`. */
  state: Record<string, string>;
  /** The post-if condition that was evaluated (post only). */
  condition?: string;
}

/** Result of a whole job. */
export interface JobResult {
  /** Main steps in order, then post steps in the order they ran (skipped ones included). */
  steps: StepResult[];
  /** Outputs of a main step; throws for an id that isn't in the job. */
  outputs(stepId: string): Record<string, string>;
  /** Variables exported through `GITHUB_ENV` (final values). */
  env: Record<string, string>;
  /** All step summaries concatenated (main steps, then posts), masked like the runner does. */
  summary: string;
  runnerTemp: string;
  workspace: string;
  /** Final job status (after posts). */
  status: 'success' | 'failure' | 'cancelled';
  /**
   * All stdout+stderr lines of all steps in the order they were received, with secrets masked as
   * the runner's log would show them (masks apply from the moment they're registered; a value
   * printed *before* its `::add-mask::` stays visible, as on GitHub). Use it for "the secret never
   * appears in the log" assertions.
   */
  logText(): string;
  /** Like {@link logText} but unmasked. */
  rawLogText(): string;
  /** Removes the job's temp dirs (RUNNER_TEMP, tool cache, and the workspace if the harness created it). */
  cleanup(): Promise<void>;
}

interface ActionInput {
  name: string;
  default: string;
  deprecationMessage?: string;
}

interface ActionManifest {
  dir: string;
  inputs: ActionInput[];
  main: string;
  post?: string;
  postIf: string;
}

const NODE_RUNTIMES = new Set(['node12', 'node16', 'node20', 'node24']);

function loadAction(actionsRoot: string, uses: string): ActionManifest {
  const dir = path.resolve(actionsRoot, uses);
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`Can't find 'action.yml' or 'action.yaml' under '${dir}' (uses: ${uses})`);
  const doc = loadYaml(fs.readFileSync(file, 'utf8'), { schema: FAILSAFE_SCHEMA, filename: file }) as Record<
    string,
    unknown
  > | null;
  const runs = (doc?.runs ?? null) as Record<string, string | null> | null;
  if (!runs || typeof runs !== 'object') throw new Error(`${file}: missing 'runs'`);
  const using = String(runs.using ?? '').toLowerCase();
  if (!NODE_RUNTIMES.has(using))
    throw new Error(`${file}: runs.using '${runs.using}' is not a JavaScript runtime`);
  if (!runs.main) throw new Error(`${file}: runs.main is required`);
  const inputs: ActionInput[] = [];
  const rawInputs = (doc?.inputs ?? {}) as Record<string, Record<string, string | null> | null>;
  for (const [name, meta] of Object.entries(rawInputs)) {
    const input: ActionInput = { name, default: meta?.default ?? '' };
    if (meta?.deprecationMessage != null) input.deprecationMessage = meta.deprecationMessage;
    inputs.push(input);
  }
  const manifest: ActionManifest = {
    dir,
    inputs,
    main: path.resolve(dir, runs.main),
    postIf: runs['post-if'] ?? 'always()',
  };
  if (runs.post) manifest.post = path.resolve(dir, runs.post);
  for (const script of [manifest.main, manifest.post]) {
    if (script && !fs.existsSync(script))
      throw new Error(`${file}: script not found: ${script} (run the bundle first?)`);
  }
  return manifest;
}

function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

const STRIPPED_PREFIXES = ['GITHUB_', 'INPUT_', 'RUNNER_', 'STATE_', 'ACTIONS_'];

/** The harness's own env minus anything that would leak a real runner/CI or vitest into the action. */
function baseEnv(): Record<string, string> {
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

const DEFAULT_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

interface EventInfo {
  name: string;
  payload: Record<string, unknown>;
  ref: string;
  headRef?: string;
  baseRef?: string;
}

function resolveEvent(spec: JobSpec, repository: string, sha: string): EventInfo {
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

let sharedGitHub: Promise<FakeGitHub> | null = null;

/** The fake GitHub shared by every job of this process that brings none (started on first use). */
export function defaultGitHub(): Promise<FakeGitHub> {
  // unref: a process (the demo, a bench) may end while it still listens.
  sharedGitHub ??= startFakeGitHub().then((fake) => fake.unref());
  return sharedGitHub;
}

interface PullPayload {
  number?: number;
  state?: string;
  head?: { sha?: string; ref?: string; repo?: { full_name?: string } | null };
  base?: { ref?: string; repo?: { full_name?: string } | null };
  user?: { login?: string };
}

/**
 * Prepares the fake GitHub for a job: its token (read-only for a fork's PR under `pull_request`, as GitHub
 * does) and the event's PR. `upsert`: the event is the truth (the shared fake); else the PR is only added
 * when the test did not set it up itself.
 */
function seedGitHub(
  fake: FakeGitHub,
  token: string,
  repository: string,
  event: EventInfo,
  upsert: boolean,
): void {
  const pr = event.payload.pull_request as PullPayload | undefined;
  const headRepo = pr?.head?.repo;
  const base = (pr?.base?.repo?.full_name ?? repository).toLowerCase();
  const fork =
    pr !== undefined &&
    (headRepo === null || (headRepo?.full_name !== undefined && headRepo.full_name.toLowerCase() !== base));
  const readOnly = fork && (event.name === 'pull_request' || event.name === 'pull_request_review');
  if (upsert || !fake.tokens.has(token))
    fake.addToken(token, readOnly ? { permissions: { ...READ_PERMISSIONS } } : {});
  const repo = fake.repo(repository);
  if (typeof pr?.number !== 'number') return;
  if (!upsert && repo.pulls.has(pr.number)) return;
  fake.pull(repository, pr.number, {
    state: pr.state === 'closed' ? 'closed' : 'open',
    ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
    ...(pr.head?.ref ? { headRef: pr.head.ref } : {}),
    ...(pr.base?.ref ? { baseRef: pr.base.ref } : {}),
    fork,
    ...(fork && headRepo?.full_name ? { author: headRepo.full_name.split('/')[0] } : {}),
  });
}

/** Live step processes, SIGKILLed if the harness process exits while they still run. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) killGroup(c);
    });
  }
  liveChildren.add(child);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group already gone
  }
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

interface ProcessRun {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  cancelled: boolean;
  timedOut: boolean;
  spawnError: Error | null;
  signalsSent: StepResult['signalsSent'];
}

interface ProcessOptions {
  node: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  cancelWhen?: RegExp;
  cancelAfterMs?: number;
}

/** Runs one node process with the runner's cancellation/timeout semantics. */
function runProcess(o: ProcessOptions): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const start = performance.now();
    const since = () => Math.round(performance.now() - start);
    const run: ProcessRun = {
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      cancelled: false,
      timedOut: false,
      spawnError: null,
      signalsSent: [],
    };
    // detached: own process group, so the final kill reaches grandchildren too
    const child = spawn(o.node, [o.script], {
      cwd: o.cwd,
      env: o.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    trackChild(child);
    child.stdin?.on('error', () => {});
    child.stdin?.end(); // the runner closes STDIN right away
    let exited = false;
    let escalating = false;
    let settled = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const send = (signal: 'SIGINT' | 'SIGTERM') => {
      try {
        if (child.kill(signal)) run.signalsSent.push({ signal, atMs: since() });
      } catch {
        // process already gone
      }
    };
    const escalate = () => {
      if (escalating || exited) return;
      escalating = true;
      send('SIGINT');
      later(SIGINT_GRACE_MS, () => {
        if (exited) return;
        send('SIGTERM');
        later(SIGTERM_GRACE_MS, () => {
          if (exited) return;
          run.signalsSent.push({ signal: 'SIGKILL', atMs: since() });
          killGroup(child);
        });
      });
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      liveChildren.delete(child);
      run.durationMs = Math.round(performance.now() - start);
      resolve(run);
    };

    const wire = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
      if (!stream) return { flush: () => {} };
      const decoder = new StringDecoder('utf8');
      const splitter = new LineSplitter();
      const handle = (lines: string[]) => {
        for (const line of lines) {
          o.onLine(name, line);
          if (name === 'stdout' && o.cancelWhen && !escalating && !exited) {
            o.cancelWhen.lastIndex = 0;
            if (o.cancelWhen.test(line)) {
              run.cancelled = true;
              escalate();
            }
          }
        }
      };
      stream.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        run[name] += text;
        handle(splitter.push(text));
      });
      return {
        flush: () => {
          const text = decoder.end();
          run[name] += text;
          handle(splitter.push(text));
          handle(splitter.flush());
        },
      };
    };
    const out = wire(child.stdout, 'stdout');
    const err = wire(child.stderr, 'stderr');

    later(o.timeoutMs, () => {
      if (exited || escalating) return;
      run.timedOut = true;
      escalate();
    });
    if (o.cancelAfterMs !== undefined) {
      later(o.cancelAfterMs, () => {
        if (exited || escalating) return;
        run.cancelled = true;
        escalate();
      });
    }

    child.on('error', (e) => {
      run.spawnError = e;
      if (child.pid === undefined) {
        exited = true;
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      exited = true;
      run.exitCode = code;
      run.signal = signal;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // The runner waits for the output streams; if a leftover grandchild keeps them open it
      // kills the process tree after 5 s.
      later(5000, () => killGroup(child));
    });
    child.on('close', () => {
      out.flush();
      err.flush();
      finish();
    });
  });
}

function randomRunId(): string {
  return String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
}

/**
 * Runs a job: every step's main in order, then the posts in reverse order, as the GitHub Actions
 * runner does. Rejects only for harness errors (unknown action, bad spec); step failures are
 * reported in the result.
 */
export async function runJob(spec: JobSpec): Promise<JobResult> {
  const actionsRoot = spec.actionsRoot ?? repoRoot;
  const ids = new Set<string>();
  for (const s of spec.steps) {
    if (!s.id) throw new Error('every step needs an id');
    if (ids.has(s.id)) throw new Error(`duplicate step id '${s.id}'`);
    ids.add(s.id);
  }
  if (spec.cancel && !ids.has(spec.cancel.step))
    throw new Error(`cancel.step '${spec.cancel.step}' is not a step id`);
  // the runner loads every action while setting up the job, before any step runs
  const manifests = new Map(spec.steps.map((s) => [s.id, loadAction(actionsRoot, s.uses)]));

  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ephemeral-harness-'));
  const runnerTemp = path.join(base, 'temp');
  const toolCache = path.join(base, 'tool-cache');
  const workspace = spec.workspace ? path.resolve(spec.workspace) : path.join(base, 'workspace');
  const commandDir = path.join(runnerTemp, '_runner_file_commands');
  for (const d of [runnerTemp, toolCache, workspace, commandDir, path.join(runnerTemp, '_github_workflow')]) {
    fs.mkdirSync(d, { recursive: true });
  }

  const repository = spec.repository ?? 'acme/webapp';
  const owner = repository.split('/')[0] ?? '';
  const sha = spec.sha ?? DEFAULT_SHA;
  const runId = spec.runId ?? randomRunId();
  const token = spec.token ?? FAKE_GITHUB_TOKEN;
  const event = resolveEvent(spec, repository, sha);
  const github = spec.github ?? (await defaultGitHub());
  seedGitHub(github, token, repository, event, spec.github === undefined);
  const eventPath = path.join(runnerTemp, '_github_workflow', 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(event.payload, null, 2));
  const node = spec.node ?? process.env.EPHEMERAL_TEST_NODE ?? process.execPath;
  const timeoutMs = spec.stepTimeoutMs ?? 15 * 60 * 1000;
  const jobName = spec.job ?? 'test';
  const payloadRepo = (event.payload.repository ?? {}) as { id?: number; owner?: { id?: number } };
  const sender = (event.payload.sender ?? {}) as { login?: string; id?: number };
  const refName = event.ref.replace(/^refs\/(heads|tags|pull)\//, '');
  const refType = event.ref.startsWith('refs/tags/') ? 'tag' : 'branch';

  const job = {
    status: 'success' as JobStatus,
    exported: {} as Record<string, string>,
    prependPath: [] as string[],
    masks: [...(spec.secrets ?? []).filter((s) => s !== '')],
    summaries: [] as string[],
    log: [] as Array<{ raw: string; masked: string }>,
    steps: {} as JobContext['steps'],
    results: [] as StepResult[],
  };

  const githubCtx = (): JobContext['github'] => ({
    repository,
    repository_owner: owner,
    sha,
    ref: event.ref,
    run_id: runId,
    event_name: event.name,
    event: event.payload,
    workspace,
    token,
    server_url: 'https://github.com',
  });
  const jobContext = (): JobContext => ({
    steps: structuredClone(job.steps),
    env: { ...spec.env, ...job.exported },
    github: githubCtx(),
    runnerTemp,
    workspace,
  });

  /** GITHUB_* / RUNNER_* variables from the github and runner contexts (they win over env). */
  const contextEnv = (stepId: string, manifest: ActionManifest, files: Record<string, string>) => {
    const env: Record<string, string> = {
      GITHUB_ACTION: stepId,
      GITHUB_ACTION_PATH: manifest.dir,
      GITHUB_ACTOR: sender.login ?? 'octocat',
      GITHUB_API_URL: github.url,
      GITHUB_GRAPHQL_URL: `${github.url}/graphql`,
      GITHUB_ACTOR_ID: String(sender.id ?? 583231),
      GITHUB_ENV: files.env as string,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_JOB: jobName,
      GITHUB_OUTPUT: files.output as string,
      GITHUB_PATH: files.path as string,
      GITHUB_REF: event.ref,
      GITHUB_REF_NAME: refName,
      GITHUB_REF_PROTECTED: 'false',
      GITHUB_REF_TYPE: refType,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_ID: String(payloadRepo.id ?? 123456789),
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_REPOSITORY_OWNER_ID: String(payloadRepo.owner?.id ?? 987654),
      GITHUB_RETENTION_DAYS: '90',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_RUN_ID: runId,
      GITHUB_RUN_NUMBER: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: sha,
      GITHUB_STATE: files.state as string,
      GITHUB_STEP_SUMMARY: files.summary as string,
      GITHUB_TRIGGERING_ACTOR: sender.login ?? 'octocat',
      GITHUB_WORKFLOW: 'harness',
      GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/harness.yml@${event.ref}`,
      GITHUB_WORKFLOW_SHA: sha,
      GITHUB_WORKSPACE: workspace,
      RUNNER_ARCH: 'X64',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_NAME: 'GitHub Actions 1',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: toolCache,
      RUNNER_WORKSPACE: path.dirname(workspace),
    };
    if (event.headRef !== undefined) env.GITHUB_HEAD_REF = event.headRef;
    if (event.baseRef !== undefined) env.GITHUB_BASE_REF = event.baseRef;
    return env;
  };

  const scopeFor = (envCtx: Record<string, string>): ExpressionScope => ({
    jobStatus: job.status,
    contexts: {
      env: envCtx,
      github: githubCtx() as unknown as ExprValue,
      runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions 1', temp: runnerTemp, tool_cache: toolCache },
      job: { status: job.status },
      steps: structuredClone(job.steps) as unknown as ExprValue,
      strategy: {},
      matrix: {},
    },
  });

  const runPhase = async (
    step: StepSpec,
    phase: StepPhase,
    intraState: Record<string, string>,
    condition?: string,
  ): Promise<StepResult> => {
    const manifest = manifests.get(step.id) as ActionManifest;
    const annotations: Annotation[] = [];
    const runnerNote = (level: Annotation['level'], message: string) =>
      annotations.push({ level, message, properties: {}, origin: 'runner' });
    const envCtx = { ...spec.env, ...job.exported, ...step.env };

    // inputs: `with` values (re-evaluated for post, as the runner does), then defaults
    const given = typeof step.with === 'function' ? step.with(jobContext()) : (step.with ?? {});
    const inputs: Record<string, string> = {};
    const declared = new Map(manifest.inputs.map((i) => [i.name.toUpperCase(), i]));
    const unexpected: string[] = [];
    for (const [k, v] of Object.entries(given)) {
      inputs[k] = String(v);
      const decl = declared.get(k.toUpperCase());
      if (!decl) unexpected.push(k);
      else if (decl.deprecationMessage !== undefined) {
        runnerNote('warning', `Input '${k}' has been deprecated with message: ${decl.deprecationMessage}`);
      }
    }
    const givenUpper = new Set(Object.keys(given).map((k) => k.toUpperCase()));
    for (const input of manifest.inputs) {
      if (givenUpper.has(input.name.toUpperCase())) continue;
      let value = '';
      try {
        value = interpolate(input.default, scopeFor(envCtx));
      } catch {
        value = ''; // an expression the harness can't evaluate
      }
      inputs[input.name] = value;
    }
    if (unexpected.length > 0) {
      runnerNote(
        'warning',
        `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${manifest.inputs.map((i) => i.name).join("', '")}']`,
      );
    }

    // fresh file-command files
    const suffix = randomUUID();
    const files: Record<string, string> = {
      path: path.join(commandDir, `add_path_${suffix}`),
      env: path.join(commandDir, `set_env_${suffix}`),
      output: path.join(commandDir, `set_output_${suffix}`),
      state: path.join(commandDir, `save_state_${suffix}`),
      summary: path.join(commandDir, `step_summary_${suffix}`),
    };
    for (const f of Object.values(files)) fs.writeFileSync(f, '');

    const env: Record<string, string> = { ...baseEnv(), ...envCtx };
    for (const [k, v] of Object.entries(intraState)) env[`STATE_${k}`] = v;
    for (const [k, v] of Object.entries(inputs)) env[inputEnvName(k)] = v;
    env.PATH = prependPathValue(job.prependPath, env.PATH);
    Object.assign(env, contextEnv(step.id, manifest, files));
    env.GITHUB_ACTIONS = 'true';
    if (!('CI' in env)) env.CI = 'true';

    const outputs: Record<string, string> = {};
    const state: Record<string, string> = {};
    const masks: string[] = [];
    let commandFailure = false;
    const processor = new CommandProcessor(envCtx.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true', (cmd) => {
      if (cmd.command === 'set-env' && cmd.properties.name) {
        if (cmd.properties.name.toUpperCase() === 'NODE_OPTIONS') {
          runnerNote('error', "Can't update NODE_OPTIONS environment variable using ::set-env:: command.");
        } else job.exported[cmd.properties.name] = cmd.data;
      } else if (cmd.command === 'add-path' && cmd.data) addToPrependPath(job.prependPath, [cmd.data]);
    });

    const cancel = phase === 'main' && spec.cancel?.step === step.id ? spec.cancel : undefined;
    const procOptions: ProcessOptions = {
      node,
      script: phase === 'main' ? manifest.main : (manifest.post as string),
      cwd: workspace,
      env,
      timeoutMs,
      onLine: (_stream, line) => {
        const fx = processor.process(line);
        if (fx) {
          if (fx.annotation) annotations.push(fx.annotation);
          if (fx.mask !== undefined) {
            masks.push(fx.mask);
            job.masks.push(fx.mask);
          }
          if (fx.output) outputs[fx.output[0]] = fx.output[1];
          if (fx.state) state[fx.state[0]] = fx.state[1];
          if (fx.fail) commandFailure = true;
        }
        const masked = maskSecrets(line, job.masks);
        job.log.push({ raw: line, masked });
        spec.onLine?.(step.id, phase, masked);
      },
    };
    if (cancel && 'when' in cancel) procOptions.cancelWhen = cancel.when;
    if (cancel && 'afterMs' in cancel) procOptions.cancelAfterMs = cancel.afterMs;
    const proc = await runProcess(procOptions);
    if (proc.spawnError) runnerNote('error', `Failed to start '${node}': ${proc.spawnError.message}`);

    // file commands, processed even after failure/cancellation (ActionRunner's finally block)
    const fileCommand = (name: string, fn: () => void) => {
      try {
        fn();
      } catch (e) {
        runnerNote(
          'error',
          `Unable to process file command '${name}' successfully.\n${(e as Error).message}`,
        );
        commandFailure = true;
      }
    };
    fileCommand('path', () =>
      addToPrependPath(job.prependPath, parsePathFile(fs.readFileSync(files.path as string, 'utf8'))),
    );
    fileCommand('env', () => {
      for (const [k, v] of parseKeyValueFile(fs.readFileSync(files.env as string, 'utf8'))) {
        if (k.toUpperCase() === 'NODE_OPTIONS') {
          runnerNote('error', "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
          continue;
        }
        job.exported[k] = v;
      }
    });
    fileCommand('output', () => {
      for (const [k, v] of parseKeyValueFile(fs.readFileSync(files.output as string, 'utf8'))) outputs[k] = v;
    });
    fileCommand('state', () => {
      for (const [k, v] of parseKeyValueFile(fs.readFileSync(files.state as string, 'utf8'))) state[k] = v;
    });
    const summaryText = fs.readFileSync(files.summary as string, 'utf8');
    if (Buffer.byteLength(summaryText) > 1024 * 1024) {
      runnerNote(
        'error',
        `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.floor(Buffer.byteLength(summaryText) / 1024)}k.`,
      );
    } else if (summaryText !== '') {
      // the runner re-writes the file line by line through the secret masker before uploading it
      const lines = summaryText.split(/\r\n|\r|\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      job.summaries.push(lines.map((l) => `${maskSecrets(l, job.masks)}\n`).join(''));
    }

    let outcome: StepOutcome;
    if (proc.cancelled) outcome = 'cancelled';
    else if (proc.timedOut) {
      runnerNote('error', `The action '${step.id}' has timed out after ${timeoutMs} ms.`);
      outcome = 'failure';
    } else outcome = proc.exitCode === 0 && !commandFailure ? 'success' : 'failure';

    const result: StepResult = {
      id: step.id,
      phase,
      outcome,
      exitCode: proc.exitCode,
      signal: proc.signal,
      stdout: proc.stdout,
      stderr: proc.stderr,
      outputs,
      durationMs: proc.durationMs,
      annotations,
      masks,
      signalsSent: proc.signalsSent,
      state,
    };
    if (condition !== undefined) result.condition = condition;
    return result;
  };

  const skipped = (id: string, phase: StepPhase, condition?: string): StepResult => {
    const r: StepResult = {
      id,
      phase,
      outcome: 'skipped',
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      outputs: {},
      durationMs: 0,
      annotations: [],
      masks: [],
      signalsSent: [],
      state: {},
    };
    if (condition !== undefined) r.condition = condition;
    return r;
  };

  const mergeStatus = (outcome: StepOutcome) => {
    // TaskResultUtil.MergeTaskResults: once failed or cancelled, the job stays so
    if (job.status !== 'success') return;
    if (outcome === 'failure') job.status = 'failure';
    else if (outcome === 'cancelled') job.status = 'cancelled';
  };

  // main steps
  const ran: Array<{ step: StepSpec; state: Record<string, string> }> = [];
  for (const step of spec.steps) {
    if (job.status !== 'success') {
      const r = skipped(step.id, 'main');
      job.results.push(r);
      job.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const r = await runPhase(step, 'main', {});
    job.results.push(r);
    job.steps[step.id] = { outputs: { ...r.outputs }, outcome: r.outcome, conclusion: r.outcome };
    ran.push({ step, state: r.state });
    mergeStatus(r.outcome);
  }

  // post steps, last registered first
  for (const { step, state } of [...ran].reverse()) {
    const manifest = manifests.get(step.id) as ActionManifest;
    if (!manifest.post) continue;
    const envCtx = { ...spec.env, ...job.exported, ...step.env };
    let run: boolean;
    try {
      run = evaluateCondition(manifest.postIf, scopeFor(envCtx));
    } catch (e) {
      const r = skipped(step.id, 'post', manifest.postIf);
      r.outcome = 'failure';
      r.annotations.push({
        level: 'error',
        message: `The step failed and an error occurred when attempting to determine whether to continue: ${(e as Error).message}`,
        properties: {},
        origin: 'runner',
      });
      job.results.push(r);
      mergeStatus('failure');
      continue;
    }
    if (!run) {
      job.results.push(skipped(step.id, 'post', manifest.postIf));
      continue;
    }
    const r = await runPhase(step, 'post', state, manifest.postIf);
    job.results.push(r);
    mergeStatus(r.outcome);
  }

  // GitHub's contract has teeth: a request or response the fake found invalid fails the job's test.
  const violations = github.violations.splice(0);
  if (violations.length > 0)
    throw new Error(`The actions broke GitHub's REST contract (fake GitHub):\n- ${violations.join('\n- ')}`);
  const results = job.results;
  const byId = new Map(results.filter((r) => r.phase === 'main').map((r) => [r.id, r]));
  return {
    steps: results,
    outputs(stepId: string) {
      const r = byId.get(stepId);
      if (!r) throw new Error(`no step '${stepId}' in this job (steps: ${[...byId.keys()].join(', ')})`);
      return r.outputs;
    },
    env: { ...job.exported },
    summary: job.summaries.join(''),
    runnerTemp,
    workspace,
    status: job.status,
    logText: () => job.log.map((l) => l.masked).join('\n'),
    rawLogText: () => job.log.map((l) => l.raw).join('\n'),
    cleanup: async () => {
      await fs.promises.rm(base, { recursive: true, force: true });
    },
  };
}
