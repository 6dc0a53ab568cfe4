/**
 * The JSON Schema (draft-07, validated with Ajv: https://ajv.js.org/) of a checks spec. It checks the
 * shape — keys, types, the check kind — before anything else; spec/parse.ts then checks what a schema
 * cannot (connection references, one of url/exec, regular expressions, durations, SQL statements).
 * Checks and connections are discriminated by `kind` (Ajv's `discriminator` keyword,
 * https://ajv.js.org/json-schema.html#discriminator), so an error names the fields of the kind given.
 */

/**
 * A value that is either a mapping of the given shape or something else (a scalar shorthand): JSON Schema's
 * if (type object) / then / else. Built with fromEntries, as a literal "then" key reads like a thenable.
 */
function mappingOr(
  mapping: Record<string, unknown>,
  other: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries([
    ['if', { type: 'object' }],
    ['then', mapping],
    ['else', other],
  ]);
}

const DURATION = {
  type: ['string', 'number'],
  description: 'A duration: seconds (30) or with units (500ms, 30s, 2m).',
} as const;

const SCALAR = { type: ['string', 'number', 'boolean', 'null'] } as const;

/** `3` or `{equals, min, max}`. */
const NUMBER_EXPECT = mappingOr(
  {
    type: 'object',
    properties: { equals: { type: 'number' }, min: { type: 'number' }, max: { type: 'number' } },
    additionalProperties: false,
    minProperties: 1,
  },
  { type: 'number' },
);

/** Comparators of a value expectation. */
const COMPARATORS = {
  equals: {},
  'not-equals': {},
  min: { type: 'number' },
  max: { type: 'number' },
  regex: { type: 'string', minLength: 1 },
  json: {},
  length: NUMBER_EXPECT,
} as const;

/** A scalar (equals) or a comparator mapping. */
const VALUE_EXPECT = mappingOr(
  { type: 'object', properties: COMPARATORS, additionalProperties: false, minProperties: 1 },
  SCALAR,
);

const HEADERS = {
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
} as const;

const PARAMS = { type: 'array', items: SCALAR } as const;

const COMMON = {
  name: { type: 'string', minLength: 1 },
  connection: { type: 'string', minLength: 1 },
  description: { type: 'string' },
  timeout: DURATION,
  retries: { type: 'integer', minimum: 0, maximum: 1000 },
  'retry-interval': DURATION,
} as const;

/** Fields that read one value for fixture-version and isolation checks (which apply depends on the connection). */
const SOURCE = {
  query: { type: 'string', minLength: 1 },
  params: PARAMS,
  key: { type: 'string', minLength: 1 },
  path: { type: 'string', pattern: '^/' },
  method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
  headers: HEADERS,
  body: {},
  jmespath: { type: 'string', minLength: 1 },
} as const;

function check(kind: string, properties: Record<string, unknown>, required: string[] = []) {
  return {
    type: 'object',
    properties: { kind: { const: kind }, ...COMMON, ...properties },
    required: ['kind', ...required],
    additionalProperties: false,
  };
}

const SQL_CHECK = check(
  'sql',
  {
    query: { type: 'string', minLength: 1 },
    params: PARAMS,
    'read-only': { type: 'boolean' },
    expect: {
      type: 'object',
      properties: {
        'row-count': NUMBER_EXPECT,
        columns: { type: 'array', items: { type: 'string' }, minItems: 1 },
        rows: { type: 'array', items: { type: ['object', 'array'] } },
        ordered: { type: 'boolean' },
        scalar: VALUE_EXPECT,
      },
      additionalProperties: false,
    },
  },
  ['query'],
);

const REDIS_CHECK = check('redis', {
  key: { type: 'string', minLength: 1 },
  pattern: { type: 'string', minLength: 1 },
  'scan-limit': { type: 'integer', minimum: 1, maximum: 10_000_000 },
  expect: {
    type: 'object',
    properties: {
      exists: { type: 'boolean' },
      type: { enum: ['string', 'list', 'set', 'zset', 'hash', 'stream'] },
      value: VALUE_EXPECT,
      members: { type: 'array', items: { type: ['string', 'number'] } },
      size: NUMBER_EXPECT,
      count: NUMBER_EXPECT,
    },
    additionalProperties: false,
  },
});

