/**
 * verify-seed settings: inputs read once, validated, frozen — the spec parsed, validated against its schema
 * and resolved (variables, `{service:port}`, secrets registered) before anything connects.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { handedOffProject } from '../../shared/src/compose/handed-off.js';
import { servicesFromEnv } from '../../shared/src/compose/placeholders.js';
import { readRunContext } from '../../shared/src/environment/run-context.js';
import { type GitHubSettings, readCommentSettings } from '../../shared/src/github/settings.js';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/report/artifact.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { ENV_SERVICES } from '../../shared/src/runtime/handoff.js';
import { actionInputs, type InputSource, Inputs } from '../../shared/src/runtime/inputs.js';
import type { Timing } from './checks/schedule.js';
import { needsServiceExec } from './connections/open.js';
import { type ResolvedSpec, resolveSpec } from './connections/resolve.js';
import { DEFAULTS, INPUTS } from './contract.js';
import { readSeedCommand } from './seed-command.js';
import { parseSpec } from './spec/parse.js';

/** Typed settings. Durations in ms; paths absolute. */
export interface VerifySettings {
  spec: ResolvedSpec;
  /** Which input held the spec. */
  specInput: 'spec' | 'checks';
  workingDirectory: string;
  /** argv, or [] for none. */
  seedCommand: string[];
  seedTimeoutMs: number;
  timing: Timing;
  /** The Compose project (for exec connections and the seed command), '' when none is known. */
  project: string;
  composeFiles: string[];
  composeDirectory: string;
  uploadReport: UploadPolicy;
  /** `github-token`, `comment`, `comment-author`: this action's line in the sticky PR comment. */
  github: GitHubSettings;
}

/**
 * Reads and validates the inputs and the spec (asynchronous: the spec's SQL parsers load on demand).
 * @param source the raw inputs (the runner's by default); empty ones read as their action.yml default
 * @param env the environment: the spec's `${VAR}`s and what earlier steps handed off
 * @param workspace GITHUB_WORKSPACE (relative paths resolve against it)
 * @throws UserInputError for a bad input (naming it and the fix); SpecError (a UserInputError) for a bad
 *   spec, listing every problem with file, line and column
 */
export async function getSettings(
  source: InputSource = actionInputs,
  env: NodeJS.ProcessEnv = process.env,
  workspace = readRunContext(env).workspace,
): Promise<VerifySettings> {
  const inputs = new Inputs(source, DEFAULTS);
  const workingDirectory = resolve(workspace, inputs.string(INPUTS.workingDirectory));
  if (!existsSync(workingDirectory))
    throw new UserInputError(
      INPUTS.workingDirectory,
      `directory "${workingDirectory}" does not exist`,
      'check out the repository first (actions/checkout) or fix the path',
    );
  const specPath = inputs.string(INPUTS.spec);
  const inline = inputs.string(INPUTS.checks);
  if ((specPath === '') === (inline === ''))
    throw new UserInputError(
      specPath === '' ? INPUTS.spec : INPUTS.checks,
      specPath === '' ? 'no checks spec is given' : 'both "spec" and "checks" are set',
      'set "spec" to a YAML file (e.g. seed-checks.yaml), or give the spec inline in "checks" — one of them',
    );
  let text = inline;
  let file: string | null = null;
  if (specPath !== '') {
    file = isAbsolute(specPath) ? specPath : resolve(workingDirectory, specPath);
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserInputError(
        INPUTS.spec,
        `cannot read "${relative(workspace, file) || file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'give a path relative to working-directory, and check out the repository first',
      );
    }
  }
  const specInput = file ? 'spec' : 'checks';
  const checkTimeoutMs = inputs.durationMs(INPUTS.checkTimeout, 100, 3_600_000);
  const parsed = await parseSpec(text, {
    checkTimeoutMs,
    input: specInput,
    file,
    workspace,
    baseDir: file ? dirname(file) : workingDirectory,
    env,
  });
  const spec = resolveSpec(parsed, env, servicesFromEnv(env[ENV_SERVICES]), specInput);
  const compose = handedOffProject(inputs.string(INPUTS.project), env);
  const project = compose.project;
  if (project === '' && needsServiceExec(Object.values(spec.resolved))) {
    const names = Object.values(spec.resolved)
      .filter((c) => c.exec)
      .map((c) => c.name);
    throw new UserInputError(
      INPUTS.project,
      `connection(s) ${names.join(', ')} run a client inside a Compose service (exec), and no Compose project is known`,
      'run provision-compose earlier in this job, or set "project"',
    );
  }
  const deadlineMs = inputs.durationMs(INPUTS.timeout, 1000, 6 * 3_600_000);
  return Object.freeze({
    spec,
    specInput,
    workingDirectory,
    seedCommand: readSeedCommand(INPUTS.seedCommand, inputs.string(INPUTS.seedCommand), workingDirectory),
    seedTimeoutMs: inputs.durationMs(INPUTS.seedTimeout, 1000, 6 * 3_600_000),
    timing: {
      deadlineMs,
      checkTimeoutMs,
      retries: inputs.integer(INPUTS.retries, 0, 1000),
      retryIntervalMs: inputs.durationMs(INPUTS.retryInterval, 0, 600_000),
    },
    ...compose,
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES),
    github: readCommentSettings(inputs),
  });
}
