/**
 * provision-compose's start phases: `up` (the project's containers created and started) and the wait (every
 * selected service ready or done, woken by the engine's events).
 */
import { stripVTControlCharacters } from 'node:util';
import * as core from '@actions/core';
import { type DockerCompose, upArgs } from '../../shared/src/compose/compose.js';
import type { ServiceMap } from '../../shared/src/compose/status.js';
import { readServices, waitForServices } from '../../shared/src/compose/wait.js';
import type { ComposeWatch } from '../../shared/src/compose/watch.js';
import type { ActionReport } from '../../shared/src/report/action-report.js';
import type { ProvisionRun, ProvisionTools } from './provision.js';
import type { ProvisionSettings } from './settings.js';

/** Up: `docker compose up --detach`, its progress streamed to the log (terminal escape sequences stripped). */
export async function up(
  compose: DockerCompose,
  run: ProvisionRun,
  settings: ProvisionSettings,
  report: ActionReport,
) {
  const log = (line: string) => core.info(stripVTControlCharacters(line));
  await report.time('up', () =>
    core.group(`docker compose up (build: ${settings.build}, pull: ${settings.pull})`, () =>
      compose.run(
        run.project,
        upArgs({ build: settings.build, pull: settings.pull, services: settings.services }),
        { timeoutMs: settings.upTimeoutMs, onLine: log, onStderrLine: log },
      ),
    ),
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
