/**
 * provision-compose main: derive the environment, resolve and guard the Compose model, `up`, wait for
 * services, and report. On failure: the bounded diagnostics bundle, then the step fails (post cleans up).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { isCancelled } from '../../shared/src/action.js';
import {
  configArgs,
  DockerCompose,
  detectCompose,
  type ProjectRef,
  upArgs,
  versionAtLeast,
} from '../../shared/src/compose.js';
import type { ServiceMap } from '../../shared/src/compose-status.js';
import { describe } from '../../shared/src/compose-status.js';
import { removedReport, teardownCompose } from '../../shared/src/compose-teardown.js';
import { readServices, ServiceFailedError, waitForServices } from '../../shared/src/compose-wait.js';
import { collectComposeDiagnostics, DEFAULT_LIMITS } from '../../shared/src/diagnostics.js';
import { Docker } from '../../shared/src/docker.js';
import { formatMs } from '../../shared/src/duration.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { errorMessage, SetupError, UserInputError } from '../../shared/src/errors.js';
import { endGuarded, Lifecycle, SupersededError } from '../../shared/src/github/lifecycle.js';
import {
  type ComposeState,
  ENV_COMPOSE_DIRECTORY,
  ENV_COMPOSE_FILES,
  ENV_COMPOSE_PROJECT,
  ENV_DEPLOYMENT_ID,
  ENV_ENVIRONMENT,
  ENV_KEEP,
  ENV_SERVICES,
  STATE_KEY,
} from '../../shared/src/handoff.js';
import { type ComposeModel, planIsolation } from '../../shared/src/isolation.js';
import { deployLabels, LABELS, MANAGED_BY, stableLabels } from '../../shared/src/labels.js';
import { actionDir } from '../../shared/src/paths.js';
import { registerModelSecrets } from '../../shared/src/redact-config.js';
import { ActionReport } from '../../shared/src/reporting.js';
import { OUTPUTS, type ProvisionStatus } from './contract.js';
import { getSettings, type ProvisionSettings } from './settings.js';

const ACTION = 'provision-compose';
/** `!override` in Compose files needs Compose ≥ 2.24.4 (https://docs.docker.com/reference/compose-file/merge/). */
const OVERRIDE_TAG_MIN = '2.24.4';

/** Public ports of services as `service → [url]` for logs: `api → http://127.0.0.1:49153 (8080/tcp)`. */
export function serviceUrls(services: ServiceMap): string[] {
  return Object.entries(services).flatMap(([name, s]) =>
    Object.entries(s.ports).map(([target, hostPort]) => `${name}: ${hostPort} (container ${target})`),
  );
}

/** The earliest `created-at` among the environment's existing containers (a redeploy keeps it), in ms. */
async function existingCreatedAt(docker: Docker, name: string): Promise<number | null> {
  const containers = await docker.list('container', [
    `${LABELS.managedBy}=${MANAGED_BY}`,
    `${LABELS.environment}=${name}`,
  ]);
  const times = containers
    .map((c) => Number(c.labels[LABELS.createdAt]) * 1000)
    .filter((t) => Number.isFinite(t) && t > 0);
  return times.length > 0 ? Math.min(...times) : null;
}

/** Refuses to deploy over a Compose project of the same name that these actions did not create. */
async function assertNotForeign(docker: Docker, name: string): Promise<void> {
  const containers = await docker.list('container', [`com.docker.compose.project=${name}`]);
  const foreign = containers.filter(
    (c) => c.labels[LABELS.managedBy] !== MANAGED_BY || c.labels[LABELS.environment] !== name,
  );
  if (foreign.length > 0) {
    throw new UserInputError(
      'name',
      `a Compose project named "${name}" already runs containers these actions did not create (${foreign.map((c) => c.name).join(', ')})`,
      'set a different "name", or remove that project yourself (docker compose -p <name> down)',
    );
  }
}

/** The environment URL for the GitHub Deployment: the input, else the first published port over HTTP. */
export function environmentUrl(explicit: string, services: ServiceMap): string {
  if (explicit) return explicit;
  const first = Object.values(services).flatMap((s) => Object.values(s.ports))[0];
  return first ? `http://${first}` : '';
}

