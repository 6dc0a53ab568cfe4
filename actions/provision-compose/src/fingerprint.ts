/**
 * provision-compose's fingerprint phases (docs/lock-file.md). Before anything starts (after prepare):
 * fingerprint the project, run the lock phase and the digest policy, and write the fingerprint override
 * (the deploy record as labels, locked images pinned by digest) that joins the Compose files. After `up`
 * and the wait: check that every container runs the image that was fingerprinted.
 *
 * What needs no model starts earlier, beside `config` in prepare (`FingerprintHeadStart`): the engine's
 * version and the last deploy's record. The build contexts, which come from the model, are hashed from the
 * phase's first step on, in slices beside its docker calls (compose-fingerprint.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { DockerCompose } from '../../shared/src/compose/compose.js';
import type { Docker } from '../../shared/src/compose/docker.js';
import type { ComposeModel } from '../../shared/src/compose/model.js';
import type { ResolvedEnvironment } from '../../shared/src/environment/resolve.js';
import { run as exec } from '../../shared/src/exec/cli.js';
import type { ComposeFingerprint } from '../../shared/src/fingerprint/compose-fingerprint.js';
import type { ResolvedModel } from '../../shared/src/fingerprint/compose-model.js';
import {
  checkDrift,
  fingerprintOverrideYaml,
  runComposePhase,
} from '../../shared/src/fingerprint/compose-phase.js';
import { type Drift, formatDrift } from '../../shared/src/fingerprint/drift.js';
import { publishFingerprint } from '../../shared/src/fingerprint/publish.js';
import { fingerprintRecord, type PreviousDeploy, readRecord } from '../../shared/src/fingerprint/record.js';
import { SecretSeal } from '../../shared/src/fingerprint/secret-seal.js';
import type { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import { ENV_COMPOSE_FILES } from '../../shared/src/runtime/handoff.js';
import { registeredSecrets } from '../../shared/src/runtime/secrets.js';
import { OUTPUTS } from './contract.js';
import type { ProvisionRun } from './provision.js';
import type { ProvisionSettings } from './settings.js';

/** This run's own values that a Compose file may interpolate → their placeholders (docs/lock-file.md). */
export function volatileValues(environment: ResolvedEnvironment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sha of [environment.context.headSha, environment.context.sha])
    if (/^[0-9a-f]{40}$/.test(sha)) out[sha] = '{{sha}}';
  if (environment.context.runId) out[environment.context.runId] = '{{run-id}}';
  out[environment.name] = '{{environment}}';
  return out;
}

/**
 * The part of the model this run deploys: the selected services (`services` input and their dependencies);
 * a service that is not started is not fingerprinted (pure).
 */
export function deployedModel(model: ComposeModel, selected: readonly string[]): ComposeModel {
  const services = Object.entries(model.services ?? {}).filter(([name]) => selected.includes(name));
  return { ...model, services: Object.fromEntries(services) };
}

/** The placeholder of a variable that is not set (`${NAME-…}` gives it only then). */
const UNSET = 'ephemeral-fingerprint-unset-variable';

/**
 * The values `environment:` configs and secrets read, as Compose resolves them (the step's environment,
 * then the env files): Compose interpolates them into a top-level extension of a small extra file
 * (`config --format json`; one call, made only when such sources exist).
 * @returns the set variables of `names`; secret values among them are in memory only (the output is not
 *   logged, and compose-sources.ts registers them as secrets)
 * @throws ToolError when `config` fails
 */
export async function sourceEnvironment(
  compose: DockerCompose,
  run: ProvisionRun,
  names: readonly string[],
): Promise<Record<string, string>> {
  const path = join(run.dir, 'compose.fingerprint-env.yaml');
  const lines = names.map((name) => `  ${name}: "\${${name}-${UNSET}}"`);
  writeFileSync(path, `x-ephemeral-fingerprint-env:\n${lines.join('\n')}\n`);
  const project = { ...run.project, files: [...(run.project.files ?? []), path] };
  const result = await compose.run(project, ['config', '--format', 'json'], { timeoutMs: 60_000 });
  const values = (JSON.parse(result.stdout) as Record<string, unknown>)['x-ephemeral-fingerprint-env'] ?? {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>))
    if (typeof value === 'string' && value !== UNSET) out[name] = value;
  return out;
}

/** What the fingerprint phase takes. */
export interface FingerprintTools {
  compose: DockerCompose;
  docker: Docker;
}

/**
 * The last deploy's record, from the labels of the environment's existing containers (one `docker
 * container inspect`; none for `[]`, a first deploy). A container removed since (a concurrent teardown)
 * only loses the "changed since" line, not the deploy: any failure is logged and gives null.
 * @param containers the IDs prepare's ownership look-up found
 */
export function readPrevious(docker: Docker, containers: readonly string[]): Promise<PreviousDeploy | null> {
  return docker
    .labelsOf(containers)
    .then((labels) => labels.map((l) => readRecord(l)).find((r) => r !== null) ?? null)
    .catch((error: unknown) => {
      core.info(
        `The last deploy's record could not be read (${error instanceof Error ? error.message : error})`,
      );
      return null;
    });
}

/** The fingerprint's work that needs no model, started by prepare beside `config` (prepare.ts `configPhase`). */
export interface FingerprintHeadStart {
  /** The engine's version (`engineVersion`). */
  engine: Promise<string>;
  /** The last deploy's record, read once the ownership look-up named the containers (`readPrevious`). */
  previous: Promise<PreviousDeploy | null>;
}

