/** The two assemblers (Compose, namespace), the deploy record and the drift check, on real files. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { ContextHashing } from '../../../../actions/shared/src/fingerprint/build-context.js';
import { composeFingerprint } from '../../../../actions/shared/src/fingerprint/compose-fingerprint.js';
import type { ResolvedModel } from '../../../../actions/shared/src/fingerprint/compose-model.js';
import { findDrift, formatDrift } from '../../../../actions/shared/src/fingerprint/drift.js';
import {
  NON_DETERMINISTIC,
  namespaceFingerprint,
  pulledChart,
} from '../../../../actions/shared/src/fingerprint/namespace-fingerprint.js';
import {
  fingerprintRecord,
  readRecord,
  sinceLastDeploy,
} from '../../../../actions/shared/src/fingerprint/record.js';

const root = mkdtempSync(join(tmpdir(), 'i11-assemble-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function write(base: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), content);
  }
  return base;
}

const ok = (stdout: string): RunResult => ({
  argv: [],
  exitCode: 0,
  stdout,
  stderr: '',
  durationMs: 1,
  timedOut: false,
  truncated: false,
});
/** A fake `docker image inspect`: postgres:15 pulled (repo digest D1), redis:7 local only. */
const IMAGES: Record<string, object> = {
  'postgres:15': { Id: D2, RepoDigests: [`postgres@${D1}`] },
  'redis:7': { Id: D1, RepoDigests: [] },
};
const runner = async (argv: readonly string[]) =>
  ok(
    argv
      .slice(argv.indexOf('--') + 1)
      .map((ref) => `${JSON.stringify(IMAGES[ref])}\n`)
      .join(''),
  );

function stack(dir: string, project: string): ResolvedModel {
  if (!existsSync(dir))
    write(dir, {
      'api/Dockerfile': 'FROM node\n',
      'api/server.js': 'x\n',
      'api/package-lock.json': '{}\n',
      'go.sum': 'a\n',
    });
  return {
    name: project,
    services: {
      api: { build: { context: join(dir, 'api'), dockerfile: 'Dockerfile' }, image: `${project}-api` },
      db: { image: 'postgres:15', environment: { A: '1' } },
      cache: { image: 'redis:7' },
    },
  };
}

const input = (dir: string, project: string, lockFiles = ['**/package-lock.json', 'go.sum']) => ({
  model: stack(dir, project),
  ctx: { projectName: project, projectDirectory: dir, volatile: {} },
  lockFiles,
  root: dir,
  tools: { compose: '2.26.1', docker: '20.10.24' },
  includeTools: false,
  runner,
});

describe('composeFingerprint', () => {
  it('covers model, images, digests, build inputs and lock files; tools shown, not hashed', async () => {
    const fp = await composeFingerprint(input(join(root, 'c1'), 'pr-1'));
    expect(Object.keys(fp.document.entries)).toEqual([
      'lock-files.api/package-lock.json',
      'lock-files.go.sum',
      'services.api.build',
      'services.cache.digest',
      'services.cache.image',
      'services.db.digest',
      'services.db.environment',
      'services.db.image',
    ]);
    expect(fp.document.entries['services.db.digest']).toBe(D1);
    expect(fp.document.entries['services.cache.digest']).toBe(`local ${D1}`);
    expect(fp.tools).toEqual({ compose: '2.26.1', docker: '20.10.24' });
    expect(fp.value).toMatch(/^sha256:[0-9a-f]{64}$/);
    const withTools = await composeFingerprint({ ...input(join(root, 'c1'), 'pr-1'), includeTools: true });
    expect(withTools.document.entries['tools.compose']).toBe('2.26.1');
    expect(withTools.value).not.toBe(fp.value);
  });

  it('is the same from a second clone, another project name, and any order of services and globs (property)', async () => {
    const base = (await composeFingerprint(input(join(root, 'c2'), 'pr-2'))).value;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), async (reverseServices, reverseGlobs) => {
        const dir = join(root, `c3-${reverseServices}-${reverseGlobs}`);
        const i = input(dir, 'pr-3', reverseGlobs ? ['go.sum', '**/package-lock.json'] : undefined);
        if (reverseServices)
          i.model.services = Object.fromEntries(Object.entries(i.model.services!).reverse());
        expect((await composeFingerprint(i)).document.entries).toEqual(
          (await composeFingerprint(input(join(root, 'c2'), 'pr-2'))).document.entries,
        );
        expect((await composeFingerprint(i)).value).toBe(base);
      }),
      { numRuns: 8 },
    );
  });

  it('changes when a lock file changes', async () => {
    const dir = join(root, 'c4');
    const before = (await composeFingerprint(input(dir, 'pr-4'))).value;
    const i = input(dir, 'pr-4');
    writeFileSync(join(dir, 'go.sum'), 'b\n');
    expect((await composeFingerprint(i)).value).not.toBe(before);
  });
});

