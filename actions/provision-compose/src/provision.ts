/**
 * provision-compose main, in phases: resolve (the environment, the outputs and hand-off, the state post
 * needs) → prepare (Compose detection, the model and the ownership look-up at once, and beside them the
 * fingerprint's `docker version` and the last deploy's record; the guards, the override: prepare.ts) →
 * fingerprint (the build contexts hashed beside the image inspect, the lock verified or updated, the digest
 * policy, the record and pins: fingerprint.ts) → up (start.ts; the engine's event stream already following
 * the project), beside the PR re-check asked at the start (up-gate.ts: its answer is acted on once in, a
 * refusal after `up` returned; on "go on" the GitHub Deployment and the "deploying" comment go out
 * meanwhile) → wait (every service ready or
 * one-shot done, woken by the events; a failure ends it at once), the drift check (fingerprint.ts) running
 * meanwhile → the PR re-check again → report (the `services` output, the Deployment success and the comment
 * "ready"; shared/src/github/deploy.ts).
 * A PR closed during the deploy ends it `aborted-closed` with the environment removed, a newer head ends it
 * `superseded`. On failure: the bounded diagnostics bundle, the Deployment and comment "failed", then the step
 * fails (post cleans up).
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import type { DockerCompose, ProjectRef } from '../../shared/src/compose/compose.js';
import {
  COMPOSE_DIAGNOSTICS_LIMITS,
  collectComposeDiagnostics,
} from '../../shared/src/compose/diagnostics.js';
import { Docker } from '../../shared/src/compose/docker.js';
import { refuseForeignObjects } from '../../shared/src/compose/foreign-objects.js';
import type { ComposeModel } from '../../shared/src/compose/model.js';
import { IsolationSection, ServicesSection } from '../../shared/src/compose/report.js';
import { describe, type ServiceMap } from '../../shared/src/compose/status.js';
import { teardownCompose } from '../../shared/src/compose/teardown.js';
import { ServiceFailedError } from '../../shared/src/compose/wait.js';
import { ComposeWatch } from '../../shared/src/compose/watch.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import { DeployGitHub, SupersededError } from '../../shared/src/github/deploy.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { RemovedSection } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { formatMs } from '../../shared/src/runtime/duration.js';
import { errorMessage } from '../../shared/src/runtime/errors.js';
import {
  ENV_COMPOSE_DIRECTORY,
  ENV_COMPOSE_FILES,
  ENV_COMPOSE_PROJECT,
  ENV_ENVIRONMENT,
  ENV_KEEP,
  ENV_SERVICES,
} from '../../shared/src/runtime/handoff.js';
import { saveState } from '../../shared/src/runtime/state.js';
import { type ComposeState, OUTPUTS, STATE_KEY } from './contract.js';
import {
  checkDriftAfterUp,
  deployedModel,
  type FingerprintHeadStart,
  fingerprintBeforeUp,
  startDriftCheck,
} from './fingerprint.js';
import { checkServices, configPhase, isolationLines, writeOverride } from './prepare.js';
import { readyDetails } from './ready-details.js';
import { getSettings, type ProvisionSettings } from './settings.js';
import { orderedStartFor, up, waitReady } from './start.js';
import { upBesideRecheck } from './up-gate.js';

const ACTION = 'provision-compose';

/** The tools a provision uses. */
export interface ProvisionTools {
  compose: DockerCompose;
  docker: Docker;
}

/** What the resolve phase settles. */
export interface ProvisionRun {
  environment: ResolvedEnvironment;
  name: string;
  dir: string;
  /** The project as `up` addresses it; the override joins `files` in the prepare phase. */
  project: ProjectRef;
  overridePath: string;
  /** What post needs, as saved (the deployment id joins it once created). */
  state: ComposeState;
}

