/**
 * The canonical form every fingerprint is computed over, and the hashing primitives.
 *
 * - JSON is serialised with RFC 8785 (JSON Canonicalization Scheme: sorted keys, fixed number and string
 *   forms) through the `canonicalize` package, so key order and whitespace never change a hash.
 * - Paths are relative and POSIX (`api/server.js`, never `api\server.js` or an absolute path), so a second
 *   clone in another directory, or a Windows checkout, gives the same document.
 * - Text files are hashed with CRLF line endings turned into LF, as git's `core.autocrlf` checkout would
 *   undo: a file is text when its first 8000 bytes hold no NUL byte (git's own heuristic,
 *   https://git-scm.com/docs/gitattributes#_text). Binary files are hashed byte for byte.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The `schema` of every fingerprint document. Bump it when the document's meaning changes. */
export const FINGERPRINT_SCHEMA = 'ephemeral-fingerprint/v1' as const;

/** What was fingerprinted: a Compose project, a Helm chart, manifests, a kustomization, or a bare namespace. */
export type FingerprintKind = 'compose' | 'helm' | 'manifests' | 'kustomize' | 'none';

/**
 * The canonical document: one flat map of entries, each a short text or a `sha256:<64 hex>` digest.
 * Keys are dotted paths such as `services.api.build` or `lock-files.api/package-lock.json`.
 */
export interface FingerprintDocument {
  schema: typeof FINGERPRINT_SCHEMA;
  kind: FingerprintKind;
  entries: Record<string, string>;
}

/** A computed fingerprint. */
export interface Fingerprint {
  /** `sha256:<64 hex>` over the canonical document. */
  value: string;
  document: FingerprintDocument;
  /** Tool versions (`docker`, `compose`, `helm`): shown, not hashed unless the caller put them in `entries`. */
  tools: Record<string, string>;
  /** Sentences about what could not be hashed by content (remote build contexts, non-deterministic charts). */
  notes: string[];
}

/** `sha256:<hex>` of bytes or UTF-8 text. */
export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * RFC 8785 canonical JSON of `value`.
 * @throws TypeError when `value` cannot be serialised (undefined at the top, a BigInt, a cycle)
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return text;
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** True when `bytes` look like text by git's rule: no NUL byte in the first 8000 bytes. */
export function isText(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return false;
  return true;
}

/** `bytes` with CRLF turned into LF when they are text (see `isText`); binary content unchanged. */
export function normalizeText(bytes: Uint8Array): Uint8Array {
  if (!isText(bytes) || bytes.indexOf(13) < 0) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) continue;
    out[n++] = bytes[i]!;
  }
  return out.subarray(0, n);
}

/** `sha256:<hex>` of a file's content after `normalizeText`. */
export function hashContent(bytes: Uint8Array): string {
  return sha256(normalizeText(bytes));
}

/** `a\b\c` → `a/b/c`; a leading `./` is dropped, so `./x` and `x` are one path. */
export function posixPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** The fingerprint of a document: `sha256:<hex>` of its canonical JSON. */
export function fingerprintOf(document: FingerprintDocument): string {
  return hashJson(document);
}

/**
 * `sha256:0123456789abcdef…` → `0123456789ab` (12 hex, as `docker images` shows IDs); a sealed secret
 * `hmac-sha256:0123…` (fingerprint/secret-seal.ts) → `hmac:0123456789ab`; other text unchanged.
 */
export function shortDigest(value: string): string {
  const match = /^(hmac-)?sha256:([0-9a-f]{12})[0-9a-f]{52}$/.exec(value);
  if (!match) return value;
  return match[1] ? `hmac:${match[2]}` : match[2]!;
}

/**
 * Removes empty objects and empty arrays, recursively: Compose versions differ in which empty defaults
 * they print (`ipam: {}`). Nulls are kept (`networks: { default: null }` means "attached, no options");
 * a null at the top (`command: null`) becomes undefined, so callers can leave the entry out.
 */
export function prune(value: unknown): unknown {
  if (value === null) return undefined;
  return pruneInner(value);
}

function pruneInner(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneInner);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const pruned = pruneInner(v);
      if (Array.isArray(pruned) && pruned.length === 0) continue;
      if (pruned && typeof pruned === 'object' && Object.keys(pruned).length === 0) continue;
      out[key] = pruned;
    }
    return out;
  }
  return value;
}

/** A copy of `entries` with keys in code-point order (the canonical JSON sorts anyway; this is for people). */
export function sortEntries(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(entries)
      .sort()
      .map((k) => [k, entries[k]!]),
  );
}
