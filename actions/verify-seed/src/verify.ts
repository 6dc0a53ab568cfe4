/**
 * verify-seed main: the optional seed command, then every check of the spec (all of them, whatever fails),
 * then the report — a job-summary table with one row per check, the JSON report with a `checks` array, an
 * error annotation per failing check pointing at its line in the spec file — and the outputs `passed`,
 * `failed`, `checks` and `report-path`. Fails when any check failed.
 */
import * as core from '@actions/core';
import { onCancel } from '../../shared/src/action.js';
import { DockerCompose, detectCompose, type ProjectRef } from '../../shared/src/compose.js';
import { formatMs } from '../../shared/src/duration.js';
import { resolveEnvironment } from '../../shared/src/environment.js';
import { actionDir } from '../../shared/src/paths.js';
import type { CheckReport } from '../../shared/src/report-checks.js';
import { ActionReport } from '../../shared/src/reporting.js';
import { redact } from '../../shared/src/secrets.js';
import { bindCheck, type RunnableCheck } from './checks/attempt.js';
import { realClock, runAll } from './checks/schedule.js';
import { ComposeServiceExec, type ServiceExec } from './connections/exec/service-exec.js';
import { needsServiceExec, openConnection } from './connections/open.js';
import { OUTPUTS } from './contract.js';
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
export function loadSettings(load: () => VerifySettings = getSettings): VerifySettings {
  try {
    return load();
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

/** Runs verify-seed's main. */
export async function verifySeed(settings: VerifySettings = loadSettings()): Promise<void> {
  const start = realClock.now();
  const environment = resolveEnvironment(settings.project, null);
  const dir = actionDir(ACTION, environment.name);
  const report = new ActionReport(ACTION, environment, dir);
  const spec = settings.spec;
  core.debug(
    redact(
      `Settings: ${JSON.stringify({ ...settings, spec: { file: spec.file, checks: spec.checks.map((c) => c.name), connections: Object.keys(spec.resolved) } })}`,
    ),
  );
  onCancel(async () => {
    core.setOutput(
      OUTPUTS.reportPath,
      await report.finish({ result: 'cancelled', upload: settings.uploadReport }),
    );
  });

  let exec: ServiceExec | null = null;
  if (needsServiceExec(Object.values(spec.resolved))) {
    const project: ProjectRef = {
      name: settings.project,
      ...(settings.composeFiles.length ? { files: settings.composeFiles } : {}),
      ...(settings.composeDirectory && settings.composeFiles.length
        ? { projectDirectory: settings.composeDirectory }
        : {}),
    };
    exec = new ComposeServiceExec(new DockerCompose(await detectCompose()), project);
  }

  if (settings.seedCommand.length > 0) {
    const left = settings.timing.deadlineMs - (realClock.now() - start);
    try {
      await report.time('seed', () =>
        core.group('Seed', () =>
          runSeedCommand({
            argv: settings.seedCommand,
            cwd: settings.workingDirectory,
            timeoutMs: Math.max(1000, Math.min(settings.seedTimeoutMs, left)),
            project: settings.project,
            composeFiles: settings.composeFiles,
          }),
        ),
      );
    } catch (error) {
      core.setOutput(OUTPUTS.passed, '0');
      core.setOutput(OUTPUTS.failed, String(spec.checks.length));
      core.setOutput(
        OUTPUTS.reportPath,
        await report.finish({ result: 'failure', error, upload: settings.uploadReport }),
      );
      throw error;
    }
  }

  const facts = { environment: environment.name, commit: environment.context.headSha };
  const connections = new Map(
    Object.values(spec.resolved).map((c) => [c.name, openConnection(c, exec)] as const),
  );
  const runnables: RunnableCheck[] = spec.checks.map((check) =>
    bindCheck(check, connections.get(check.connection)!, facts),
  );
  const t = settings.timing;
  core.info(
    `Verifying ${runnables.length} check(s) from ${spec.file ? (spec.checks[0]?.at.label ?? spec.file) : 'input "checks"'} against ${[...new Set(runnables.map((r) => r.target))].join(', ')}; check timeout ${formatMs(t.checkTimeoutMs)}, ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'} ${formatMs(t.retryIntervalMs)} apart, deadline ${formatMs(t.deadlineMs)}.`,
  );
  const results = await report.time('checks', () =>
    core.group('Checks', () =>
      runAll(
        runnables,
        t,
        start,
        realClock,
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
    ),
  );
  report.data.checks = results;
  const failed = results.filter((r) => !r.passed);
  core.setOutput(OUTPUTS.passed, String(results.length - failed.length));
  core.setOutput(OUTPUTS.failed, String(failed.length));
  core.setOutput(
    OUTPUTS.checks,
    JSON.stringify(
      Object.fromEntries(
        results.map((r) => [r.name, { passed: r.passed, attempts: r.attempts, durationMs: r.durationMs }]),
      ),
    ),
  );
  for (const check of failed) annotate(check);
  if (failed.length === 0) {
    core.info(`All ${results.length} check(s) passed.`);
    core.setOutput(
      OUTPUTS.reportPath,
      await report.finish({ result: 'success', upload: settings.uploadReport }),
    );
    return;
  }
  const error = new Error(
    `${failed.length} of ${results.length} check(s) failed: ${failed.map((f) => `"${f.name}"`).join(', ')} (see the annotations and the job summary)`,
  );
  core.setOutput(
    OUTPUTS.reportPath,
    await report.finish({ result: 'failure', error, upload: settings.uploadReport }),
  );
  throw error;
}
