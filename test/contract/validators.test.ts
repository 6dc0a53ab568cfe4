/**
 * The generated JSON Schema validators (scripts/validators.mjs: Ajv standalone code, committed beside each
 * schema) are current, are ES modules that need nothing of Ajv's compiler, and judge every document as Ajv
 * compiling the schema at run time does: the same verdict and the same errors, which spec/validate.ts turns
 * into verify-seed's messages.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LOCK_AJV_OPTIONS, LOCK_SCHEMA } from '../../actions/shared/src/fingerprint/lock-schema.js';
import validateLock from '../../actions/shared/src/fingerprint/lock-validator.generated.js';
import { CHECK_KINDS, SPEC_AJV_OPTIONS, SPEC_SCHEMA } from '../../actions/verify-seed/src/spec/schema.js';
import validateSpec from '../../actions/verify-seed/src/spec/spec-validator.generated.js';
import { repoRoot } from '../harness/env.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** What a validator said about `doc`: the verdict and each error's identifying fields. */
function verdict(validate: Validator, doc: unknown) {
  const valid = validate(doc);
  const errors = (validate.errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    keyword: e.keyword,
    params: e.params,
    message: e.message,
    propertyName: e.propertyName,
    data: e.data,
    parentSchema: e.parentSchema,
  }));
  return { valid, errors: valid ? [] : errors };
}

const GENERATED = [
  'actions/verify-seed/src/spec/spec-validator.generated.js',
  'actions/shared/src/fingerprint/lock-validator.generated.js',
];

describe('the generated validators', () => {
  it('are current: regenerating them from the schemas changes nothing', () => {
    const stderr = (() => {
      try {
        execFileSync(process.execPath, [join(repoRoot, 'scripts/validators.mjs'), '--check'], {
          stdio: 'pipe',
          encoding: 'utf8',
        });
        return '';
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(stderr, 'run npm run bundle (or node scripts/validators.mjs) and commit').toBe('');
  });

  it.each(GENERATED)('%s is an ES module that requires nothing (no Ajv compiler in the bundle)', (file) => {
    const code = readFileSync(join(repoRoot, file), 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/^import /m);
    expect(code).toMatch(/^export default validate\d+;$/m);
  });

  it('the spec validator agrees with Ajv compiling SPEC_SCHEMA, on the example spec and on mutated specs', () => {
    const compiled = new Ajv({ ...SPEC_AJV_OPTIONS }).compile(SPEC_SCHEMA as object);
    const example = parseYaml(readFileSync(join(repoRoot, 'examples/compose-app/seed-checks.yaml'), 'utf8'));
    expect(verdict(validateSpec, example)).toEqual(verdict(compiled, example));
    expect(validateSpec(example)).toBe(true);

    const value = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.integer({ min: -2, max: 70_000 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
    );
    const key = fc.constantFrom(
      'kind',
      'name',
      'query',
      'url',
      'path',
      'expect',
      'key',
      'declared',
      'marker',
      'x',
    );
    const check = fc.record(
      { kind: fc.constantFrom(...CHECK_KINDS, 'sqll', 1), connection: fc.constantFrom('db', 'api', '') },
      { requiredKeys: [] },
    );
    const doc = fc.record(
      {
        connections: fc.dictionary(
          fc.constantFrom('db', 'api', '-bad', 'x y'),
          fc.record({ kind: fc.constantFrom('postgres', 'mysql', 'redis', 'http', 'mongo'), url: value }),
        ),
        checks: fc.array(
          fc
            .tuple(check, fc.dictionary(key, value, { maxKeys: 3 }))
            .map(([c, extra]) => ({ ...extra, ...c })),
          { maxLength: 3 },
        ),
        extra: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(doc, (d) => {
        expect(verdict(validateSpec, d)).toEqual(verdict(compiled, d));
      }),
      { numRuns: 500 },
    );
  });

  it('the lock validator agrees with Ajv compiling LOCK_SCHEMA', () => {
    const compiled = new Ajv({ ...LOCK_AJV_OPTIONS }).compile(LOCK_SCHEMA);
    const digest = fc.oneof(fc.constant(`sha256:${'a'.repeat(64)}`), fc.string({ maxLength: 8 }));
    const section = fc.record(
      {
        kind: fc.constantFrom('compose', 'helm', 'none', 'chart'),
        fingerprint: digest,
        entries: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer())),
      },
      { requiredKeys: [] },
    );
    const lock = fc.record(
      {
        schema: fc.constantFrom('ephemeral-lock/v1', 'ephemeral-lock/v2'),
        locks: fc.record({ compose: section, namespace: section }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(lock, (l) => {
        expect(verdict(validateLock, l)).toEqual(verdict(compiled, l));
      }),
      { numRuns: 300 },
    );
  });
});
