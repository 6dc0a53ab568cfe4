/**
 * The lock phase both deploying actions run before anything starts: compare the fingerprint with
 * `ephemeral.lock.json` (`lock: verify`, or `auto` when the file has this action's section) and refuse on
 * any difference, or write the file (`lock: update`). The refusal names every entry that differs
 * (`key: old → new`, digests shortened) in the log, as an error annotation on the lock file, and in the
 * error itself; the caller's report carries the same list to the job summary.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { UserInputError } from '../runtime/errors.js';
import type { Fingerprint } from './canonical.js';
import {
  annotationPath,
  diffEntries,
  type EntryChange,
  formatChanges,
  type LockEntry,
  type LockMode,
  type LockSection,
  readLockFile,
  withSection,
  writeLockFile,
} from './lock-file.js';
import type { SinceLastDeploy } from './record.js';

/** The lock inputs, validated. */
export interface LockSettings {
  mode: LockMode;
  /** The lock file, absolute. */
  file: string;
}

/** What the lock phase did. */
export interface LockOutcome {
  /** `off` (not asked, or `auto` without a lock), `verified`, `updated`. */
  status: 'off' | 'verified' | 'updated';
  /** The lock file, absolute ('' when off). */
  file: string;
  /** For `updated`: what changed against the previous lock (all `added` for a new file). */
  changes: EntryChange[];
  /** The lock section in force after the phase (for pins), or null. */
  locked: LockEntry | null;
}

/** `lock: verify` found differences: nothing was started. The message lists them. */
export class LockMismatchError extends UserInputError {
  /** What the environment changed since its last deploy (set by the caller that knows it). */
  since: SinceLastDeploy | null = null;
  constructor(
    readonly file: string,
    readonly changes: EntryChange[],
    /** The fingerprint that was refused. */
    readonly fingerprint: Fingerprint,
  ) {
    super(
      'lock',
      `the environment differs from ${file} in ${changes.length} entr${changes.length === 1 ? 'y' : 'ies'}:\n  ${formatChanges(changes).join('\n  ')}\n`,
      'if the change is intended, run once with lock: update and commit the new ephemeral.lock.json (it is also in the report artifact); otherwise restore the input that changed',
    );
  }
}

/**
 * Runs the lock phase.
 * @param section this action's section of the lock file
 * @param workspace for the annotation's repository-relative path
 * @param reportDir where `update` puts a copy of the written file (uploaded with the report)
 * @throws LockMismatchError on a difference under verify; UserInputError for an unreadable lock file or
 *   `verify` without a lock for this action
 */
export function runLockPhase(
  settings: LockSettings,
  section: LockSection,
  fingerprint: Fingerprint,
  workspace: string,
  reportDir: string,
): LockOutcome {
  if (settings.mode === 'off') return { status: 'off', file: '', changes: [], locked: null };
  const existing = readLockFile(settings.file);
  const locked = existing?.locks[section] ?? null;
  if (settings.mode === 'update') {
    const changes = diffEntries(locked?.entries ?? {}, fingerprint.document.entries);
    const next = withSection(existing, section, fingerprint);
    writeLockFile(settings.file, next);
    mkdirSync(reportDir, { recursive: true });
    copyFileSync(settings.file, join(reportDir, 'ephemeral.lock.json'));
    core.info(
      changes.length === 0
        ? `Lock file ${settings.file}: unchanged (${fingerprint.value}).`
        : `Lock file ${settings.file} written (${fingerprint.value}); commit it:\n  ${formatChanges(changes).join('\n  ')}`,
    );
    return { status: 'updated', file: settings.file, changes, locked: next.locks[section]! };
  }
  if (!locked) {
    if (settings.mode === 'auto') return { status: 'off', file: '', changes: [], locked: null };
    throw new UserInputError(
      'lock',
      `is verify, but ${existing ? `${settings.file} has no "${section}" section` : `${settings.file} does not exist`}`,
      'run once with lock: update and commit ephemeral.lock.json, or set lock: off',
    );
  }
  const changes = diffEntries(locked.entries, fingerprint.document.entries);
  if (changes.length > 0) {
    const file = annotationPath(settings.file, workspace);
    for (const line of formatChanges(changes))
      core.error(line, { title: 'ephemeral lock mismatch', file, startLine: 1 });
    throw new LockMismatchError(settings.file, changes, fingerprint);
  }
  core.info(`Lock file ${settings.file}: verified (${fingerprint.value}).`);
  return { status: 'verified', file: settings.file, changes: [], locked };
}

/** Runs `fn`, attaching `since` to a LockMismatchError it throws (for the report of the refusal). */
export function withSince<T>(fn: () => T, since: SinceLastDeploy): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof LockMismatchError) error.since = since;
    throw error;
  }
}
