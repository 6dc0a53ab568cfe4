/**
 * The JSON Schema of `ephemeral.lock.json` (`ephemeral-lock/v1`, draft-07), documented in
 * docs/lock-file.md. The same object is committed beside it as lock.schema.json (a unit test keeps the two
 * equal) so editors and other tools can validate a lock file.
 *
 * Versioning: a change that an older reader would misread gets a new `schema` (`ephemeral-lock/v2`);
 * readers refuse versions they do not know, with the fix (upgrade the action, or `lock: update`).
 */

/** The `schema` value of this version. */
export const LOCK_SCHEMA_ID = 'ephemeral-lock/v1';

const digest = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;

/** One action's section: what `fingerprint` covered when the lock was written. */
const section = {
  type: 'object',
  required: ['kind', 'fingerprint', 'entries'],
  additionalProperties: false,
  properties: {
    kind: { enum: ['compose', 'helm', 'manifests', 'kustomize', 'none'] },
    fingerprint: {
      ...digest,
      description: 'SHA-256 of the canonical fingerprint document (see docs/lock-file.md).',
    },
    entries: {
      type: 'object',
      description:
        'Dotted entry → value: a text (an image reference, a version) or a sha256:<hex> digest. Sorted by key.',
      additionalProperties: { type: 'string' },
    },
    tools: {
      type: 'object',
      description:
        'Tool versions when the lock was written (docker, compose, helm). Informational, not verified.',
      additionalProperties: { type: 'string' },
    },
  },
} as const;

/**
 * Ajv's options for the lock schema (https://ajv.js.org/options.html). scripts/validators.mjs compiles the
 * schema with these into lock-validator.generated.js (Ajv standalone code) at build time.
 */
export const LOCK_AJV_OPTIONS = { allErrors: true, strict: false } as const;

/** The schema object. */
export const LOCK_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: LOCK_SCHEMA_ID,
  title: 'ephemeral lock file',
  description:
    'ephemeral.lock.json: what provision-compose and deploy-namespace deployed, by content, so `lock: verify` can refuse a run whose inputs changed. Written by `lock: update`; commit it.',
  type: 'object',
  required: ['schema', 'locks'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    schema: { const: LOCK_SCHEMA_ID },
    locks: {
      type: 'object',
      description:
        'One section per action kind: "compose" (provision-compose), "namespace" (deploy-namespace).',
      additionalProperties: false,
      properties: { compose: section, namespace: section },
    },
  },
} as const;