/** Resolve: the environment, its outputs and hand-off, and the state post needs (saved first). */
export function resolveProvision(settings: ProvisionSettings): ProvisionRun {
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const name = environment.name;
  const dir = actionDir(environment.context.runnerTemp, ACTION, name);
  core.setOutput(OUTPUTS.environmentName, name);
  core.setOutput(OUTPUTS.projectName, name);
  core.setOutput(OUTPUTS.concurrencyKey, environment.concurrencyKey);
  core.exportVariable(ENV_ENVIRONMENT, name);
  core.exportVariable(ENV_COMPOSE_PROJECT, name);
  if (settings.keep) core.exportVariable(ENV_KEEP, 'true');
  const overridePath = join(dir, 'compose.ephemeral.yaml');
  const state: ComposeState = {
    environment: name,
    files: [...settings.files, overridePath],
    projectDirectory: settings.projectDirectory,
    profiles: settings.profiles,
    envFiles: settings.envFiles,
    keep: settings.keep,
    downTimeoutMs: settings.downTimeoutMs,
    removeImages: settings.removeImages,
    uploadPolicy: settings.uploadReport,
    startedAt: new Date().toISOString(),
  };
  // Saved first: whatever happens next, post knows what to clean.
  saveState(STATE_KEY, state);
  core.info(`Environment: ${name} (${environment.source}); concurrency key: ${environment.concurrencyKey}`);
  const project: ProjectRef = {
    name,
    files: settings.files,
    projectDirectory: settings.projectDirectory,
    profiles: settings.profiles,
    envFiles: settings.envFiles,
  };
  return { environment, name, dir, project, overridePath, state };
}

/** What the prepare phase settles. */
export interface Prepared {
  model: ComposeModel;
  /** The services the run starts (requested ones and their dependencies). */
  selected: string[];
  /** The fingerprint's work already under way (fingerprint.ts). */
  head: FingerprintHeadStart;
  /** No container of the environment existed before this run (prepare's ownership look-up). */
  firstDeploy: boolean;
  tools: ProvisionTools; // the Compose CLI detection found, and docker
}

/**
 * Prepare: Compose, the model, the guards and the override; hands the files on. The fingerprint's work that
 * needs no model (the engine's version, the last deploy's record) starts beside `config` (`configPhase`).
 */
export async function prepare(
  docker: Docker,
  run: ProvisionRun,
  settings: ProvisionSettings,
  report: ActionReport,
  isolation: IsolationSection,
): Promise<Prepared> {
  // Detection, the model, the ownership look-up (containers, networks, volumes), `docker version`: at once.
  const { compose, model, owned, engine, previous } = await report.time('config', () =>
    core.group('Resolve the Compose configuration', () => configPhase(docker, run.project)),
  );
  const tools = { compose, docker };
  core.info(`Compose ${compose.binary.version} (${compose.binary.argv.join(' ')})`);
  const selected = checkServices(model, settings);
  refuseForeignObjects(model, run.name, owned.objects);
  const now = Date.now();
  const context = run.environment.context;
  const plan = writeOverride({
    model,
    facts: {
      environment: run.name,
      repository: context.repository,
      prNumber: run.environment.prNumber,
      headSha: context.headSha,
      runId: context.runId,
      createdAtMs: owned.createdAtMs ?? now,
      deployedAtMs: now,
      ttlMs: settings.ttlMs,
    },
    settings,
    selected,
    binary: tools.compose.binary,
    path: run.overridePath,
  });
  for (const warning of plan.warnings) report.warn(warning);
  isolation.lines = isolationLines(plan);
  for (const line of isolation.lines) core.info(`Isolation: ${line}`);
  run.project.files = [...settings.files, run.overridePath];
  core.exportVariable(ENV_COMPOSE_FILES, run.project.files.join('\n'));
  core.exportVariable(ENV_COMPOSE_DIRECTORY, settings.projectDirectory);
  return { model, selected, head: { engine, previous }, firstDeploy: owned.containers.length === 0, tools };
}

/** Report: the services in the report, the `services` output and the hand-off. */
function publishServices(section: ServicesSection, services: ServiceMap, handOff: boolean): void {
  section.services = services;
  const json = JSON.stringify(services);
  core.setOutput(OUTPUTS.services, json);
  if (handOff) core.exportVariable(ENV_SERVICES, json);
}

