/**
 * provision-compose's start phases: `up` (the project's containers created and started) and the wait (every
 * selected service ready or done, woken by the engine's events). On a first deploy whose services wait for
 * healthy or completed dependencies, `up` creates the containers and the ordered start starts them, each
 * the moment its dependencies hold (compose/ordered-start.ts; Compose itself checks every 500 ms).
 */
import { stripVTControlCharacters } from 'node:util';
import * as core from '@actions/core';
import { type DockerCompose, upArgs } from '../../shared/src/compose/compose.js';
import type { Docker } from '../../shared/src/compose/docker.js';
import type { ComposeModel } from '../../shared/src/compose/model.js';
import { orderedStartPlan, type StartPlan, startInOrder } from '../../shared/src/compose/ordered-start.js';
import type { ServiceMap } from '../../shared/src/compose/status.js';
import { readServices, waitForServices } from '../../shared/src/compose/wait.js';
import type { ComposeWatch } from '../../shared/src/compose/watch.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import type { ProvisionRun, ProvisionTools } from './provision.js';
import type { ProvisionSettings } from './settings.js';

/** The ordered start of one run: its plan, and the engine access and event stream it runs on. */
export interface OrderedStart {
  plan: StartPlan;
  docker: Docker;
  watch: ComposeWatch;
}

/**
 * The ordered start's plan for this run, or null when Compose's `up` starts the services: on a redeploy
 * (Compose's recreate rules decide what restarts) and wherever `orderedStartPlan` gives a reason (logged
 * as a debug line).
 * @param firstDeploy no container of the project existed before this run (prepare's ownership look-up)
 */
export function orderedStartFor(
  model: ComposeModel,
  selected: readonly string[],
  firstDeploy: boolean,
): StartPlan | null {
  const choice = firstDeploy ? orderedStartPlan(model, selected) : { reason: 'a redeploy' };
  if ('plan' in choice) return choice.plan;
  core.debug(`Compose starts the services itself: ${choice.reason}`);
  return null;
}

/**
 * Up: `docker compose up --detach`, its progress streamed to the log (terminal escape sequences stripped).
 * With `ordered`, `up --no-start` creates the containers and `startInOrder` starts them, within the same
 * `up-timeout`.
 * @throws ToolError when Compose fails; ServiceFailedError / DeadlineError from the ordered start
 */
export async function up(
  compose: DockerCompose,
  run: ProvisionRun,
  settings: ProvisionSettings,
  report: ActionReport,
  ordered: OrderedStart | null = null,
) {
  const log = (line: string) => core.info(stripVTControlCharacters(line));
  const began = Date.now();
  const args = upArgs({
    build: settings.build,
    pull: settings.pull,
    services: settings.services,
    noStart: ordered !== null,
  });
  await report.time('up', () =>
    core.group(`docker compose up (build: ${settings.build}, pull: ${settings.pull})`, async () => {
      await compose.run(run.project, args, {
        timeoutMs: settings.upTimeoutMs,
        onLine: log,
        onStderrLine: log,
      });
      if (!ordered) return;
      core.info('Starting the services in dependency order, each as soon as its dependencies hold');
      await startInOrder({
        docker: ordered.docker,
        project: run.name,
        plan: ordered.plan,
        watch: ordered.watch,
        deadlineMs: settings.upTimeoutMs - (Date.now() - began),
        log,
      });
    }),
  );
}

/**
 * Wait: every selected service ready or done (woken by the engine's events, failing at once), unless
 * `wait: false`; returns the services as they are.
 */
export async function waitReady(
  tools: ProvisionTools,
  run: ProvisionRun,
  settings: ProvisionSettings,
  selected: string[],
  watch: ComposeWatch,
  report: ActionReport,
): Promise<ServiceMap> {
  if (!settings.wait) return readServices(tools.docker, run.name, selected, watch);
  return report.time('wait', () =>
    waitForServices(tools.docker, run.name, selected, {
      deadlineMs: settings.waitTimeoutMs,
      watch,
      onChange: (lines) => core.info(`Services: ${lines.join(' | ')}`),
    }),
  );
}
