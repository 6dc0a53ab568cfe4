/** One main or post run of a step: its inputs and environment, the process, its workflow and file commands. */
import { type ActionManifest, inputEnvName, resolveInputs } from './action.js';
import { addToPrependPath, CommandProcessor, maskSecrets, prependPathValue } from './commands.js';
import { baseEnv, contextEnv } from './env.js';
import { createCommandFiles, processCommandFiles } from './file-commands.js';
import { type ProcessOptions, runProcess } from './process.js';
import type { Job } from './run-state.js';
import type { Annotation, StepPhase, StepResult, StepSpec } from './types.js';

/** A result for a step that did not run. */
export function skipped(id: string, phase: StepPhase, condition?: string): StepResult {
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
}

/** The workflow-command processor of one step: annotations, masks, outputs and state as lines come. */
function lineHandler(job: Job, step: StepSpec, phase: StepPhase, r: StepResult, fail: () => void) {
  const envCtx = job.envOf(step);
  const processor = new CommandProcessor(envCtx.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true', (cmd) => {
    if (cmd.command === 'set-env' && cmd.properties.name) {
      if (cmd.properties.name.toUpperCase() === 'NODE_OPTIONS') {
        r.annotations.push(
          runnerNote('error', "Can't update NODE_OPTIONS environment variable using ::set-env:: command."),
        );
      } else job.exported[cmd.properties.name] = cmd.data;
    } else if (cmd.command === 'add-path' && cmd.data) addToPrependPath(job.prependPath, [cmd.data]);
  });
  return (line: string) => {
    const fx = processor.process(line);
    if (fx) {
      if (fx.annotation) r.annotations.push(fx.annotation);
      if (fx.mask !== undefined) {
        r.masks.push(fx.mask);
        job.masks.push(fx.mask);
      }
      if (fx.output) r.outputs[fx.output[0]] = fx.output[1];
      if (fx.state) r.state[fx.state[0]] = fx.state[1];
      if (fx.fail) fail();
    }
    const masked = maskSecrets(line, job.masks);
    job.log.push({ raw: line, masked });
    job.spec.onLine?.(step.id, phase, masked);
  };
}

export function runnerNote(level: Annotation['level'], message: string): Annotation {
  return { level, message, properties: {}, origin: 'runner' };
}

/** Runs one main or post of a step and processes what it left. */
export async function runPhase(
  job: Job,
  step: StepSpec,
  phase: StepPhase,
  intraState: Record<string, string>,
  condition?: string,
): Promise<StepResult> {
  const manifest = job.manifests.get(step.id) as ActionManifest;
  const r: StepResult = { ...skipped(step.id, phase, condition), outcome: 'success' };
  const note = (level: Annotation['level'], message: string) =>
    r.annotations.push(runnerNote(level, message));
  const envCtx = job.envOf(step);
  // inputs: `with` values (re-evaluated for post, as the runner does), then defaults
  const given = typeof step.with === 'function' ? step.with(job.context()) : (step.with ?? {});
  const inputs = resolveInputs(manifest, given, job.scope(envCtx), note);
  const files = createCommandFiles(job.commandDir);
  const env: Record<string, string> = { ...baseEnv(), ...envCtx };
  for (const [k, v] of Object.entries(intraState)) env[`STATE_${k}`] = v;
  for (const [k, v] of Object.entries(inputs)) env[inputEnvName(k)] = v;
  env.PATH = prependPathValue(job.prependPath, env.PATH);
  Object.assign(env, contextEnv(job.facts, step.id, manifest, files));
  env.GITHUB_ACTIONS = 'true';
  if (!('CI' in env)) env.CI = 'true';

  let commandFailure = false;
  const onLine = lineHandler(job, step, phase, r, () => {
    commandFailure = true;
  });
  const cancel = phase === 'main' && job.spec.cancel?.step === step.id ? job.spec.cancel : undefined;
  const options: ProcessOptions = {
    node: job.node,
    script: phase === 'main' ? manifest.main : (manifest.post as string),
    cwd: job.facts.workspace,
    env,
    timeoutMs: job.timeoutMs,
    onLine: (_stream, line) => onLine(line),
  };
  if (cancel && 'when' in cancel) options.cancelWhen = cancel.when;
  if (cancel && 'afterMs' in cancel) options.cancelAfterMs = cancel.afterMs;
  const proc = await runProcess(options);
  if (proc.spawnError) note('error', `Failed to start '${job.node}': ${proc.spawnError.message}`);
  // file commands, processed even after failure/cancellation (ActionRunner's finally block)
  const targets = {
    prependPath: job.prependPath,
    exported: job.exported,
    outputs: r.outputs,
    state: r.state,
    masks: job.masks,
    summaries: job.summaries,
  };
  if (!processCommandFiles(files, targets, note)) commandFailure = true;

  if (proc.cancelled) r.outcome = 'cancelled';
  else if (proc.timedOut) {
    note('error', `The action '${step.id}' has timed out after ${job.timeoutMs} ms.`);
    r.outcome = 'failure';
  } else r.outcome = proc.exitCode === 0 && !commandFailure ? 'success' : 'failure';
  Object.assign(r, {
    exitCode: proc.exitCode,
    signal: proc.signal,
    stdout: proc.stdout,
    stderr: proc.stderr,
    durationMs: proc.durationMs,
    signalsSent: proc.signalsSent,
  });
  return r;
}
