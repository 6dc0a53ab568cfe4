/** The state of one job run: its folders, the facts of the github and runner contexts, and what carries from step to step. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ActionManifest } from './action.js';
import {
  DEFAULT_SHA,
  FAKE_GITHUB_TOKEN,
  githubContext,
  type JobFacts,
  resolveEvent,
  runnerContext,
} from './env.js';
import type { ExpressionScope, ExprValue, JobStatus } from './expression.js';
import type { JobContext, JobSpec, StepOutcome, StepResult, StepSpec } from './types.js';

function randomRunId(): string {
  return String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
}

/** One job run: its folders, facts and the state that carries from step to step. */
export class Job {
  readonly base = fs.mkdtempSync(path.join(os.tmpdir(), 'ephemeral-harness-'));
  readonly facts: JobFacts;
  readonly commandDir: string;
  status: JobStatus = 'success';
  readonly exported: Record<string, string> = {};
  readonly prependPath: string[] = [];
  readonly masks: string[];
  readonly summaries: string[] = [];
  readonly log: Array<{ raw: string; masked: string }> = [];
  readonly steps: JobContext['steps'] = {};
  readonly results: StepResult[] = [];
  readonly node: string;
  readonly timeoutMs: number;

  constructor(
    readonly spec: JobSpec,
    readonly manifests: Map<string, ActionManifest>,
    apiUrl: string,
  ) {
    const runnerTemp = path.join(this.base, 'temp');
    const toolCache = path.join(this.base, 'tool-cache');
    const workspace = spec.workspace ? path.resolve(spec.workspace) : path.join(this.base, 'workspace');
    this.commandDir = path.join(runnerTemp, '_runner_file_commands');
    for (const d of [
      runnerTemp,
      toolCache,
      workspace,
      this.commandDir,
      path.join(runnerTemp, '_github_workflow'),
    ])
      fs.mkdirSync(d, { recursive: true });
    const repository = spec.repository ?? 'acme/webapp';
    const sha = spec.sha ?? DEFAULT_SHA;
    const event = resolveEvent(spec, repository, sha);
    const eventPath = path.join(runnerTemp, '_github_workflow', 'event.json');
    fs.writeFileSync(eventPath, JSON.stringify(event.payload, null, 2));
    this.facts = {
      repository,
      sha,
      runId: spec.runId ?? randomRunId(),
      token: spec.token ?? FAKE_GITHUB_TOKEN,
      apiUrl,
      jobName: spec.job ?? 'test',
      event,
      eventPath,
      workspace,
      runnerTemp,
      toolCache,
    };
    this.masks = [...(spec.secrets ?? []).filter((s) => s !== '')];
    this.node = spec.node ?? process.env.EPHEMERAL_TEST_NODE ?? process.execPath;
    this.timeoutMs = spec.stepTimeoutMs ?? 15 * 60 * 1000;
  }

  context(): JobContext {
    return {
      steps: structuredClone(this.steps),
      env: { ...this.spec.env, ...this.exported },
      github: githubContext(this.facts),
      runnerTemp: this.facts.runnerTemp,
      workspace: this.facts.workspace,
    };
  }

  scope(envCtx: Record<string, string>): ExpressionScope {
    return {
      jobStatus: this.status,
      contexts: {
        env: envCtx,
        github: githubContext(this.facts) as unknown as ExprValue,
        runner: runnerContext(this.facts),
        job: { status: this.status },
        steps: structuredClone(this.steps) as unknown as ExprValue,
        strategy: {},
        matrix: {},
      },
    };
  }

  envOf(step: StepSpec): Record<string, string> {
    return { ...this.spec.env, ...this.exported, ...step.env };
  }

  /** TaskResultUtil.MergeTaskResults: once failed or cancelled, the job stays so. */
  merge(outcome: StepOutcome): void {
    if (this.status !== 'success') return;
    if (outcome === 'failure') this.status = 'failure';
    else if (outcome === 'cancelled') this.status = 'cancelled';
  }
}
