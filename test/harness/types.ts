/** The harness's public shapes: what a job and its steps are, and what running them returns. */
import type { Annotation } from './commands.js';
import type { FakeGitHub } from './github/fake-github.js';

export type { Annotation } from './commands.js';

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
    api_url: string;
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
  /**
   * `continue-on-error: true`: a failure leaves the job's status alone, so later steps run; the step's
   * outcome stays `failure` and its conclusion is `success`, as on GitHub
   * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepscontinue-on-error).
   */
  continueOnError?: boolean;
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
  /** Folder holding the actions named in `uses`; default the repository root. */
  actionsRoot?: string;
  /** Secret values masked in logs/summary from the start, as the runner does for `secrets.*`. */
  secrets?: string[];
  /**
   * The GitHub the actions talk to (`GITHUB_API_URL`): a fake GitHub the test set up (the harness adds the
   * job's token and, when the fake lacks it, the event's pull request), or by default one fake GitHub shared
   * by the process, seeded from each job's event (the PR open, as the event says, head = the event's head).
   */
  github?: FakeGitHub;
  /** `github.token` value; default `FAKE_GITHUB_TOKEN`. */
  token?: string;
  /** `GITHUB_JOB`; default `test`. */
  job?: string;
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
