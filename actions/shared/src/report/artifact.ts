/**
 * Uploads the report and diagnostics as one workflow artifact with @actions/artifact
 * (https://github.com/actions/toolkit/tree/main/packages/artifact). Outside GitHub's runner (no
 * ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL, as in the local harness) it skips with a notice.
 */

import { join } from 'node:path';
import * as core from '@actions/core';
import { listFiles } from './files.js';

/** `upload-report` input values. */
export type UploadPolicy = 'on-failure' | 'always' | 'never';
export const UPLOAD_POLICIES: readonly UploadPolicy[] = ['on-failure', 'always', 'never'];

/** True when the artifact service is reachable from this process (ACTIONS_* variables the runner sets). */
export function canUploadArtifacts(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/**
 * Uploads every file under `dir` as artifact `name`, per `policy` and the action's result.
 * Never throws: a failed upload is a warning. Returns the artifact id, or null when skipped.
 * @param retentionDays 1–90 (the repository's maximum applies)
 */
export async function uploadReport(
  policy: UploadPolicy,
  failed: boolean,
  name: string,
  dir: string,
  retentionDays = 7,
): Promise<number | null> {
  if (policy === 'never' || (policy === 'on-failure' && !failed)) return null;
  if (!canUploadArtifacts()) {
    core.notice(
      `upload-report: not on a GitHub-hosted or self-hosted runner with the artifact service; the report stays at ${dir}.`,
    );
    return null;
  }
  try {
    // Loaded only when an upload happens: the client is most of the bundle's size and start-up time.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const files = listFiles(dir).map((f) => join(dir, f.path));
    const client = new DefaultArtifactClient();
    const { id } = await client.uploadArtifact(name.replace(/[^A-Za-z0-9._-]/g, '-'), files, dir, {
      retentionDays,
    });
    core.info(`Uploaded the report as artifact "${name}" (id ${id}).`);
    return id ?? null;
  } catch (error) {
    core.warning(
      `upload-report: the upload failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
