// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs say ${VAR}; these tests quote them
/** Resolving connections: variables, then {service:port}; secrets registered first; unset and unknown named. */
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests, redact } from '../../../../actions/shared/src/runtime/secrets.js';
import { resolveSpec } from '../../../../actions/verify-seed/src/connections/resolve.js';
import { SpecError } from '../../../../actions/verify-seed/src/spec/document.js';
import { parseSpec } from '../../../../actions/verify-seed/src/spec/parse.js';
import type { Spec } from '../../../../actions/verify-seed/src/spec/types.js';

const root = resolve(import.meta.dirname, '../../../..');
const dir = join(root, 'test/fixtures/verify-seed/specs');
const env = { TEST_DB_PASSWORD: 'Db-Pw-1234', TEST_FIXTURE_VERSION: '3.1.4' };

function parseText(text: string, extraEnv: NodeJS.ProcessEnv = env): Promise<Spec> {
  return parseSpec(text, { input: 'checks', file: null, workspace: root, baseDir: dir, env: extraEnv });
}

/** The issues of a spec that must fail, as `line:col path: message`. */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    expect(error).toBeInstanceOf(UserInputError);
    return (error as SpecError).issues.map((i) => `${i.at.line}:${i.at.column} ${i.path}: ${i.message}`);
  }
  throw new Error('the spec was accepted');
}

afterEach(() => clearSecretsForTests());

describe('variables, placeholders and secrets', () => {
  const services = {
    db: {
      state: 'running',
      health: 'healthy',
      exitCode: null,
      verdict: 'ready' as const,
      ports: { '5432/tcp': '127.0.0.1:49153' },
      containers: [],
    },
    cache: {
      state: 'running',
      health: 'healthy',
      exitCode: null,
      verdict: 'ready' as const,
      ports: {},
      containers: [],
    },
  };

  it('resolves variables then {service:port}, and registers every password before anything prints', async () => {
    const spec = await parseText(`
connections:
  db: { kind: postgres, url: "postgres://app:\${DB_PW}@{db:5432}/app" }
  api: { kind: http, url: "http://127.0.0.1:1", headers: { Authorization: "Bearer \${API_TOKEN}" } }
  inside: { kind: redis, exec: { service: cache, password: "\${REDIS_SECRET:-r3dis-pass}" } }
checks:
  - { kind: sql, connection: db, query: "SELECT $1", params: ["\${DB_USER_NAME:-app}"] }
  - { kind: http, connection: api, path: /, headers: { X-Api-Key: k3y-value-9 } }
`);
    const resolved = resolveSpec(spec, { DB_PW: 'p@ss-W0rd', API_TOKEN: 'tok-123456' }, services, 'checks');
    expect(resolved.resolved.db!.url).toBe('postgres://app:p@ss-W0rd@127.0.0.1:49153/app');
    expect(resolved.resolved.inside!.exec).toEqual({ service: 'cache', password: 'r3dis-pass' });
    expect(resolved.checks[0]!.kind === 'sql' && resolved.checks[0]!.params).toEqual(['app']);
    expect(redact('url postgres://app:p@ss-W0rd@127.0.0.1:49153/app; pw p@ss-W0rd')).toBe('url ***; pw ***');
    expect(redact('Bearer tok-123456 r3dis-pass k3y-value-9')).toBe('*** *** ***');
  });

  it('names the unset variable, the unknown service and the unpublished port, at the connection', async () => {
    const spec = await parseText(`
connections:
  a: { kind: postgres, url: "postgres://app:\${UNSET_PW}@{db:5432}/app" }
  b: { kind: postgres, url: "postgres://{nodb:5432}/app" }
  c: { kind: redis, url: "redis://{cache:6379}" }
checks:
  - { kind: sql, connection: a, query: SELECT 1 }
`);
    expect(issuesOf(() => resolveSpec(spec, {}, services, 'checks'))).toEqual([
      "3:6 connections.a.url: ${UNSET_PW} is not set; set UNSET_PW in the step's env: (from a secret for passwords), or give a default: ${UNSET_PW:-value}",
      '4:6 connections.b.url: {nodb:5432} names service "nodb", which is not in the environment\'s services (db, cache); use a service published by provision-compose, or write the host:port directly',
      '5:6 connections.c.url: {cache:6379}: service "cache" publishes no container port 6379/tcp; add a "ports:" entry for 6379 to service "cache" in the compose file, or use a published port',
    ]);
  });
});
