/**
 * How both deploy actions publish their fingerprint phase: the `fingerprint` output (also the refused one
 * when the lock refuses, so a workflow can show it), a log line with what changed since the last deploy,
 * each note as a notice, and the report's fingerprint section.
 */
import * as core from '@actions/core';
import type { Fingerprint } from './canonical.js';
import type { LockMode } from './lock-file.js';
import type { LockOutcome } from './lock-phase.js';
import type { PreviousDeploy, SinceLastDeploy } from './record.js';
import type { FingerprintSection } from './summary.js';

/** What publishing needs besides the phase. */
export interface PublishOptions {
  section: FingerprintSection;
  mode: LockMode;
  /** Whether tool versions are hashed (`fingerprint-tools`). */
  toolsHashed: boolean;
  /** The last deploy's record, or null (a promise: the look-up still running; null if it failed). */
  previous: PreviousDeploy | null | Promise<PreviousDeploy | null>;
  /** Sets the action's `fingerprint` output. */
  setOutput: (value: string) => void;
}

/**
 * Awaits `phase` and publishes its outcome.
 * @returns the phase's result
 * @throws what the phase throws (a LockMismatchError after its refused fingerprint is recorded and output)
 */
export async function publishFingerprint<
  R extends { fingerprint: Fingerprint; lock: LockOutcome; since: SinceLastDeploy },
>(phase: Promise<R>, o: PublishOptions): Promise<R> {
  const result = await phase.catch(async (error: unknown) => {
    const previous = await Promise.resolve(o.previous).catch(() => null);
    const refused = o.section.refused(error, o.mode, o.toolsHashed, previous);
    if (refused) o.setOutput(refused);
    throw error;
  });
  const { fingerprint, since } = result;
  o.setOutput(fingerprint.value);
  const change =
    since.previous === null
      ? ''
      : since.unchanged
        ? ' (unchanged since the last deploy)'
        : ` (changed since the last deploy: ${since.changed.join(', ') || 'see the report'})`;
  core.info(`Fingerprint ${fingerprint.value}${change}`);
  for (const note of fingerprint.notes) core.notice(note);
  o.section.finished(result, o.mode, o.toolsHashed);
  return result;
}
