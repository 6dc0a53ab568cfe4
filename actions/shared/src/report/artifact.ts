/**
 * Uploads the report and diagnostics as one workflow artifact with @actions/artifact
 * (https://github.com/actions/toolkit/tree/main/packages/artifact). Outside GitHub's runner (no
 * ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL, as in the local harness) it skips with a notice.
 *
 * An upload is bounded: after {@link UPLOAD_TIMEOUT_MS} it is abandoned with a warning and the step goes on
 * (the report stays on disk). The client retries a failed request 5 times with backoff (about 30 s in
 * all) and takes no timeout or retry option; an artifact service that answers 500 to every request, such
 * as nektos/act's (its CreateArtifact rejects the client's `mime_type` field: nektos/act#6022), would
 * otherwise hold every step, and the teardown after it, for that long. The retries of an abandoned upload
 * would still keep Node's event loop alive, so the run frame ends the process once the step's own work is
 * done (`exitWhenDone` in runtime/run.ts).
 */

import { join } from 'node:path';
import * as core from '@actions/core';
import { exitWhenDone } from '../runtime/run.js';
import { listFiles } from './files.js';

/** `upload-report` input values. */
export type UploadPolicy = 'on-failure' | 'always' | 'never';
export const UPLOAD_POLICIES: readonly UploadPolicy[] = ['on-failure', 'always', 'never'];

/** Longest an upload may take before it is abandoned with a warning, in ms. */
export const UPLOAD_TIMEOUT_MS = 10_000;

let abandoned = false;

/** True once an upload was abandoned at its deadline: the step must then end its process itself. */
export function uploadAbandoned(): boolean {
  return abandoned;
}

/** True when the artifact service is reachable from this process (ACTIONS_* variables the runner sets). */
export function canUploadArtifacts(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/**
 * Uploads every file under `dir` as artifact `name`, per `policy` and the action's result.
 * Never throws: a failed upload, or one still running after `timeoutMs`, is a warning. Returns the
 * artifact id, or null when skipped, failed or abandoned.
 * @param retentionDays 1–90 (the repository's maximum applies)
 * @param timeoutMs the bound on the whole upload, in ms
 */
export async function uploadReport(
  policy: UploadPolicy,
  failed: boolean,
  name: string,
  dir: string,
  retentionDays = 7,
  timeoutMs = UPLOAD_TIMEOUT_MS,
): Promise<number | null> {
  if (policy === 'never' || (policy === 'on-failure' && !failed)) return null;
  if (!canUploadArtifacts()) {
    core.notice(
      `upload-report: not on a GitHub-hosted or self-hosted runner with the artifact service; the report stays at ${dir}.`,
    );
    return null;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    // Loaded only when an upload happens: the client is most of the bundle's size and start-up time.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const files = listFiles(dir).map((f) => join(dir, f.path));
    const client = new DefaultArtifactClient();
    const upload = client.uploadArtifact(name.replace(/[^A-Za-z0-9._-]/g, '-'), files, dir, {
      retentionDays,
    });
    upload.catch(() => undefined); // a rejection after the deadline must not become an unhandled one
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const result = await Promise.race([upload, deadline]);
    if (result === null) {
      abandoned = true;
      exitWhenDone();
      core.warning(
        `upload-report: the artifact service did not take the upload within ${timeoutMs / 1000} s; gave up (the report stays at ${dir}).`,
      );
      return null;
    }
    core.info(`Uploaded the report as artifact "${name}" (id ${result.id}).`);
    return result.id ?? null;
  } catch (error) {
    core.warning(
      `upload-report: the upload failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  } finally {
    clearTimeout(timer);
  }
}
