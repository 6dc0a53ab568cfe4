/**
 * verify-seed main, in phases: resolve (the environment, the connections, the Compose exec when a client
 * runs inside a service) → seed (the optional seed command) → check (every check of the spec, all of them,
 * whatever fails) → report (a job-summary table with one row per check, the JSON report's `checks`, an error
 * annotation per failing check at its line in the spec file, the outputs `passed`, `failed`, `checks` and
 * `report-path`; the seed line of the sticky PR comment, github/check-line.ts). Fails when any check failed.
 */
import * as core from '@actions/core';
import { DockerCompose, detectCompose } from '../../shared/src/compose/compose.js';
import { projectRef } from '../../shared/src/compose/handed-off.js';
import { resolveEnvironment } from '../../shared/src/environment/resolve.js';
import { CheckLine } from '../../shared/src/github/check-line.js';
import { ActionReport } from '../../shared/src/report/action-report.js';
import { actionDir } from '../../shared/src/report/files.js';
import { runWithReport } from '../../shared/src/report/run-with-report.js';
import { setStatus } from '../../shared/src/report/status.js';
import { type Clock, realClock } from '../../shared/src/runtime/clock.js';
import { formatMs } from '../../shared/src/runtime/duration.js';
import { redact } from '../../shared/src/runtime/secrets.js';
import { bindCheck, type RunnableCheck } from './checks/attempt.js';
import { probeRole, roleWarning } from './checks/privileges.js';
import type { RunFacts } from './checks/provenance.js';
import { runAll } from './checks/schedule.js';
import { ComposeServiceExec, type ServiceExec } from './connections/exec/service-exec.js';
import { needsServiceExec, openConnection } from './connections/open.js';
import type { Connection } from './connections/types.js';
import { OUTPUTS } from './contract.js';
import { type CheckReport, ChecksSection, seedLine } from './report.js';
import { runSeedCommand } from './seed-command.js';
import { getSettings, type VerifySettings } from './settings.js';
import { SpecError } from './spec/document.js';

const ACTION = 'verify-seed';

/** The annotation for a failing check: at its line in the spec file (inline specs have no file). */
export function annotate(check: CheckReport): void {
  const message = redact(`Check "${check.name}" (${check.kind}) failed: ${check.error ?? 'failed'}`);
  core.error(message, {
    title: `verify-seed: ${check.name}`,
    ...(check.source
      ? { file: check.source.file, startLine: check.source.line, startColumn: check.source.column }
      : {}),
  });
}

/** One log line per check. */
function logLine(check: CheckReport): string {
  const time = `${formatMs(check.durationMs)}${check.attempts > 1 ? `, ${check.attempts} attempts` : ''}`;
  return redact(
    check.passed
      ? `✔ ${check.name} (${check.kind}, ${time}): ${check.actual}`
      : `✘ ${check.name} (${check.kind}, ${time}): ${check.error ?? check.actual}`,
  );
}

/**
 * Loads the settings; an invalid spec also gets one error annotation per problem, at its file, line and
 * column (inline specs: no file).
 * @throws the UserInputError / SpecError from `getSettings`
 */
export async function loadSettings(
  load: () => Promise<VerifySettings> = getSettings,
): Promise<VerifySettings> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SpecError) {
      for (const issue of error.issues) {
        core.error(redact(`${issue.path}: ${issue.message}`), {
          title: 'verify-seed: invalid spec',
          ...(issue.at.file
            ? { file: issue.at.file, startLine: issue.at.line, startColumn: issue.at.column }
            : {}),
        });
      }
    }
    throw error;
  }
}

/** Resolve: the Compose exec the clients inside services need (null when no connection uses one). */
async function serviceExecFor(settings: VerifySettings): Promise<ServiceExec | null> {
  if (!needsServiceExec(Object.values(settings.spec.resolved))) return null;
  const compose = new DockerCompose(await detectCompose());
  // The engine must answer before any check runs: an unreachable engine is an error, not failed checks.
  await compose.run(projectRef(settings), ['ps', '--all', '--quiet'], { timeoutMs: 60_000 });
  return new ComposeServiceExec(compose, projectRef(settings));
}

/** Seed: the seed command, bounded by its timeout and what is left of the deadline. */
async function seed(settings: VerifySettings, report: ActionReport, leftMs: number): Promise<void> {
  try {
    await report.time('seed', () =>
      core.group('Seed', () =>
        runSeedCommand({
          argv: settings.seedCommand,
          cwd: settings.workingDirectory,
          timeoutMs: Math.max(1000, Math.min(settings.seedTimeoutMs, leftMs)),
          project: settings.project,
          composeFiles: settings.composeFiles,
        }),
      ),
    );
  } catch (error) {
    core.setOutput(OUTPUTS.passed, '0');
    core.setOutput(OUTPUTS.failed, String(settings.spec.checks.length));
    throw error;
  }
}