describe('namespaceFingerprint', () => {
  const ws = write(join(root, 'ns'), {
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/templates/cm.yaml': 'kind: ConfigMap\n',
    'values/preview.yaml': 'host: {{environment}}.example.test\n',
    'k8s/app.yaml': 'kind: Deployment\n',
    'k8s/sub/svc.yml': 'kind: Service\n',
    'k8s/README.md': 'not a manifest\n',
  });
  const ctx = { projectName: 'pr-7-web', projectDirectory: ws, volatile: { 'pr-7-web': '{{namespace}}' } };
  const helm = (over: Record<string, unknown> = {}) => ({
    mode: 'helm' as const,
    workspace: ws,
    chart: { source: 'chart', path: join(ws, 'chart'), version: '', digest: '' },
    values: [join(ws, 'values/preview.yaml')],
    set: [
      { key: 'replicas', value: '2', secret: false },
      { key: 'auth.password', value: 'hunter2-pw', secret: true },
    ],
    ctx,
    lockFiles: [],
    tools: { helm: '3.19.0' },
    includeTools: false,
    ...over,
  });

  it('hashes chart content, values and set pairs as written', async () => {
    const fp = await namespaceFingerprint(helm(), { rendered: false });
    expect(fp.document.entries).toMatchObject({
      'chart.source': 'chart',
      'values.order': 'values/preview.yaml',
      'set.replicas': '2',
      'set.auth.password': '***',
    });
    expect(fp.document.entries['chart.content']).toMatch(/^sha256:/);
    const changed = await namespaceFingerprint(
      helm({ set: [{ key: 'replicas', value: '3', secret: false }] }),
      {
        rendered: false,
      },
    );
    expect(changed.value).not.toBe(fp.value);
  });

  it('hashes the render when two renders agree (this run’s namespace replaced), else says non-deterministic', async () => {
    const stable = await namespaceFingerprint(
      helm({ render: async () => 'metadata:\n  namespace: pr-7-web\n' }),
      { rendered: true },
    );
    const otherPr = await namespaceFingerprint(
      helm({
        render: async () => 'metadata:\n  namespace: pr-8-web\n',
        ctx: { ...ctx, volatile: { 'pr-8-web': '{{namespace}}' } },
      }),
      { rendered: true },
    );
    expect(stable.document.entries['chart.rendered']).toMatch(/^sha256:/);
    expect(otherPr.document.entries['chart.rendered']).toBe(stable.document.entries['chart.rendered']);
    let n = 0;
    const random = await namespaceFingerprint(helm({ render: async () => `token: ${n++}\n` }), {
      rendered: true,
    });
    expect(random.document.entries['chart.rendered']).toBe(NON_DETERMINISTIC);
    expect(random.notes[0]).toMatch(/non-deterministic/);
  });

  it('manifests: the files kubectl would read, by path', async () => {
    const fp = await namespaceFingerprint(
      {
        mode: 'manifests',
        workspace: ws,
        manifests: [join(ws, 'k8s')],
        ctx,
        lockFiles: [],
        tools: {},
        includeTools: false,
      },
      { rendered: false },
    );
    expect(Object.keys(fp.document.entries)).toEqual(['manifests.k8s/app.yaml', 'manifests.k8s/sub/svc.yml']);
  });

  it('reads the directory and OCI digest helm pull left', () => {
    const dir = write(join(root, 'pull'), { 'web/Chart.yaml': 'x' });
    expect(pulledChart(dir, `Pulled: reg/web:0.1.0\nDigest: ${D1}\n`)).toEqual({
      path: join(dir, 'web'),
      digest: D1,
    });
    expect(pulledChart(dir, '').digest).toBe('');
  });
});

