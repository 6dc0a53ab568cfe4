/**
 * The frame around every action's work: whatever happens, the report is finished exactly once and its path
 * handed out, then a failure propagates so the step fails (main) or warns (post).
 *
 * - the body returns: `success`, or the result it returns (a post step reports `failure` without throwing);
 * - the body throws: `failure` with the error, after the diagnostics bundle (not for a bad input, whose
 *   message says it all, and not after a cancellation, when the runner allows only seconds);
 * - the step is cancelled: `cancelled`, written by the cancel handler even if the body never returns.
 */
import { errorMessage, UserInputError } from '../runtime/errors.js';
import { isCancelled, onCancel } from '../runtime/run.js';
import type { ActionReport } from './action-report.js';
import type { UploadPolicy } from './artifact.js';
import type { DiagnosticsBundle, ReportResult } from './model.js';

/** How one action run reports. */
export interface ReportedRun {
  report: ActionReport;
  upload: UploadPolicy;
  /** Receives the report path (main steps set their `report-path` output; post steps have no outputs). */
  onReportPath?: (path: string) => void;
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
  onCancel(() => finish({ result: 'cancelled' }));
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
    await finish({ result: cancelled ? 'cancelled' : 'failure', error, ...(bundle ? { bundle } : {}) });
    throw error;
  }
  await finish({ result });
}
