/**
 * Compose `configs:` and `secrets:` content in the fingerprint (compose-sources.ts): a config's file or
 * variable by content, a secret's sealed (HMAC with `fingerprint-key`, `***` without), a missing file or
 * unset variable refused naming the entry. The model alone holds only paths and variable names.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashJson } from '../../../../actions/shared/src/fingerprint/canonical.js';
import { composeFingerprint } from '../../../../actions/shared/src/fingerprint/compose-fingerprint.js';
import type { ResolvedModel } from '../../../../actions/shared/src/fingerprint/compose-model.js';
import {
  sourceEntries,
  sourceVariables,
  usedSources,
} from '../../../../actions/shared/src/fingerprint/compose-sources.js';
import { runLockPhase } from '../../../../actions/shared/src/fingerprint/lock-phase.js';
import { fingerprintRecord, sinceLastDeploy } from '../../../../actions/shared/src/fingerprint/record.js';
import { HMAC_PREFIX, SecretSeal } from '../../../../actions/shared/src/fingerprint/secret-seal.js';
import { FingerprintSection } from '../../../../actions/shared/src/fingerprint/summary.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const root = mkdtempSync(join(tmpdir(), 'i11-sources-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const KEY = 'k'.repeat(15) + '-fingerprint-key';
const SECRET = 'file-secret-Vq7';
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A resolved model as `config --format json` prints it (absolute paths, derived names). */
function model(dir: string): ResolvedModel {
  // the healthcheck holds the secret file's value, as a user's shell line reading it would
  const path = join(dir, 'secrets/db.txt');
  const secret = existsSync(path) ? readFileSync(path, 'utf8').trim() : SECRET;
  return {
    name: 'pr-1',
    services: {
      app: {
        image: 'busybox:1.35',
        configs: [{ source: 'app_conf' }, { source: 'env_conf' }, { source: 'inline_conf' }],
        secrets: [{ source: 'db_pass', target: '/run/secrets/db_pass' }, { source: 'env_secret' }],
        healthcheck: { test: ['CMD-SHELL', `test "$(cat /run/secrets/db_pass)" = ${secret}`] },
      },
    },
    configs: {
      app_conf: { name: 'pr-1_app_conf', file: join(dir, 'conf/app.conf') },
      env_conf: { name: 'pr-1_env_conf', environment: 'APP_MODE' },
      inline_conf: { name: 'pr-1_inline_conf', content: 'hello\n' },
      unused_conf: { name: 'pr-1_unused_conf', file: join(dir, 'conf/missing.conf') },
    },
    secrets: {
      db_pass: { name: 'pr-1_db_pass', file: join(dir, 'secrets/db.txt') },
      env_secret: { name: 'pr-1_env_secret', environment: 'API_TOKEN' },
    },
  };
}

const ENV = { APP_MODE: 'blue', API_TOKEN: 'env-secret-Zr4' };

async function fingerprint(dir: string, key: string, env: Record<string, string> = ENV) {
  return composeFingerprint({
    model: model(dir),
    ctx: { projectName: 'pr-1', projectDirectory: dir, volatile: {}, seal: new SecretSeal(key) },
    lockFiles: [],
    root: dir,
    tools: {},
    includeTools: false,
    runner: async () => {
      throw new Error('no image is inspected in this test');
    },
    images: async () => new Map(),
    sourceEnv: async (names) => Object.fromEntries(names.filter((n) => n in env).map((n) => [n, env[n]!])),
  });
}

const files = (conf: string, secret = `${SECRET}\n`) => ({ 'conf/app.conf': conf, 'secrets/db.txt': secret });

describe('usedSources / sourceVariables', () => {
  it('lists the configs and secrets the services (and their builds) use, not the unused ones', () => {
    const m = model('/p');
    m.services!.api = { build: { context: '/p/api', secrets: [{ source: 'npm_token' }] } };
    (m.secrets as Record<string, unknown>).npm_token = { file: '/p/npm' };
    expect(usedSources(m).map((s) => `${s.section}.${s.name}`)).toEqual([
      'configs.app_conf',
      'configs.env_conf',
      'configs.inline_conf',
      'secrets.db_pass',
      'secrets.env_secret',
      'secrets.npm_token',
    ]);
    expect(sourceVariables(m)).toEqual(['API_TOKEN', 'APP_MODE']);
  });
});