/** Runs provision-compose's main. */
export async function provision(settings: ProvisionSettings = getSettings()): Promise<void> {
  const run = resolveProvision(settings);
  const report = new ActionReport(ACTION, run.environment, run.dir);
  const isolation = report.add(new IsolationSection());
  const section = report.add(new ServicesSection());
  const fingerprints = report.add(new FingerprintSection());
  let tools: ProvisionTools | null = null;
  let prepared: Prepared | null = null;
  let watch: ComposeWatch | null = null;
  const github = new DeployGitHub(settings.github, run.environment, report, settings.failOnSuperseded);
  const tearDown = async () => {
    if (!tools) return;
    const result = await teardownCompose(
      run.name,
      {
        downTimeoutMs: settings.downTimeoutMs,
        removeImages: settings.removeImages,
        log: (line) => core.info(line),
      },
      tools.docker,
    );
    report.add(new RemovedSection()).set(result);
  };
  const diagnose = async (error: unknown) => {
    if (error instanceof SupersededError) return undefined;
    if (error instanceof ServiceFailedError) section.services = error.services;
    const facts = watch?.watchFacts;
    await watch?.stop();
    if (!tools || !watch) return undefined;
    const { compose, docker } = tools;
    const bundle = await core.group('Diagnostics', () =>
      collectComposeDiagnostics(
        compose,
        run.project,
        join(run.dir, 'diagnostics'),
        prepared?.model ?? null,
        { ...COMPOSE_DIAGNOSTICS_LIMITS, tailLines: settings.logLines },
        docker,
        { expected: prepared?.selected ?? [], ...(facts ? { facts } : {}) },
      ),
    );
    core.setOutput(OUTPUTS.diagnosticsPath, bundle.dir);
    if (bundle.excerpt) core.error(`Environment ${run.name} failed:\n${bundle.excerpt}`, { title: ACTION });
    const failed = error instanceof ServiceFailedError;
    const services = !failed && Object.keys(bundle.services).length > 0 ? bundle.services : section.services;
    if (Object.keys(services).length > 0) publishServices(section, services, false);
    return bundle;
  };
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport({ report, upload: settings.uploadReport, main: true, onReportPath, diagnose }, () =>
    github.run(async () => {
      // The re-check "before up" is asked now and acted on when its answer is in: during prepare, or while
      // `up` runs (up-gate.ts: a refusal then waits for `up` to return, so the teardown sees what it created).
      const beforeUp = github.ask('before up');
      beforeUp.catch(() => undefined); // a failure of prepare must not leave it unhandled
      prepared = await prepare(new Docker(), run, settings, report, isolation);
      tools = prepared.tools;
      const { compose, docker } = prepared.tools;
      const deployed = { model: deployedModel(prepared.model, prepared.selected), head: prepared.head };
      const fingerprint = await fingerprintBeforeUp(tools, run, settings, deployed, fingerprints, report);
      // The event stream follows the project from before `up`, so no change is missed.
      const following = ComposeWatch.start(run.name, docker.runner);
      watch = following;
      const ordered = orderedStartFor(prepared.model, prepared.selected, prepared.firstDeploy);
      const gate = await upBesideRecheck({
        verdict: beforeUp,
        up: () => up(compose, run, settings, report, ordered && { plan: ordered, docker, watch: following }),
        proceed: () => github.start(),
        refuse: async (verdict, outcome) => {
          await following.stop();
          if ('error' in outcome) report.warn(`docker compose up failed: ${errorMessage(outcome.error)}`);
          return github.refuse('before up', verdict, tearDown, outcome.started);
        },
      });
      if (gate.refused) return gate.result;
      // Compose stops and restarts containers itself during `up`; only what happens after it counts.
      following.forget();
      const drift = startDriftCheck(fingerprint, run); // runs during the wait
      const services = await waitReady(tools, run, settings, prepared.selected, following, report);
      // The re-check "after ready" goes out at once, beside the stream's stop, the drift check and the
      // Deployment's creation; it is acted on after them.
      const afterReady = github.ask('after ready');
      afterReady.catch(() => undefined); // a failed drift check must not leave it unhandled
      await following.stop();
      await checkDriftAfterUp(drift, fingerprints, report);
      const deploymentId = await github.started();
      if (deploymentId !== null) saveState(STATE_KEY, { ...run.state, deploymentId });
      const after = await github.settle('after ready', await afterReady, tearDown);
      if (after !== 'continue') return after;
      publishServices(section, services, true);
      core.info(
        `Environment ${run.name} is up in ${formatMs((report.timings.up ?? 0) + (report.timings.wait ?? 0))}:`,
      );
      for (const line of describe(services)) core.info(`  ${line}`);
      await github.ready(readyDetails(services, settings));
      return 'success';
    }),
  );
}