/** Runs provision-compose's main. */
export async function provision(settings: ProvisionSettings = getSettings()): Promise<void> {
  const environment = resolveEnvironment(settings.name, settings.prNumber);
  const name = environment.name;
  const dir = actionDir(ACTION, name);
  const report = new ActionReport(ACTION, environment, dir);
  core.setOutput(OUTPUTS.environmentName, name);
  core.setOutput(OUTPUTS.projectName, name);
  core.setOutput(OUTPUTS.concurrencyKey, environment.concurrencyKey);
  core.exportVariable(ENV_ENVIRONMENT, name);
  core.exportVariable(ENV_COMPOSE_PROJECT, name);
  if (settings.keep) core.exportVariable(ENV_KEEP, 'true');
  const overridePath = join(dir, 'compose.ephemeral.yaml');
  const project: ProjectRef = {
    name,
    files: settings.files,
    projectDirectory: settings.projectDirectory,
    profiles: settings.profiles,
    envFiles: settings.envFiles,
  };
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
  core.saveState(STATE_KEY, JSON.stringify(state));
  core.info(`Environment: ${name} (${environment.source}); concurrency key: ${environment.concurrencyKey}`);

  let compose: DockerCompose | null = null;
  let model: ComposeModel | null = null;
  let services: ServiceMap = {};
  let created = false;
  const lifecycle = Lifecycle.create(settings.github, environment, (m) => report.warn(m));
  let deploying: Promise<void> = Promise.resolve();
  const setStatus = (status: ProvisionStatus) => core.setOutput(OUTPUTS.status, status);
  const guarded = { upload: settings.uploadReport, failOnSuperseded: settings.failOnSuperseded };
  try {
    compose = new DockerCompose(await detectCompose());
    const composeForTeardown = compose;
    const tearDown = async () => {
      const removed = await teardownCompose(composeForTeardown, name, {
        downTimeoutMs: settings.downTimeoutMs,
        log: (line) => core.info(line),
      });
      report.data.removed = removedReport(removed);
    };
    const docker = new Docker();
    core.info(`Compose ${compose.binary.version} (${compose.binary.argv.join(' ')})`);
    const ready = compose;
    model = await report.time('config', () =>
      core.group('Resolve the Compose configuration', async () => {
        const result = await ready.tryRun(project, configArgs(), { timeoutMs: 60_000 });
        if (result.exitCode !== 0) {
          throw new UserInputError(
            'compose-files',
            `docker compose config rejected the configuration: ${result.stderr.trim().slice(-1500)}`,
            'fix the compose file(s) so that `docker compose config` succeeds',
          );
        }
        return JSON.parse(result.stdout) as ComposeModel;
      }),
    );
    registerModelSecrets(model);
    const known = Object.keys(model.services ?? {});
    const unknown = settings.services.filter((s) => !known.includes(s));
    if (unknown.length > 0) {
      throw new UserInputError(
        'services',
        `unknown service(s) ${unknown.join(', ')}`,
        `use services from the compose file(s): ${known.join(', ')}`,
      );
    }
    await assertNotForeign(docker, name);
    const now = Date.now();
    const createdAtMs = (await existingCreatedAt(docker, name)) ?? now;
    const facts = {
      environment: name,
      repository: environment.context.repository,
      prNumber: environment.prNumber,
      headSha: environment.context.headSha,
      runId: environment.context.runId,
      createdAtMs,
      deployedAtMs: now,
      ttlMs: settings.ttlMs,
    };
    const plan = planIsolation(model, {
      allowFixedPorts: settings.allowFixedPorts,
      containerLabels: deployLabels(facts),
      resourceLabels: stableLabels(facts),
    });
    if (plan.rewrites.length > 0 && !versionAtLeast(compose.binary.version, OVERRIDE_TAG_MIN)) {
      throw new SetupError(
        `Compose ${compose.binary.version} cannot replace fixed host ports (the override needs Compose ≥ ${OVERRIDE_TAG_MIN})`,
        'upgrade Compose, or set allow-fixed-ports: true (then two environments on one host collide on those ports)',
      );
    }
    for (const warning of plan.warnings) report.warn(warning);
    for (const r of plan.rewrites)
      core.info(
        `Isolation: ${r.service} host port ${r.published} → ephemeral (container ${r.target}/${r.protocol})`,
      );
    writeFileSync(overridePath, plan.overrideYaml);
    project.files = [...settings.files, overridePath];
    core.exportVariable(ENV_COMPOSE_FILES, project.files.join('\n'));
    core.exportVariable(ENV_COMPOSE_DIRECTORY, settings.projectDirectory);

    const before = await report.time('github', () => lifecycle.recheck('before up', tearDown));
    if (before !== 'continue') return await endGuarded(before, lifecycle, report, guarded);
    // The deployment and the "deploying" comment go out while Compose starts the stack.
    deploying = lifecycle.deploying();
    created = true;
    await report.time('up', () =>
      core.group(`docker compose up (build: ${settings.build}, pull: ${settings.pull})`, () =>
        ready.run(
          project,
          upArgs({ build: settings.build, pull: settings.pull, services: settings.services }),
          {
            timeoutMs: settings.upTimeoutMs,
            onLine: (line) => core.info(line),
            onStderrLine: (line) => core.info(line),
          },
        ),
      ),
    );
    const expected = settings.services.length > 0 ? settings.services : known;
    if (settings.wait) {
      services = await report.time('wait', () =>
        waitForServices(ready, project, known, {
          only: expected,
          deadlineMs: settings.waitTimeoutMs,
          intervalMs: 500,
          onChange: (lines) => core.info(`Services: ${lines.join(' | ')}`),
        }),
      );
    } else {
      services = await readServices(ready, project, known);
    }
    report.data.services = services;
    await deploying;
    if (lifecycle.report.deploymentId !== null) {
      core.setOutput(OUTPUTS.deploymentId, String(lifecycle.report.deploymentId));
      core.exportVariable(ENV_DEPLOYMENT_ID, String(lifecycle.report.deploymentId));
      state.deploymentId = lifecycle.report.deploymentId;
      core.saveState(STATE_KEY, JSON.stringify(state));
    }
    const after = await report.time('github', () => lifecycle.recheck('after ready', tearDown));
    if (after !== 'continue') return await endGuarded(after, lifecycle, report, guarded);
    const json = JSON.stringify(services);
    core.setOutput(OUTPUTS.services, json);
    core.exportVariable(ENV_SERVICES, json);
    core.info(`Environment ${name} is up in ${formatMs(report.timings.up! + (report.timings.wait ?? 0))}:`);
    for (const line of describe(services)) core.info(`  ${line}`);
    const url = environmentUrl(settings.environmentUrl, services);
    await lifecycle.ready({
      urls: Object.fromEntries(serviceUrls(services).map((line) => line.split(': ') as [string, string])),
      services: Object.fromEntries(
        describe(services).map((line) => [
          line.split(':')[0] ?? line,
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      ),
      expiresAt: settings.ttlMs === null ? null : Math.floor((Date.now() + settings.ttlMs) / 1000),
      ...(url ? { environmentUrl: url } : {}),
    });
    setStatus('ready');
    report.data.github = lifecycle.finishReport();
    const path = await report.finish({ result: 'success', upload: settings.uploadReport });
    core.setOutput(OUTPUTS.reportPath, path);
  } catch (error) {
    if (error instanceof SupersededError) throw error;
    if (error instanceof ServiceFailedError) services = error.services;
    const result = isCancelled() ? 'cancelled' : 'failure';
    let diagnostics: Awaited<ReturnType<typeof collectComposeDiagnostics>> | undefined;
    if (compose && created) {
      diagnostics = await core.group('Diagnostics', () =>
        collectComposeDiagnostics(compose!, project, join(dir, 'diagnostics'), model, {
          ...DEFAULT_LIMITS,
          tailLines: settings.logLines,
        }),
      );
      services = Object.keys(diagnostics.services).length > 0 ? diagnostics.services : services;
      core.setOutput(OUTPUTS.diagnosticsPath, diagnostics.dir);
      if (diagnostics.excerpt)
        core.error(`Environment ${name} failed:\n${diagnostics.excerpt}`, { title: 'provision-compose' });
    }
    if (Object.keys(services).length > 0) {
      report.data.services = services;
      core.setOutput(OUTPUTS.services, JSON.stringify(services));
    }
    setStatus('failed');
    await deploying;
    await lifecycle.failed(errorMessage(error).slice(0, 500));
    report.data.github = lifecycle.finishReport();
    const path = await report.finish({
      result,
      error,
      upload: settings.uploadReport,
      ...(diagnostics ? { bundle: diagnostics } : {}),
    });
    core.setOutput(OUTPUTS.reportPath, path);
    throw error;
  }
}
