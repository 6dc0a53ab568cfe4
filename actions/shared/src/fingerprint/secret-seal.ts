/**
 * Secret values in a fingerprint (docs/lock-file.md, "Secret values"). A fingerprint is published (lock
 * file, labels or annotations, summary, report, output), and the SHA-256 of a secret, or of a small
 * document holding one (`["redis-server","--requirepass","hunter2"]`), can be guessed offline from a
 * word list. So a secret never enters a hash as itself:
 *
 * - with `fingerprint-key` (a repository secret): it enters as `hmac-sha256:<hex>`, the HMAC-SHA-256
 *   (RFC 2104) of the value keyed by that key: a changed secret changes the fingerprint, and without the
 *   key the stored value cannot be brute-forced;
 * - without it: as `***`; a changed secret then does not change the fingerprint, and the fingerprint's
 *   notes say so once.
 *
 * Which values are secret is the callers' rule (secret-named environment variables and build args,
 * deploy-namespace's `set` values, URL passwords, and every value registered as a secret before the
 * fingerprint: runtime/secrets.ts); `sealText` replaces the known ones wherever they occur in a text.
 */
import { createHmac } from 'node:crypto';
import { UserInputError } from '../runtime/errors.js';
import { redactUrls } from '../runtime/secret-text.js';
import { registerSecret } from '../runtime/secrets.js';
import { sha256 } from './canonical.js';

/** The prefix of a sealed value; `hmac-sha256:` + 64 hex. */
export const HMAC_PREFIX = 'hmac-sha256:';

/** The shortest `fingerprint-key` accepted (characters): a short key could itself be guessed. */
export const MIN_KEY_LENGTH = 16;

/** Domain separation: the HMAC of a value here is never the HMAC a user computes for something else. */
const DOMAIN = 'ephemeral-fingerprint/v1\0';

/** Seals the secret values of one fingerprint; counts them for the note. */
export class SecretSeal {
  private readonly sealed = new Set<string>();
  private known: string[];

  /**
   * @param key the `fingerprint-key` input, or '' (values then become `***`)
   * @param known secret values registered so far (runtime/secrets.ts); values shorter than 4 characters
   *   are ignored, as the registry ignores them
   */
  constructor(
    private readonly key: string,
    known: readonly string[] = [],
  ) {
    this.known = [...new Set(known.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /**
   * Adds a secret value (and its lines) that `sealText` must find from now on, e.g. a Compose secret's
   * content (compose-sources.ts); values shorter than 4 characters are ignored.
   */
  learn(value: string): void {
    const parts = [value, ...value.split(/\r?\n/).map((line) => line.trim())].filter((s) => s.length >= 4);
    this.known = [...new Set([...this.known, ...parts])].sort((a, b) => b.length - a.length);
  }

  /** True when secret values enter the hash (as HMACs). */
  get keyed(): boolean {
    return this.key !== '';
  }

  /** `hmac-sha256:<64 hex>` of `value` with the key, or `***` without one. */
  seal(value: string): string {
    this.sealed.add(value.trim()); // a file's content and the same value in the model count once
    if (!this.keyed) return '***';
    return (
      HMAC_PREFIX +
      createHmac('sha256', this.key)
        .update(DOMAIN + value)
        .digest('hex')
    );
  }

  /** `text` with every known secret and every URL password / secret-named query value sealed (one pass). */
  sealText(text: string): string {
    const found = redactUrls(text).secrets.filter((s) => s.length > 0);
    const secrets =
      found.length > 0 ? [...this.known, ...found].sort((a, b) => b.length - a.length) : this.known;
    const present = secrets.filter((s) => text.includes(s));
    if (present.length === 0) return text;
    const pattern = new RegExp(present.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    return text.replace(pattern, (secret) => this.seal(secret));
  }

  /**
   * The digest of a text that may hold secrets in forms `sealText` cannot find (a rendered chart):
   * `hmac-sha256:<hex>` with the key, `sha256:<hex>` without.
   */
  digest(text: string): string {
    if (!this.keyed) return sha256(text);
    return (
      HMAC_PREFIX +
      createHmac('sha256', this.key)
        .update(DOMAIN + text)
        .digest('hex')
    );
  }

  /** A deep copy of a JSON-shaped value with `sealText` applied to every string. */
  sealValue(value: unknown): unknown {
    if (typeof value === 'string') return this.sealText(value);
    if (Array.isArray(value)) return value.map((v) => this.sealValue(v));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.sealValue(v)]));
    return value;
  }

  /** How many distinct secret values were sealed. */
  get count(): number {
    return this.sealed.size;
  }

  /** The one sentence for the summary when secret values were left out (no key), else null. */
  note(): string | null {
    if (this.keyed || this.count === 0) return null;
    return `${this.count} secret value${this.count === 1 ? ' is' : 's are'} left out of the fingerprint (shown as ***), so changing a secret does not change it. To include secrets, set the fingerprint-key input to a repository secret of at least ${MIN_KEY_LENGTH} characters (for example from openssl rand -hex 32): each secret then enters the fingerprint as an HMAC-SHA-256 keyed by it, which cannot be guessed without the key.`;
  }
}

/**
 * Checks and masks the `fingerprint-key` input (read with the other settings, before anything starts).
 * @param input the input's name, for the error
 * @param value the input's value ('' when not given)
 * @returns the key, or ''
 * @throws UserInputError naming the input when the key is shorter than MIN_KEY_LENGTH
 */
export function readFingerprintKey(input: string, value: string): string {
  if (value === '') return '';
  registerSecret(value);
  if (value.length < MIN_KEY_LENGTH)
    throw new UserInputError(
      input,
      `the key has ${value.length} characters, fewer than ${MIN_KEY_LENGTH} (a short key can be guessed, and with it every secret sealed by it)`,
      `store a random key of at least ${MIN_KEY_LENGTH} characters as a repository secret (openssl rand -hex 32) and pass it: ${input}: \${{ secrets.FINGERPRINT_KEY }}`,
    );
  return value;
}