describe('config and secret content in the Compose fingerprint', () => {
  it('a changed config file or variable changes exactly its entry; CRLF and another clone do not', async () => {
    const a = await fingerprint(project('a', files('port=1\n')), '');
    const b = await fingerprint(project('b', files('port=2\n')), '');
    const crlf = await fingerprint(project('crlf', files('port=1\r\n')), '');
    const mode = await fingerprint(project('a2', files('port=1\n')), '', { ...ENV, APP_MODE: 'green' });
    expect(crlf.value).toBe(a.value);
    const changed = (x: typeof a) =>
      Object.keys(x.document.entries).filter((k) => x.document.entries[k] !== a.document.entries[k]);
    expect(changed(b)).toEqual(['compose.configs.app_conf.content']);
    expect(changed(mode)).toEqual(['compose.configs.env_conf.content']);
    expect(a.document.entries['compose.configs.app_conf.content']).toBe(`sha256:${hex('port=1\n')}`);
    expect(a.document.entries).not.toHaveProperty('compose.configs.inline_conf.content');
    expect(a.document.entries).not.toHaveProperty('compose.configs.unused_conf.content');
  });

  it('without a key: secrets are *** and counted in the one note; a rotated secret changes nothing', async () => {
    const a = await fingerprint(project('u1', files('x\n')), '');
    const b = await fingerprint(project('u2', files('x\n', 'rotated-secret-1\n')), '', {
      ...ENV,
      API_TOKEN: 'rotated-token-2',
    });
    expect(a.document.entries['compose.secrets.db_pass.content']).toBe('***');
    expect(a.document.entries['compose.secrets.env_secret.content']).toBe('***');
    expect(b.document.entries['compose.secrets.db_pass.content']).toBe('***');
    expect(a.notes.filter((n) => /secret value/.test(n))).toEqual([
      expect.stringMatching(/^2 secret values are left out/),
    ]);
    // the healthcheck holding the file's secret is sealed too (*** in both)
    expect(b.document.entries['services.app.healthcheck']).toBe(
      a.document.entries['services.app.healthcheck'],
    );
  });

  it('with a key: HMACs; a rotated secret changes exactly the entries that hold it', async () => {
    const a = await fingerprint(project('k1', files('x\n')), KEY);
    const b = await fingerprint(project('k2', files('x\n', 'rotated-secret-1\n')), KEY);
    expect(a.document.entries['compose.secrets.db_pass.content']).toMatch(new RegExp(`^${HMAC_PREFIX}`));
    expect(a.document.entries['compose.secrets.env_secret.content']).toMatch(new RegExp(`^${HMAC_PREFIX}`));
    const changed = Object.keys(b.document.entries).filter(
      (k) => b.document.entries[k] !== a.document.entries[k],
    );
    expect(changed).toEqual(['compose.secrets.db_pass.content', 'services.app.healthcheck']);
    // the file's secret, learned from it, is sealed in the healthcheck that holds it
    const sealed = new SecretSeal(KEY).seal('rotated-secret-1');
    expect(b.document.entries['services.app.healthcheck']).toBe(
      hashJson({ test: ['CMD-SHELL', `test "$(cat /run/secrets/db_pass)" = ${sealed}`] }),
    );
    expect(a.notes.some((n) => /secret value/.test(n))).toBe(false);
  });

  for (const key of ['', KEY]) {
    it(`${key ? 'with' : 'without'} a key: no secret bytes and no SHA-256 of them in anything written`, async () => {
      const dir = project(key ? 'w-keyed' : 'w-unkeyed', files('x\n'));
      const fp = await fingerprint(dir, key);
      const file = join(dir, 'ephemeral.lock.json');
      const lock = runLockPhase({ mode: 'update', file }, 'compose', fp, dir, join(dir, 'report'));
      const section = new FingerprintSection();
      section.finished({ fingerprint: fp, lock, since: sinceLastDeploy(null, fp) }, 'update', false);
      const written = [
        readFileSync(file, 'utf8'),
        readFileSync(join(dir, 'report', 'ephemeral.lock.json'), 'utf8'),
        JSON.stringify(fingerprintRecord(fp)),
        JSON.stringify(section.fields()),
        section.summary().join('\n'),
        JSON.stringify(fp),
      ].join('\n');
      for (const value of [SECRET, `${SECRET}\n`, ENV.API_TOKEN]) {
        expect(written).not.toContain(value);
        expect(written).not.toContain(hex(value));
        expect(written).not.toContain(hex(value).slice(0, 12));
      }
    });
  }

  it('a missing file or an unset variable is refused naming the entry, the path and the fix', async () => {
    const dir = project('missing', { 'conf/app.conf': 'x\n' });
    const error = await fingerprint(dir, '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(
      /^Input "compose-files \(secrets\.db_pass\)": the secret "db_pass" reads the file \.\/secrets\/db\.txt, which does not exist.*Fix: create \.\/secrets\/db\.txt/,
    );
    const unset = await fingerprint(project('unset', files('x\n')), '', { API_TOKEN: 't0ken-1' }).catch(
      (e: unknown) => e,
    );
    expect((unset as Error).message).toMatch(
      /"compose-files \(configs\.env_conf\)": the config "env_conf" reads the variable APP_MODE, which is not set/,
    );
  });

  it('a config directory enters by its file list; a known secret inside a config is sealed', () => {
    const dir = project('tree', { 'conf.d/a.conf': 'a\n', 'conf.d/b.conf': 'b\n' });
    const m: ResolvedModel = {
      services: { s: { image: 'x:1', configs: ['tree', 'dsn'] } },
      configs: { tree: { file: join(dir, 'conf.d') }, dsn: { content: 'x' } },
    };
    (m.configs as Record<string, unknown>).dsn = { file: join(dir, 'conf.d/a.conf') };
    const ctx = { projectName: 'p', projectDirectory: dir, volatile: {} };
    const before = sourceEntries(m, ctx, {});
    writeFileSync(join(dir, 'conf.d/b.conf'), 'B\n');
    expect(sourceEntries(m, ctx, {})['compose.configs.tree.content']).not.toBe(
      before['compose.configs.tree.content'],
    );
    writeFileSync(join(dir, 'conf.d/a.conf'), `url=postgres://u:${SECRET}@db/x\n`);
    const sealed = sourceEntries(m, { ...ctx, seal: new SecretSeal('', [SECRET]) }, {});
    expect(sealed['compose.configs.dsn.content']).not.toBe(
      `sha256:${hex(`url=postgres://u:${SECRET}@db/x\n`)}`,
    );
    expect(sealed['compose.configs.dsn.content']).toBe(`sha256:${hex('url=postgres://u:***@db/x\n')}`);
  });
});