const HTTP_CHECK = check(
  'http',
  {
    path: SOURCE.path,
    method: SOURCE.method,
    headers: HEADERS,
    body: {},
    expect: {
      type: 'object',
      properties: {
        status: { type: ['string', 'integer'] },
        json: {},
        jmespath: mappingOr(
          {
            type: 'object',
            properties: { expression: { type: 'string', minLength: 1 }, ...COMPARATORS },
            required: ['expression'],
            additionalProperties: false,
          },
          { type: 'string', minLength: 1 },
        ),
        length: NUMBER_EXPECT,
      },
      additionalProperties: false,
    },
  },
  ['path'],
);

const FIXTURE_CHECK = check(
  'fixture-version',
  {
    ...SOURCE,
    declared: mappingOr(
      {
        type: 'object',
        properties: {
          file: { type: 'string', minLength: 1 },
          jmespath: { type: 'string', minLength: 1 },
          value: { type: ['string', 'number'] },
          env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        },
        additionalProperties: false,
        minProperties: 1,
      },
      { type: 'string', minLength: 1 },
    ),
  },
  ['declared'],
);

const ISOLATION_CHECK = check('isolation', {
  ...SOURCE,
  pattern: { type: 'string', minLength: 1 },
  'scan-limit': { type: 'integer', minimum: 1, maximum: 10_000_000 },
  marker: mappingOr(
    {
      type: 'object',
      properties: { value: { type: 'string', minLength: 1 } },
      required: ['value'],
      additionalProperties: false,
    },
    { enum: ['environment', 'commit', 'none'] },
  ),
  foreign: { type: 'string', minLength: 1 },
});

/** Check kinds, in the order the docs list them. */
export const CHECK_KINDS = ['sql', 'redis', 'http', 'fixture-version', 'isolation'] as const;
/** Connection kinds. */
export const CONNECTION_KINDS = ['postgres', 'mysql', 'mariadb', 'redis', 'http'] as const;

function connection(kind: string, exec: boolean) {
  return {
    type: 'object',
    properties: {
      kind: { const: kind },
      url: { type: 'string', minLength: 1 },
      ...(exec
        ? {
            exec: {
              type: 'object',
              properties: {
                service: { type: 'string', minLength: 1 },
                client: { type: 'string', minLength: 1 },
                user: { type: 'string', minLength: 1 },
                password: { type: 'string' },
                database: { type: ['string', 'integer'] },
                host: { type: 'string', minLength: 1 },
                port: { type: 'integer', minimum: 1, maximum: 65535 },
              },
              required: ['service'],
              additionalProperties: false,
            },
          }
        : {}),
      ...(kind === 'http'
        ? { headers: HEADERS }
        : {
            user: { type: 'string', minLength: 1 },
            password: { type: 'string' },
            database: { type: ['string', 'integer'] },
          }),
    },
    required: ['kind'],
    additionalProperties: false,
  };
}

/**
 * Ajv's options for the spec schema (https://ajv.js.org/options.html): every error (`allErrors`), strict
 * mode, the `discriminator` keyword, `["string", "number"]` types, and `verbose` (each error carries its
 * data and parent schema: spec/validate.ts lists a mapping's allowed keys from it). scripts/validators.mjs
 * compiles the schema with these into spec-validator.generated.js (Ajv standalone code) at build time.
 */
export const SPEC_AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  discriminator: true,
  allowUnionTypes: true,
  verbose: true,
} as const;

/** The schema of a whole spec document. */
export const SPEC_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'ephemeral-verify-seed-spec/v1',
  title: 'verify-seed checks spec',
  type: 'object',
  properties: {
    connections: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
      additionalProperties: {
        type: 'object',
        discriminator: { propertyName: 'kind' },
        properties: { kind: { enum: CONNECTION_KINDS } },
        required: ['kind'],
        oneOf: CONNECTION_KINDS.map((kind) => connection(kind, kind !== 'http')),
      },
    },
    checks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        discriminator: { propertyName: 'kind' },
        properties: { kind: { enum: CHECK_KINDS } },
        required: ['kind'],
        oneOf: [SQL_CHECK, REDIS_CHECK, HTTP_CHECK, FIXTURE_CHECK, ISOLATION_CHECK],
      },
    },
  },
  required: ['connections', 'checks'],
  additionalProperties: false,
} as const;