describe('deploy record', () => {
  it('round-trips through labels and names the entries that changed since the last deploy', async () => {
    const dir = join(root, 'r1');
    const before = await composeFingerprint(input(dir, 'pr-9'));
    const record = fingerprintRecord(before);
    expect(record['ephemeral.dev/fingerprint']).toBe(before.value);
    const previous = readRecord(record);
    expect(sinceLastDeploy(previous, before)).toEqual({
      previous: before.value,
      unchanged: true,
      changed: [],
    });
    writeFileSync(join(dir, 'api/server.js'), 'y\n');
    const after = await composeFingerprint(input(dir, 'pr-9'));
    expect(sinceLastDeploy(previous, after)).toEqual({
      previous: before.value,
      unchanged: false,
      changed: ['services.api.build'],
    });
    expect(sinceLastDeploy(null, after).previous).toBeNull();
    expect(readRecord({})).toBeNull();
    expect(readRecord({ 'ephemeral.dev/fingerprint': D1, 'ephemeral.dev/fingerprint-entries': '{' })).toEqual(
      {
        fingerprint: D1,
        entries: null,
      },
    );
  });
});

describe('drift', () => {
  it('finds containers whose image or Compose label differs from the expected image', () => {
    const drift = findDrift(
      [
        { name: 'p-db-1', service: 'db', imageLabel: D1, image: D1 },
        { name: 'p-api-1', service: 'api', imageLabel: D1, image: D2 },
        { name: 'p-web-1', service: 'web', imageLabel: D2, image: D1 },
        { name: 'p-x-1', service: 'x', imageLabel: '', image: D2 },
      ],
      { db: D1, api: D1, web: D1 },
    );
    expect(drift.map((d) => d.service)).toEqual(['api', 'web']);
    expect(formatDrift(drift)).toEqual([
      'api (p-api-1): runs 222222222222 (Compose label 111111111111), expected 111111111111',
      'web (p-web-1): runs 111111111111 (Compose label 222222222222), expected 111111111111',
    ]);
  });
});

describe('composeFingerprint and the build contexts (issue 12)', () => {
  it('starts hashing the contexts before it reads the configs’ variables; the fingerprint is the same', async () => {
    const dir = join(root, 'c12');
    const withSource = (i: ReturnType<typeof input>) => {
      const model = structuredClone(i.model);
      model.services!.api!.configs = ['mode'];
      model.configs = { mode: { environment: 'APP_MODE' } };
      return { ...i, model };
    };
    const contexts = new ContextHashing();
    const startedWhenAsked: number[] = [];
    const early = await composeFingerprint({
      ...withSource(input(dir, 'pr-12')),
      contexts,
      sourceEnv: async () => {
        startedWhenAsked.push(contexts.started.length);
        return { APP_MODE: 'blue' };
      },
    });
    expect(startedWhenAsked).toEqual([1]);
    const plain = await composeFingerprint({
      ...withSource(input(dir, 'pr-12')),
      sourceEnv: async () => ({ APP_MODE: 'blue' }),
    });
    expect(early.value).toBe(plain.value);
    expect(early.build).toEqual(plain.build);
  });

  it('fails on the first service whose context is missing, the others’ failures handled', async () => {
    const dir = join(root, 'c13');
    const i = input(dir, 'pr-13');
    const model = structuredClone(i.model);
    model.services!.api!.build = { context: join(dir, 'missing-a') };
    model.services!.web = { build: { context: join(dir, 'missing-b') } };
    const error = await composeFingerprint({ ...i, model }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/ENOENT.*missing-a/);
  });
});