/** Check: every check through its connection, `MAX_PARALLEL` at a time, within the deadline from `start`. */
export async function checkAll(
  runnables: RunnableCheck[],
  settings: VerifySettings,
  start: number,
  clock: Clock = realClock,
): Promise<CheckReport[]> {
  const t = settings.timing;
  const spec = settings.spec;
  core.info(
    `Verifying ${runnables.length} check(s) from ${spec.file ? (spec.checks[0]?.at.label ?? spec.file) : 'input "checks"'} against ${[...new Set(runnables.map((r) => r.target))].join(', ')}; check timeout ${formatMs(t.checkTimeoutMs)}, ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'} ${formatMs(t.retryIntervalMs)} apart, deadline ${formatMs(t.deadlineMs)}.`,
  );
  return core.group('Checks', () =>
    runAll(
      runnables,
      t,
      start,
      clock,
      (done) => core.info(logLine(done)),
      (runnable, evaluation, attempt) => {
        const ok = evaluation.error === undefined && evaluation.assertions.every((a) => a.passed);
        if (!ok)
          core.debug(
            redact(
              `${runnable.check.name} attempt ${attempt}: ${evaluation.error ?? JSON.stringify(evaluation.assertions)}`,
            ),
          );
      },
    ),
  );
}

/**
 * Report: the outputs and an annotation per failing check.
 * @throws Error naming the failing checks
 */
function publishChecks(results: CheckReport[]): void {
  const failed = results.filter((r) => !r.passed);
  core.setOutput(OUTPUTS.passed, String(results.length - failed.length));
  core.setOutput(OUTPUTS.failed, String(failed.length));
  const checks = results.map((r) => [
    r.name,
    { passed: r.passed, attempts: r.attempts, durationMs: r.durationMs },
  ]);
  core.setOutput(OUTPUTS.checks, JSON.stringify(Object.fromEntries(checks)));
  for (const check of failed) annotate(check);
  setStatus(failed.length === 0 ? 'passed' : 'failed');
  if (failed.length === 0) {
    core.info(`All ${results.length} check(s) passed.`);
    return;
  }
  throw new Error(
    `${failed.length} of ${results.length} check(s) failed: ${failed.map((f) => `"${f.name}"`).join(', ')} (see the annotations and the job summary)`,
  );
}

/**
 * Warns (job summary and annotation) about each SQL connection whose role reaches past a READ ONLY
 * transaction (checks/privileges.ts), naming the fix. A connection that does not answer is skipped: its
 * checks report that.
 */
async function warnAboutRoles(
  connections: ReadonlyMap<string, Connection>,
  report: ActionReport,
  timeoutMs: number,
): Promise<void> {
  await Promise.all(
    [...connections].map(async ([name, connection]) => {
      if (connection.kind !== 'sql') return;
      const finding = await probeRole(connection.sql, Math.min(timeoutMs, 10_000));
      const warning = finding ? roleWarning(name, connection.sql, finding) : null;
      if (warning) report.warn(redact(warning));
    }),
  );
}

/** Runs verify-seed's main. */
export async function verifySeed(given?: VerifySettings): Promise<void> {
  const settings = given ?? (await loadSettings());
  const start = realClock.now();
  const environment = resolveEnvironment(settings.project, null);
  const report = new ActionReport(
    ACTION,
    environment,
    actionDir(environment.context.runnerTemp, ACTION, environment.name),
  );
  const section = report.add(new ChecksSection());
  const line = new CheckLine(settings.github, environment, report);
  const spec = settings.spec;
  core.debug(
    redact(
      `Settings: ${JSON.stringify({ ...settings, spec: { file: spec.file, checks: spec.checks.map((c) => c.name), connections: Object.keys(spec.resolved) } })}`,
    ),
  );
  const onReportPath = (path: string) => core.setOutput(OUTPUTS.reportPath, path);
  await runWithReport({ report, upload: settings.uploadReport, main: true, onReportPath }, async () => {
    const exec = await serviceExecFor(settings);
    if (settings.seedCommand.length > 0)
      await seed(settings, report, settings.timing.deadlineMs - (realClock.now() - start));
    const facts: RunFacts = { environment: environment.name, commit: environment.context.headSha };
    const connections = new Map(
      Object.values(spec.resolved).map((c) => [c.name, openConnection(c, exec)] as const),
    );
    const runnables = spec.checks.map((check) => bindCheck(check, connections.get(check.connection)!, facts));
    section.checks = await report.time('checks', () => checkAll(runnables, settings, start));
    await report.time('privileges', () =>
      warnAboutRoles(connections, report, settings.timing.checkTimeoutMs),
    );
    await line.write('seed', seedLine(section.checks));
    publishChecks(section.checks);
    return 'success';
  });
}
