/**
 * The fingerprint kept on the environment itself, so the next deploy can say which part changed and
 * teardown can report what it removed: Docker labels on the environment's containers, annotations on its
 * namespace (a digest is 71 characters, over Kubernetes' 63-character label value limit).
 *
 * - `ephemeral.dev/fingerprint`: `sha256:<hex>`;
 * - `ephemeral.dev/fingerprint-entries`: canonical JSON of entry → value with digests shortened to 12 hex
 *   (enough to tell which entry changed; the full values are in the report and the lock file).
 */
import { canonicalJson, type Fingerprint } from './canonical.js';
import { diffEntries, shortenDigests } from './lock-file.js';

/** Label (Docker) / annotation (Kubernetes) keys. */
export const FINGERPRINT_KEYS = {
  fingerprint: 'ephemeral.dev/fingerprint',
  entries: 'ephemeral.dev/fingerprint-entries',
} as const;

/** The labels or annotations recording `fingerprint` (pure). */
export function fingerprintRecord(fingerprint: Fingerprint): Record<string, string> {
  const compact = Object.fromEntries(
    Object.entries(fingerprint.document.entries).map(([k, v]) => [k, shortenDigests(v)]),
  );
  return {
    [FINGERPRINT_KEYS.fingerprint]: fingerprint.value,
    [FINGERPRINT_KEYS.entries]: canonicalJson(compact),
  };
}

/** What a previous deploy recorded, read back from labels or annotations. */
export interface PreviousDeploy {
  fingerprint: string;
  /** Shortened entries, or null when they were not recorded or cannot be read. */
  entries: Record<string, string> | null;
}

/** Reads a record from labels/annotations; null when there is none (pure). */
export function readRecord(labels: Record<string, string> | undefined): PreviousDeploy | null {
  const fingerprint = labels?.[FINGERPRINT_KEYS.fingerprint];
  if (!fingerprint) return null;
  let entries: Record<string, string> | null = null;
  try {
    const parsed = JSON.parse(labels?.[FINGERPRINT_KEYS.entries] ?? '') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      entries = parsed as Record<string, string>;
  } catch {
    entries = null;
  }
  return { fingerprint, entries };
}

/** What changed since the previous deploy. */
export interface SinceLastDeploy {
  /** The previous fingerprint, or null on a first deploy. */
  previous: string | null;
  /** True when the fingerprint is the same. */
  unchanged: boolean;
  /** Entry keys that changed (added, removed or different); [] when unknown or unchanged. */
  changed: string[];
}

/** Compares the current fingerprint with a previous deploy's record (pure). */
export function sinceLastDeploy(previous: PreviousDeploy | null, current: Fingerprint): SinceLastDeploy {
  if (!previous) return { previous: null, unchanged: false, changed: [] };
  if (previous.fingerprint === current.value)
    return { previous: previous.fingerprint, unchanged: true, changed: [] };
  const compact = Object.fromEntries(
    Object.entries(current.document.entries).map(([k, v]) => [k, shortenDigests(v)]),
  );
  const changed = previous.entries ? diffEntries(previous.entries, compact).map((c) => c.key) : [];
  return { previous: previous.fingerprint, unchanged: false, changed };
}
