/**
 * provision-compose main, in phases: resolve (the environment, the outputs and hand-off, the state post
 * needs) → prepare (the Compose model, the guards, the isolation override: prepare.ts) → fingerprint (the
 * lock verified or updated, the digest policy, the record and pins: fingerprint.ts) → the PR re-check → up
 * (the GitHub Deployment and the "deploying" comment go out meanwhile) → wait (every service ready or
 * done) → the drift check (fingerprint.ts) → the PR re-check again → report (the `services` output, the Deployment success and the comment
 * "ready"; shared/src/github/deploy.ts). A PR closed during the deploy ends it `aborted-closed` with the
 * environment removed, a newer head ends it `superseded`. On failure: the bounded diagnostics bundle, the
 * Deployment and comment "failed", then the step fails (post cleans up).
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import { DockerCompose, detectCompose, type ProjectRef, upArgs } from '../../shared/src/compose/compose.js';
import {
  COMPOSE_DIAGNOSTICS_LIMITS,
  collectComposeDiagnostics,
} from '../../shared/src/compose/diagnostics.js';
import { Docker } from '../../shared/src/compose/docker.js';
import type { ComposeModel } from '../../shared/src/compose/model.js';
import { ServicesSection } from '../../shared/src/compose/report.js';
import { describe, type ServiceMap } from '../../shared/src/compose/status.js';
import { teardownCompose } from '../../shared/src/compose/teardown.js';
import { readServices, ServiceFailedError, waitForServices } from '../../shared/src/compose/wait.js';
import { type ResolvedEnvironment, resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { FingerprintSection } from '../../shared/src/fingerprint/summary.js';
import { DeployGitHub, SupersededError } from '../../shared/src/github/deploy.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { RemovedSection } from '../../shared/src/report/removed.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { formatMs } from '../../shared/src/runtime/duration.js';
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
import { checkDriftAfterUp, fingerprintBeforeUp } from './fingerprint.js';
import {
  assertNotForeign,
  checkServices,
  existingCreatedAt,
  resolveModel,
  writeOverride,
} from './prepare.js';
import { getSettings, type ProvisionSettings } from './settings.js';

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

/** Prepare: the model, the guards and the override; hands the files on. Returns the model. */
export async function prepare(
  tools: ProvisionTools,
  run: ProvisionRun,
  settings: ProvisionSettings,
  report: ActionReport,
): Promise<ComposeModel> {
  const model = await report.time('config', () =>
    core.group('Resolve the Compose configuration', () => resolveModel(tools.compose, run.project)),
  );
  checkServices(model, settings.services);
  await assertNotForeign(tools.docker, run.name);
  const now = Date.now();
  const context = run.environment.context;
  writeOverride({
    model,
    facts: {
      environment: run.name,
      repository: context.repository,
      prNumber: run.environment.prNumber,
      headSha: context.headSha,
      runId: context.runId,
      createdAtMs: (await existingCreatedAt(tools.docker, run.name)) ?? now,
      deployedAtMs: now,
      ttlMs: settings.ttlMs,
    },
    allowFixedPorts: settings.allowFixedPorts,
    binary: tools.compose.binary,
    path: run.overridePath,
    warn: (message) => report.warn(message),
    log: (line) => core.info(line),
  });
  run.project.files = [...settings.files, run.overridePath];
  core.exportVariable(ENV_COMPOSE_FILES, run.project.files.join('\n'));
  core.exportVariable(ENV_COMPOSE_DIRECTORY, settings.projectDirectory);
  return model;
}

/** Up: `docker compose up --detach`, its progress streamed to the log. */
export async function up(
  compose: DockerCompose,
  run: ProvisionRun,
  settings: ProvisionSettings,
  report: ActionReport,
) {
  await report.time('up', () =>
    core.group(`docker compose up (build: ${settings.build}, pull: ${settings.pull})`, () =>
      compose.run(
        run.project,
        upArgs({ build: settings.build, pull: settings.pull, services: settings.services }),
        {
          timeoutMs: settings.upTimeoutMs,
          onLine: (line) => core.info(line),
          onStderrLine: (line) => core.info(line),
        },
      ),
    ),
  );
}