/**
 * The fingerprint phase, before anything starts: fingerprint, lock, digest policy, the override file
 * (`compose.fingerprint.yaml`, appended to `run.project.files` and the hand-off). Fills `section` (also
 * when the lock refuses, so the report shows the diff) and the `fingerprint` output. It takes over what
 * prepare started (`deployed.head`).
 *
 * Why the phase itself stays before `up`, and is not run beside it: its outcome decides what `up` starts.
 * `lock: verify` refuses the deploy on a difference, `require-digests` refuses unpinned images, and the
 * override it writes joins the Compose files `up` reads: every container gets the deploy record as labels
 * (teardown and the next deploy read them), and a locked image is pinned by digest. Compose reads its
 * files once, at `up`'s start, so the override must exist by then.
 * @returns the fingerprint (the drift check after `up` needs it)
 * @throws LockMismatchError (verify refused), UserInputError (lock, lock-files, require-digests), ToolError
 */
export async function fingerprintBeforeUp(
  tools: FingerprintTools,
  run: ProvisionRun,
  settings: ProvisionSettings,
  deployed: { model: ComposeModel; head: FingerprintHeadStart },
  section: FingerprintSection,
  report: ActionReport,
): Promise<ComposeFingerprint> {
  return report.time('fingerprint', () =>
    core.group('Fingerprint', () => fingerprintPhase(tools, run, settings, deployed, section)),
  );
}

async function fingerprintPhase(
  tools: FingerprintTools,
  run: ProvisionRun,
  settings: ProvisionSettings,
  deployed: { model: ComposeModel; head: FingerprintHeadStart },
  section: FingerprintSection,
): Promise<ComposeFingerprint> {
  const { model, head } = deployed;
  const previous = head.previous;
  const phase = runComposePhase({
    model: model as ResolvedModel,
    projectName: run.name,
    projectDirectory: settings.projectDirectory,
    workspace: run.environment.context.workspace,
    volatile: volatileValues(run.environment),
    lockFiles: settings.lockFiles,
    includeTools: settings.fingerprintTools,
    requireDigests: settings.requireDigests,
    lock: { mode: settings.lock, file: settings.lockFile },
    pull: settings.pull,
    composeVersion: tools.compose.binary.version,
    runner: exec,
    pullImages: (services) =>
      core.group(`docker compose pull ${services.join(' ')} (to fingerprint their digests)`, async () => {
        await tools.compose.run(run.project, ['pull', '--quiet', '--', ...services], {
          timeoutMs: settings.upTimeoutMs,
        });
      }),
    reportDir: run.dir,
    previous,
    engineVersion: head.engine,
    sourceEnv: (names) => sourceEnvironment(tools.compose, run, names),
    // secret values (registered from the model: secret-named environment, URL passwords, argv secrets)
    seal: new SecretSeal(settings.fingerprintKey, registeredSecrets()),
  });
  const { fingerprint, pins } = await publishFingerprint(phase, {
    section,
    mode: settings.lock,
    toolsHashed: settings.fingerprintTools,
    previous,
    setOutput: (value) => core.setOutput(OUTPUTS.fingerprint, value),
  });
  const path = join(run.dir, 'compose.fingerprint.yaml');
  const services = Object.keys(model.services ?? {});
  writeFileSync(path, fingerprintOverrideYaml(services, fingerprintRecord(fingerprint), pins));
  for (const [service, image] of Object.entries(pins)) core.info(`Lock: ${service} runs ${image}`);
  run.project.files = [...(run.project.files ?? []), path];
  core.exportVariable(ENV_COMPOSE_FILES, run.project.files.join('\n'));
  return fingerprint;
}

/** Some container runs another image than was fingerprinted. */
export class DriftError extends Error {
  override readonly name = 'DriftError';
  constructor(readonly lines: string[]) {
    super(
      `Image drift after up: ${lines.join('; ')}. Another job retagged or rebuilt a shared image tag while this environment started; give the image a tag of its own (or pin it by digest with a lock file) and run again`,
    );
  }
}

/**
 * Starts the drift check as soon as `up` has returned: the containers exist and keep their image, so the
 * check runs while the services become ready; `checkDriftAfterUp` awaits it.
 * @returns the pending check (never an unhandled rejection: a failed wait leaves it unawaited)
 */
export function startDriftCheck(fingerprint: ComposeFingerprint, run: ProvisionRun): Promise<Drift[]> {
  const pending = checkDrift(run.name, fingerprint, exec);
  pending.catch(() => {}); // awaited by checkDriftAfterUp
  return pending;
}

/**
 * After the wait: fails when a container runs something else than was fingerprinted. The report's
 * `drift` timing is the time the run waited for the check after the wait (its share of the run).
 * @param pending `startDriftCheck`'s check
 * @throws DriftError naming each service; ToolError when docker fails
 */
export async function checkDriftAfterUp(
  pending: Promise<Drift[]>,
  section: FingerprintSection,
  report: ActionReport,
): Promise<void> {
  const drift = await report.time('drift', () => pending);
  if (section.value) section.value.drift = drift;
  if (drift.length > 0) throw new DriftError(formatDrift(drift));
  core.info('Drift check: every container runs the image that was fingerprinted.');
}
