/**
 * The frame around every action's work: whatever happens, the report is finished exactly once and its path
 * handed out, then a failure propagates so the step fails (main) or warns (post).
 *
 * - the body returns: `success`, or the result it returns (a post step reports `failure` without throwing);
 * - the body throws: `failure` with the error, after the diagnostics bundle (not for a bad input, whose
 *   message says it all, and not after a cancellation, when the runner allows only seconds);
 * - the step is cancelled: `cancelled`, written by the cancel handler even if the body never returns.
 *
 * A main step's `status` output (status.ts) is set on every path: by the action when it knows the outcome,
 * else `error` after a failure and `cancelled` after a cancellation. A failure before the frame exists (a
 * bad input, an environment name that cannot be derived) is reported by `reportFailures`, which wraps each
 * main: a report holding the error, `report-path` and `status: error` (issue 9, defect 5).
 */
import * as core from '@actions/core';
import { type ResolvedEnvironment, resolveEnvironment } from '../environment/resolve.js';
import { readRunContext } from '../environment/run-context.js';
import { errorMessage, UserInputError } from '../runtime/errors.js';
import { isCancelled, onCancel } from '../runtime/run.js';
import { ActionReport } from './action-report.js';
import type { UploadPolicy } from './artifact.js';
import { actionDir } from './files.js';
import type { DiagnosticsBundle, ReportResult } from './model.js';
import { setStatusUnlessSet } from './status.js';

/** The output every main step sets to its report's path. */
export const REPORT_PATH_OUTPUT = 'report-path';

/** True once a frame has started in this process: its report is the one that counts. */
let framed = false;

/** How one action run reports. */
export interface ReportedRun {
  report: ActionReport;
  upload: UploadPolicy;
  /** Receives the report path (main steps set their `report-path` output; post steps have no outputs). */
  onReportPath?: (path: string) => void;
  /** A main step: the frame sets `status` (`error`, `cancelled`) when the action did not. */
  main?: boolean;
  /**
   * Collects the diagnostics bundle after a failure; never throws (a part it cannot collect is noted in the
   * bundle). May also record what it found in the report's sections and the action's outputs.
   */
  diagnose?: (error: unknown) => Promise<DiagnosticsBundle | undefined>;
}

/**
 * Runs `body` inside the frame.
 * @returns when the body returned (the report is written)
 * @throws whatever the body threw, after the report is written
 */
export async function runWithReport(
  run: ReportedRun,
  body: () => Promise<ReportResult | undefined>,
): Promise<void> {
  const finish = async (options: Omit<Parameters<ActionReport['finish']>[0], 'upload'>) => {
    const path = await run.report.finish({ ...options, upload: run.upload });
    run.onReportPath?.(path);
  };
  framed = true;
  const status = (value: string) => {
    if (run.main) setStatusUnlessSet(value);
  };
  onCancel(() => {
    status('cancelled');
    return finish({ result: 'cancelled' });
  });
  let result: ReportResult;
  try {
    result = (await body()) ?? 'success';
  } catch (error) {
    const cancelled = isCancelled();
    let bundle: DiagnosticsBundle | undefined;
    if (!cancelled && !(error instanceof UserInputError) && run.diagnose) {
      try {
        bundle = await run.diagnose(error);
      } catch (failure) {
        run.report.warn(`Diagnostics could not be collected: ${errorMessage(failure)}`);
      }
    }
    status(cancelled ? 'cancelled' : 'error');
    await finish({ result: cancelled ? 'cancelled' : 'failure', error, ...(bundle ? { bundle } : {}) });
    throw error;
  }
  await finish({ result });
}

/** The environment for a report written before the action resolved its own: derived from the run, or unnamed. */
function fallbackEnvironment(): ResolvedEnvironment {
  const context = readRunContext();
  try {
    return resolveEnvironment('', null, context);
  } catch {
    return { name: '', concurrencyKey: '', source: 'explicit', context, prNumber: context.prNumber };
  }
}

/**
 * Runs a main step's `main`; when it fails before any frame started (its inputs were refused, or the
 * environment could not be resolved), writes a report holding the error under
 * `<RUNNER_TEMP>/ephemeral/<environment or unnamed>/<action>/report.json`, sets `report-path` and
 * `status: error`, then rethrows. That report is not uploaded: it holds only the error, which the log shows.
 * @throws whatever `main` threw
 */
export async function reportFailures(action: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!framed) {
      try {
        const environment = fallbackEnvironment();
        const report = new ActionReport(
          action,
          environment,
          actionDir(environment.context.runnerTemp, action, environment.name),
        );
        setStatusUnlessSet('error');
        const path = await report.finish({ result: 'failure', error, upload: 'never' });
        if (path) core.setOutput(REPORT_PATH_OUTPUT, path);
      } catch (failure) {
        core.warning(`Could not write the report: ${errorMessage(failure)}`);
      }
    }
    throw error;
  }
}