/** Wait: every expected service ready (or done), unless `wait: false`; returns the services as they are. */
export async function waitReady(
  compose: DockerCompose,
  run: ProvisionRun,
  settings: ProvisionSettings,
  known: string[],
  report: ActionReport,
): Promise<ServiceMap> {
  if (!settings.wait) return readServices(compose, run.project, known);
  return report.time('wait', () =>
    waitForServices(compose, run.project, known, {
      only: settings.services.length > 0 ? settings.services : known,
      deadlineMs: settings.waitTimeoutMs,
      intervalMs: 500,
      onChange: (lines) => core.info(`Services: ${lines.join(' | ')}`),
    }),
  );
}

/** Report: the services in the report, the `services` output and the hand-off. */
function publishServices(section: ServicesSection, services: ServiceMap, handOff: boolean): void {
  section.services = services;
  const json = JSON.stringify(services);
  core.setOutput(OUTPUTS.services, json);
  if (handOff) core.exportVariable(ENV_SERVICES, json);
}

/** The environment URL for the GitHub Deployment: the input, else the first published port over HTTP. */
export function environmentUrl(explicit: string, services: ServiceMap): string {
  if (explicit) return explicit;
  const first = Object.values(services).flatMap((s) => Object.values(s.ports))[0];
  return first ? `http://${first}` : '';
}

/** What the sticky comment and the Deployment show of a ready environment. */
function readyDetails(services: ServiceMap, settings: ProvisionSettings) {
  const url = environmentUrl(settings.environmentUrl, services);
  return {
    urls: Object.fromEntries(
      Object.entries(services).flatMap(([name, s]) =>
        Object.entries(s.ports).map(([target, hostPort]) => [`${name} (${target})`, `http://${hostPort}`]),
      ),
    ),
    services: Object.fromEntries(
      describe(services).map((line) => [
        line.split(':')[0] ?? line,
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    ),
    expiresAt: settings.ttlMs === null ? null : Math.floor((Date.now() + settings.ttlMs) / 1000),
    ...(url ? { environmentUrl: url } : {}),
  };
}

/** Runs provision-compose's main. */
export async function provision(settings: ProvisionSettings = getSettings()): Promise<void> {
  const run = resolveProvision(settings);
  const report = new ActionReport(ACTION, run.environment, run.dir);
  const section = report.add(new ServicesSection());
  const fingerprints = report.add(new FingerprintSection());
  let tools: ProvisionTools | null = null;
  let model: ComposeModel | null = null;
  let started = false;
  const github = new DeployGitHub(settings.github, run.environment, report, settings.failOnSuperseded);
  const tearDown = async () => {
    if (!tools) return;
    const result = await teardownCompose(tools.compose, run.name, {
      downTimeoutMs: settings.downTimeoutMs,
      log: (line) => core.info(line),
    });
    report.add(new RemovedSection()).set(result);
  };
  const diagnose = async (error: unknown) => {
    if (error instanceof SupersededError) return undefined;
    if (error instanceof ServiceFailedError) section.services = error.services;
    if (!tools || !started) return undefined;
    const compose = tools.compose;
    const bundle = await core.group('Diagnostics', () =>
      collectComposeDiagnostics(compose, run.project, join(run.dir, 'diagnostics'), model, {
        ...COMPOSE_DIAGNOSTICS_LIMITS,
        tailLines: settings.logLines,
      }),
    );
    core.setOutput(OUTPUTS.diagnosticsPath, bundle.dir);
    if (bundle.excerpt) core.error(`Environment ${run.name} failed:\n${bundle.excerpt}`, { title: ACTION });
    const services = Object.keys(bundle.services).length > 0 ? bundle.services : section.services;
    if (Object.keys(services).length > 0) publishServices(section, services, false);
    return bundle;
  };
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport({ report, upload: settings.uploadReport, onReportPath, diagnose }, () =>
    github.run(async () => {
      tools = { compose: new DockerCompose(await detectCompose()), docker: new Docker() };
      core.info(`Compose ${tools.compose.binary.version} (${tools.compose.binary.argv.join(' ')})`);
      model = await prepare(tools, run, settings, report);
      const fingerprint = await fingerprintBeforeUp(tools, run, settings, model, fingerprints, report);
      const before = await github.recheck('before up', tearDown);
      if (before !== 'continue') return before;
      github.start();
      started = true;
      await up(tools.compose, run, settings, report);
      const services = await waitReady(
        tools.compose,
        run,
        settings,
        Object.keys(model.services ?? {}),
        report,
      );
      await checkDriftAfterUp(fingerprint, run, fingerprints, report);
      const deploymentId = await github.started();
      if (deploymentId !== null) saveState(STATE_KEY, { ...run.state, deploymentId });
      const after = await github.recheck('after ready', tearDown);
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
