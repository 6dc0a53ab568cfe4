/**
 * `ephemeral.lock.json`: reading (validated against `LOCK_SCHEMA`), writing (stable bytes: sorted keys,
 * two-space indent, LF, so a re-run with the same inputs leaves the file unchanged), and the entry diff
 * that `lock: verify` refuses with (`key: old → new`, digests shortened to 12 hex).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UserInputError } from '../runtime/errors.js';
import { type Fingerprint, type FingerprintKind, posixPath, shortDigest } from './canonical.js';
import { LOCK_SCHEMA_ID } from './lock-schema.js';
// LOCK_SCHEMA compiled by scripts/validators.mjs at build time (Ajv standalone code), not at start-up.
import validateLock from './lock-validator.generated.js';

/** The section of the lock file each action owns. */
export type LockSection = 'compose' | 'namespace';

/** One section as stored. */
export interface LockEntry {
  kind: FingerprintKind;
  /** `sha256:<hex>`. */
  fingerprint: string;
  entries: Record<string, string>;
  tools?: Record<string, string>;
}

/** The whole file. */
export interface LockFile {
  $schema?: string;
  schema: typeof LOCK_SCHEMA_ID;
  locks: Partial<Record<LockSection, LockEntry>>;
}

/** One difference between a lock and the current fingerprint. */
export interface EntryChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** The locked value ('' when added). */
  old: string;
  /** The current value ('' when removed). */
  new: string;
}

/** The lock input's modes. `auto` = `verify` when the lock file has this action's section, else `off`. */
export const LOCK_MODES = ['auto', 'off', 'verify', 'update'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/**
 * Reads and validates a lock file; null when it does not exist.
 * @param input the input naming the file, for errors (`lock-file`)
 * @throws UserInputError naming the file for invalid JSON, an unknown schema version or a schema violation
 */
export function readLockFile(path: string, input = 'lock-file'): LockFile | null {
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserInputError(
      `${input} (${path})`,
      `is not valid JSON (${error instanceof Error ? error.message : error})`,
      'fix the file, or delete it and run once with lock: update to write it again',
    );
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (typeof schema === 'string' && schema !== LOCK_SCHEMA_ID && schema.startsWith('ephemeral-lock/')) {
    throw new UserInputError(
      `${input} (${path})`,
      `has schema "${schema}", which this version of the actions does not read (it reads ${LOCK_SCHEMA_ID})`,
      'use the version of the actions that wrote it, or run with lock: update to rewrite it',
    );
  }
  if (!validateLock(data)) {
    const problems = (validateLock.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');
    throw new UserInputError(
      `${input} (${path})`,
      `does not match the ${LOCK_SCHEMA_ID} schema: ${problems}`,
      'fix the file (schema: actions/shared/src/fingerprint/lock.schema.json), or run with lock: update to rewrite it',
    );
  }
  return data as LockFile;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The lock file's text: keys sorted, two-space indent, final newline (pure). */
export function renderLockFile(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/** `existing` (or a new file) with `section` set to `fingerprint` (pure). */
export function withSection(
  existing: LockFile | null,
  section: LockSection,
  fingerprint: Fingerprint,
): LockFile {
  const entry: LockEntry = {
    kind: fingerprint.document.kind,
    fingerprint: fingerprint.value,
    entries: fingerprint.document.entries,
    ...(Object.keys(fingerprint.tools).length > 0 ? { tools: fingerprint.tools } : {}),
  };
  return {
    ...(existing?.$schema ? { $schema: existing.$schema } : {}),
    schema: LOCK_SCHEMA_ID,
    locks: { ...(existing?.locks ?? {}), [section]: entry },
  };
}

/** Writes the lock file and returns its text. */
export function writeLockFile(path: string, lock: LockFile): string {
  const text = renderLockFile(lock);
  writeFileSync(path, text);
  return text;
}

/** The differences between locked and current entries, sorted by key (pure). */
export function diffEntries(locked: Record<string, string>, current: Record<string, string>): EntryChange[] {
  const keys = [...new Set([...Object.keys(locked), ...Object.keys(current)])].sort();
  const changes: EntryChange[] = [];
  for (const key of keys) {
    const old = locked[key];
    const now = current[key];
    if (old === now) continue;
    if (old === undefined) changes.push({ key, change: 'added', old: '', new: now! });
    else if (now === undefined) changes.push({ key, change: 'removed', old, new: '' });
    else changes.push({ key, change: 'changed', old, new: now });
  }
  return changes;
}

/** Every `sha256:<64 hex>` in `text` shortened to 12 hex, every `hmac-sha256:<64 hex>` to `hmac:<12 hex>`. */
export function shortenDigests(text: string): string {
  return text.replace(/(?:hmac-)?sha256:[0-9a-f]{64}/g, (d) => shortDigest(d));
}

/** One line per change: `services.api.build: 1a2b3c4d5e6f → 9f8e7d6c5b4a` (added: `(none) → …`, removed: `… → (removed)`). */
export function formatChanges(changes: readonly EntryChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.key}: ${c.change === 'added' ? '(none)' : shortenDigests(c.old)} → ${c.change === 'removed' ? '(removed)' : shortenDigests(c.new)}`,
  );
}

/** The lock file path relative to the workspace, POSIX, for annotations (`file:` must be repo-relative). */
export function annotationPath(path: string, workspace: string): string {
  const base = workspace.replace(/[\\/]+$/, '');
  return path.startsWith(`${base}/`) || path.startsWith(`${base}\\`)
    ? posixPath(path.slice(base.length + 1))
    : path;
}
