/**
 * Secret values in a fingerprint (docs/lock-file.md, "Secret values"): sealed as an HMAC keyed by
 * `fingerprint-key`, or left out as `***`; never a secret, its SHA-256, or the SHA-256 of a small
 * document holding it in anything the actions write (lock file, labels, report, summary, output).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fingerprint } from '../../../../actions/shared/src/fingerprint/canonical.js';
import { hashJson } from '../../../../actions/shared/src/fingerprint/canonical.js';
import { composeFingerprint } from '../../../../actions/shared/src/fingerprint/compose-fingerprint.js';
import type { ResolvedModel } from '../../../../actions/shared/src/fingerprint/compose-model.js';
import { runLockPhase } from '../../../../actions/shared/src/fingerprint/lock-phase.js';
import { namespaceFingerprint } from '../../../../actions/shared/src/fingerprint/namespace-fingerprint.js';
import { fingerprintRecord, sinceLastDeploy } from '../../../../actions/shared/src/fingerprint/record.js';
import {
  HMAC_PREFIX,
  readFingerprintKey,
  SecretSeal,
} from '../../../../actions/shared/src/fingerprint/secret-seal.js';
import { FingerprintSection } from '../../../../actions/shared/src/fingerprint/summary.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { runResult } from '../../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'i11-seal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const KEY = 'k'.repeat(15) + '-fingerprint-key';
const SECRET = 'hunter2-Xq9';
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function write(base: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), content);
  }
  return base;
}

describe('SecretSeal', () => {
  it('without a key: *** for every secret, and one note counting them', () => {
    const seal = new SecretSeal('');
    expect(seal.seal(SECRET)).toBe('***');
    expect(seal.seal(SECRET)).toBe('***');
    expect(seal.seal('other-secret')).toBe('***');
    expect(seal.note()).toMatch(/^2 secret values are left out of the fingerprint .*fingerprint-key/);
    expect(new SecretSeal('').note()).toBeNull();
  });

  it('with a key: an HMAC-SHA-256 (RFC 2104) keyed by it; stable, and the key or the value changes it', () => {
    const seal = new SecretSeal(KEY);
    const sealed = seal.seal(SECRET);
    const expected = createHmac('sha256', KEY).update(`ephemeral-fingerprint/v1\0${SECRET}`).digest('hex');
    expect(sealed).toBe(`${HMAC_PREFIX}${expected}`);
    expect(new SecretSeal(KEY).seal(SECRET)).toBe(sealed);
    expect(new SecretSeal(`${KEY}2`).seal(SECRET)).not.toBe(sealed);
    expect(seal.seal(`${SECRET}!`)).not.toBe(sealed);
    expect(sealed).not.toContain(hex(SECRET));
    expect(seal.note()).toBeNull();
  });

  it('sealText: known secrets (longest first, one pass) and URL passwords, wherever they occur', () => {
    const seal = new SecretSeal('', [SECRET, `${SECRET}-long`, 'abc']);
    expect(seal.sealText(`mysqladmin ping -p${SECRET}-long && echo ${SECRET}`)).toBe(
      'mysqladmin ping -p*** && echo ***',
    );
    expect(seal.sealText('postgres://app:pw@db:5432/app?sslmode=disable&password=x1')).toBe(
      'postgres://app:***@db:5432/app?sslmode=disable&password=***',
    );
    // values shorter than 4 characters are not registered secrets (runtime/secrets.ts), so not sealed
    expect(seal.sealText('abc')).toBe('abc');
    const keyed = new SecretSeal(KEY, [SECRET]);
    expect(keyed.sealText(`-p${SECRET}`)).toBe(`-p${keyed.seal(SECRET)}`);
  });

  it('fingerprint-key: shorter than 16 characters is refused naming the input; empty means no key', () => {
    expect(readFingerprintKey('fingerprint-key', '')).toBe('');
    expect(readFingerprintKey('fingerprint-key', KEY)).toBe(KEY);
    expect(() => readFingerprintKey('fingerprint-key', 'short-key')).toThrow(UserInputError);
    expect(() => readFingerprintKey('fingerprint-key', 'short-key')).toThrow(
      /Input "fingerprint-key": the key has 9 characters.*openssl rand -hex 32/,
    );
  });
});

/** Everything the actions write about a fingerprint: lock file, labels, report JSON, summary, output. */
function artifacts(fp: Fingerprint, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'ephemeral.lock.json');
  const lock = runLockPhase({ mode: 'update', file }, 'compose', fp, dir, join(dir, 'report'));
  const section = new FingerprintSection();
  section.finished({ fingerprint: fp, lock, since: sinceLastDeploy(null, fp) }, 'update', false);
  return [
    readFileSync(file, 'utf8'),
    readFileSync(join(dir, 'report', 'ephemeral.lock.json'), 'utf8'),
    JSON.stringify(fingerprintRecord(fp)),
    JSON.stringify(section.fields()),
    section.summary().join('\n'),
    fp.value,
  ].join('\n');
}

