/**
 * Canary secrets on the Docker engine: a unique canary in every secret-carrying input of provision-compose,
 * wait-ready, verify-seed and teardown that needs no cluster (test/corpus/secret-inputs.ts; the cluster
 * ones are in test/k8s/canary.test.ts) — step env interpolated into the compose file, literal values in
 * it, a password on a service's command line, an env file, URLs with passwords (`redis://:pw@`,
 * `postgres://u:pw@`), headers, probes, a spec, inline checks, a seed command. Every action fails on
 * purpose after using them, so every report, summary, output and diagnostics bundle (service logs that
 * print the environment, the resolved config, container states) is written; then every file the jobs
 * wrote, and the log as GitHub shows it, is searched for each canary raw, base64 and URL-encoded.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Finding, inputsCovered, makeCanary, scanJob, snapshot } from '../corpus/canary.js';
import { ENGINE_CANARY_INPUTS } from '../corpus/secret-inputs.js';
import { type JobResult, type JobSpec, runJob } from '../harness/job.js';
import { forceRemove, leftovers, prEvent, sha } from './helpers.js';

const repository = `acme/canary${process.pid}`;
const workspace = mkdtempSync(join(tmpdir(), 'canary-ws-'));
const names: string[] = [];
const jobs: JobResult[] = [];

const C = {
  signing: makeCanary('SIGNING_KEY (step env → compose file)', ['provision-compose compose-files']),
  redis: makeCanary('redis://:pw@ in the compose file', ['provision-compose compose-files']),
  dsn: makeCanary('DATABASE_DSN literal in the compose file', ['provision-compose compose-files']),
  requirepass: makeCanary('redis-server --requirepass on a command line', [
    'provision-compose compose-files',
  ]),
  pgPassword: makeCanary('POSTGRES_PASSWORD (step env)', [
    'provision-compose compose-files',
    'verify-seed spec',
  ]),
  envFile: makeCanary('an env file', ['provision-compose env-files']),
  urlPassword: makeCanary('wait-ready url password', ['wait-ready url']),
  header: makeCanary('wait-ready headers', ['wait-ready headers']),
  probeHeader: makeCanary('wait-ready probes header', ['wait-ready probes']),
  specHeader: makeCanary('verify-seed spec http header', ['verify-seed spec']),
  inline: makeCanary('verify-seed inline checks', ['verify-seed checks']),
  seedArg: makeCanary('verify-seed seed-command --password', ['verify-seed seed-command']),
  // GitHub tokens the fake GitHub does not know: every call is answered 401, and the token must not leak.
  wrToken: makeCanary('wait-ready github-token', ['wait-ready github-token']),
  vsToken: makeCanary('verify-seed github-token', ['verify-seed github-token']),
  pcToken: makeCanary('provision-compose github-token', ['provision-compose github-token']),
  pcKey: makeCanary('provision-compose fingerprint-key', ['provision-compose fingerprint-key']),
  tdToken: makeCanary('teardown github-token', ['teardown github-token']),
  adminToken: makeCanary('teardown github-admin-token', ['teardown github-admin-token']),
};
const ALL = Object.values(C);

function write(path: string, content: string): void {
  mkdirSync(join(workspace, path, '..'), { recursive: true });
  writeFileSync(join(workspace, path), content);
}

write(
  'stack/compose.yaml',
  `services:
  app:
    image: busybox:1.35
    command: ["sh", "-c", "env; echo dsn=$$DATABASE_DSN redis=$$REDIS_URL; exec httpd -f -v -p 80 -h /tmp"]
    environment:
      SIGNING_KEY: \${CANARY_SIGNING}
      REDIS_URL: "redis://:${C.redis.value}@cache:6379/0"
      DATABASE_DSN: "postgres://app:${C.dsn.value}@db:5432/app"
      API_TOKEN: \${CANARY_ENVFILE}
    ports: ["80"]
  cache:
    image: redis:7
    command: ["redis-server", "--requirepass", "${C.requirepass.value}", "--save", ""]
  db:
    image: postgres:15
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: app
      POSTGRES_PASSWORD: \${CANARY_PG}
    ports: ["5432"]
`,
);
write('stack/ci.env', `CANARY_ENVFILE=${C.envFile.value}\n`);
write(
  'crash/compose.yaml',
  `services:
  crash:
    image: busybox:1.35
    command: ["sh", "-c", "env; echo token=$$API_TOKEN url=$$REDIS_URL; exit 3"]
    environment:
      API_TOKEN: \${CANARY_ENVFILE}
      SIGNING_KEY: \${CANARY_SIGNING}
      REDIS_URL: "redis://:${C.redis.value}@cache:6379/0"
`,
);
write('crash/ci.env', `CANARY_ENVFILE=${C.envFile.value}\n`);
write(
  'stack/checks.yaml',
  `connections:
  db: { kind: postgres, url: "postgres://app:\${PG_PASSWORD}@{db:5432}/app" }
  cache: { kind: redis, url: "redis://:${C.requirepass.value}@127.0.0.1:9" }
  api: { kind: http, url: "http://{app:80}", headers: { Authorization: "Bearer ${C.specHeader.value}" } }
checks:
  - { name: no such table, kind: sql, connection: db, query: SELECT count(*) FROM nothing_here, timeout: 10s }
  - { name: unreachable redis, kind: redis, connection: cache, key: k, timeout: 3s }
  - { name: missing page, kind: http, connection: api, path: /missing, expect: { status: 200 } }
`,
);

const env = {
  CANARY_SIGNING: C.signing.value,
  CANARY_PG: C.pgPassword.value,
  PG_PASSWORD: C.pgPassword.value,
};

async function job(spec: Omit<JobSpec, 'repository' | 'workspace'>): Promise<JobResult> {
  const result = await runJob({ repository, workspace, env, ...spec });
  jobs.push(result);
  return result;
}

afterAll(async () => {
  for (const name of names) forceRemove(name);
  for (const j of jobs) await j.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

describe('no canary secret reaches any file the actions write', () => {
  it('provision, wait-ready, verify-seed and teardown, all failing after using every secret', async () => {
    const before = snapshot(workspace);
    const findings: Finding[] = [];
    const scan = (j: JobResult) => findings.push(...scanJob(j, ALL, workspace, before));

    const stack = await job({
      event: prEvent(11, sha('canary-stack')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'stack',
            'env-files': 'ci.env',
            'wait-timeout': '2m',
            'upload-report': 'always',
          },
        },
        {
          id: 'ready',
          continueOnError: true,
          uses: 'wait-ready',
          with: {
            url: `http://ci:${C.urlPassword.value}@{app:80}/missing`,
            headers: `Authorization: Bearer ${C.header.value}`,
            probes: `- http: "http://{app:80}/also-missing"\n  headers: { X-Api-Key: "${C.probeHeader.value}" }`,
            timeout: '4s',
            'github-token': C.wrToken.value,
          },
        },
        {
          id: 'seed',
          continueOnError: true,
          uses: 'verify-seed',
          with: {
            'working-directory': 'stack',
            spec: 'checks.yaml',
            'seed-command': `[sh, -c, "exit 0", seed, --password, "${C.seedArg.value}"]`,
            timeout: '40s',
            'github-token': C.vsToken.value,
          },
        },
        {
          id: 'inline',
          continueOnError: true,
          uses: 'verify-seed',
          with: {
            checks: `connections:\n  api: { kind: http, url: "http://user:${C.inline.value}@127.0.0.1:9" }\nchecks:\n  - { kind: http, connection: api, path: / , timeout: 2s }\n`,
            timeout: '10s',
          },
        },
        {
          id: 'down',
          uses: 'teardown',
          with: {
            'upload-report': 'always',
            'github-token': C.tdToken.value,
            'github-admin-token': C.adminToken.value,
          },
        },
      ],
    });
    const name = stack.outputs('env')['environment-name']!;
    names.push(name);
    scan(stack);

    const crash = await job({
      event: prEvent(12, sha('canary-crash')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'crash',
            'env-files': 'ci.env',
            'wait-timeout': '60s',
            'github-token': C.pcToken.value,
            'fingerprint-key': C.pcKey.value,
          },
        },
      ],
    });
    names.push(crash.outputs('env')['environment-name']!);
    expect(crash.status).toBe('failure');
    scan(crash);

    // Every secret-carrying input of these actions got a canary.
    expect(inputsCovered(ALL)).toEqual([...ENGINE_CANARY_INPUTS].sort());
    // Each action really ran and wrote its report.
    for (const id of ['env', 'ready', 'seed', 'inline', 'down']) {
      const main = stack.steps.find((s) => s.id === id && s.phase === 'main')!;
      const errors = main.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(main.outputs['report-path'], `${id}: ${errors.join(' | ')}`).toBeTruthy();
    }
    expect(findings).toEqual([]);
    for (const n of names) expect(leftovers(n)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