describe('secret values in the Compose fingerprint', () => {
  const dir = write(join(root, 'compose'), { 'api/Dockerfile': 'FROM node\n', 'api/a.js': 'x\n' });
  const command = ['redis-server', '--requirepass', SECRET];
  const healthcheck = { test: ['CMD-SHELL', `mysqladmin ping -p${SECRET}`], interval: '5s' };
  const model = (secret: string): ResolvedModel => ({
    name: 'pr-1',
    services: {
      cache: { image: 'redis:7', command: command.map((a) => (a === SECRET ? secret : a)) },
      db: {
        image: 'mysql:8',
        environment: { MYSQL_ROOT_PASSWORD: secret, DATABASE_URL: `mysql://root:${secret}@db/app` },
        healthcheck: { ...healthcheck, test: ['CMD-SHELL', `mysqladmin ping -p${secret}`] },
      },
      api: {
        image: 'pr-1-api',
        build: { context: join(dir, 'api'), dockerfile: 'Dockerfile', args: { NPM_TOKEN: secret } },
      },
    },
  });
  /** A fake `docker image inspect`: every image local, no repo digest. */
  const runner = async (argv: readonly string[]) =>
    runResult(
      argv
        .slice(argv.indexOf('--') + 1)
        .map(() => `${JSON.stringify({ Id: `sha256:${'1'.repeat(64)}`, RepoDigests: [] })}\n`)
        .join(''),
    );
  const fingerprint = (secret: string, key: string) =>
    composeFingerprint({
      model: model(secret),
      // the registry holds what prepare registered from the model (registerModelSecrets)
      ctx: { projectName: 'pr-1', projectDirectory: dir, volatile: {}, seal: new SecretSeal(key, [secret]) },
      lockFiles: [],
      root: dir,
      tools: {},
      includeTools: false,
      runner,
    });
  /** The digests the fingerprint wrote before secrets were sealed: small, guessable documents. */
  const guessable = [hex(SECRET), hashJson(command).slice(7), hashJson(healthcheck).slice(7)];

  for (const key of ['', KEY]) {
    it(`${key ? 'with' : 'without'} a key: no secret, no SHA-256 of it or of a document holding it`, async () => {
      const fp = await fingerprint(SECRET, key);
      const written = artifacts(fp, join(root, key ? 'keyed' : 'unkeyed'));
      expect(written).not.toContain(SECRET);
      for (const digest of guessable) {
        expect(written).not.toContain(digest);
        expect(written).not.toContain(digest.slice(0, 12));
      }
      const changed = await fingerprint('another-secret-1', key);
      if (key) {
        // a changed secret changes the fingerprint, naming the entries that hold it
        expect(changed.value).not.toBe(fp.value);
        const differ = Object.keys(fp.document.entries).filter(
          (k) => fp.document.entries[k] !== changed.document.entries[k],
        );
        expect(differ.sort()).toEqual([
          'services.api.build',
          'services.cache.command',
          'services.db.environment',
          'services.db.healthcheck',
        ]);
        expect(fp.notes.join(' ')).not.toMatch(/left out/);
      } else {
        expect(changed.value).toBe(fp.value);
        expect(fp.notes.filter((n) => /left out of the fingerprint/.test(n))).toHaveLength(1);
        expect(written).toMatch(/1 secret value is left out of the fingerprint/);
      }
    });
  }
});

describe('secret values in the namespace fingerprint', () => {
  const ws = write(join(root, 'ns'), {
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/templates/cm.yaml': 'kind: ConfigMap\n',
    'secret-values.yaml': `db:\n  password: ${SECRET}\n`,
  });
  const b64 = Buffer.from(SECRET).toString('base64');
  const fingerprint = (secret: string, key: string) => {
    writeFileSync(join(ws, 'secret-values.yaml'), `db:\n  password: ${secret}\n`);
    const b64s = Buffer.from(secret).toString('base64');
    return namespaceFingerprint(
      {
        mode: 'helm',
        workspace: ws,
        chart: { source: 'chart', path: join(ws, 'chart'), version: '', digest: '' },
        values: [join(ws, 'secret-values.yaml')],
        set: [
          { key: 'replicas', value: '1', secret: false },
          { key: 'auth.token', value: secret, secret: true },
        ],
        render: async () => `kind: Secret\ndata:\n  password: ${b64s}\n`,
        ctx: { projectName: 'pr-1', projectDirectory: ws, volatile: {} },
        lockFiles: [],
        tools: {},
        includeTools: false,
        seal: new SecretSeal(key, [secret, b64s]),
      },
      { rendered: true },
    );
  };
  const guessable = [
    hex(SECRET),
    hex(`db:\n  password: ${SECRET}\n`),
    hex(`kind: Secret\ndata:\n  password: ${b64}\n`),
  ];

  for (const key of ['', KEY]) {
    it(`${key ? 'with' : 'without'} a key: set value, values file and render sealed`, async () => {
      const fp = await fingerprint(SECRET, key);
      const written = artifacts(fp, join(root, key ? 'ns-keyed' : 'ns-unkeyed'));
      for (const text of [SECRET, b64, ...guessable, ...guessable.map((d) => d.slice(0, 12))])
        expect(written).not.toContain(text);
      expect(fp.document.entries['set.auth.token']).toMatch(key ? /^hmac-sha256:[0-9a-f]{64}$/ : /^\*\*\*$/);
      expect(fp.document.entries['set.replicas']).toBe('1');
      if (key) expect(fp.document.entries['chart.rendered']).toMatch(/^hmac-sha256:/);
      const changed = await fingerprint('another-secret-1', key);
      const differ = Object.keys(fp.document.entries).filter(
        (k) => fp.document.entries[k] !== changed.document.entries[k],
      );
      expect(differ.sort()).toEqual(
        key ? ['chart.rendered', 'set.auth.token', 'values.secret-values.yaml'] : [],
      );
    });
  }
});
