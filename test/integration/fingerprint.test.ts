/**
 * Reproducible environments (issue 11) on the real engine: the example's fingerprint is the same on two
 * runs and from a copy of the checkout in another directory; `lock: verify` refuses a changed Dockerfile,
 * a changed lock file and a retagged image before anything starts, naming the entry; `update` then verify
 * passes; locked pulled images run pinned by digest; `require-digests` refuses `:latest`; teardown
 * reports the fingerprint it removed; a container whose image drifted during `up` fails the step; a
 * secret interpolated into the Compose model (`${DB_PASSWORD}` in the environment, a URL, a healthcheck, a
 * command) enters as an HMAC with `fingerprint-key` (a rotated secret is refused by verify) and is left
 * out without it, and neither it nor its SHA-256 reaches anything the action wrote.
 *
 * Pulled images need a registry: a real CNCF Distribution registry runs on 127.0.0.1 (test/harness/
 * registry.ts), stand-in images are pushed to it and pulled back, so the engine records real RepoDigests.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobSpec, runJob } from '../harness/job.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { dump, forceRemove, leftovers, prEvent, repoRoot, sha } from './helpers.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const names = new Set<string>();
const tags: string[] = [];
const dirs: string[] = [];
let registry: TestRegistry;

function docker(...argv: string[]): string {
  return execFileSync('docker', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A tiny image of our own, different from busybox:1.35 (a label), tagged `i11-<run>-<name>`. */
function variant(name: string): string {
  const tag = `i11-${run}-${name}`;
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: `FROM busybox:1.35\nLABEL org.ephemeral.test.variant=${name}\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  tags.push(tag);
  return tag;
}

/** Pushes `source` (a local image) as `<registry>/i11-<run>/<name>` and returns the reference. */
function publish(source: string, name: string): string {
  const ref = `${registry.host}/i11-${run}/${name}`;
  docker('tag', source, ref);
  tags.push(ref);
  docker('push', '--quiet', ref);
  return ref;
}

beforeAll(async () => {
  registry = await startRegistry();
});

afterAll(async () => {
  for (const name of names) forceRemove(name);
  for (const tag of tags) {
    try {
      docker('image', 'rm', tag);
    } catch {
      // already untagged
    }
  }
  await registry?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function job(spec: Partial<JobSpec> & { steps: JobSpec['steps'] }) {
  const result = await runJob({ repository: 'acme/locks', ...spec });
  for (const step of spec.steps) {
    const name = result.outputs(step.id)['environment-name'];
    if (name) names.add(name);
  }
  return result;
}

/** A small stack in a fresh workspace: `app` built from ./app, `cache` pulled from the test registry. */
function workspace(cacheImage: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'i11-ws-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'app'));
  writeFileSync(
    join(dir, 'app', 'Dockerfile'),
    'FROM busybox:1.35\nCOPY hello.txt /hello.txt\nCMD ["sleep", "3600"]\n',
  );
  writeFileSync(join(dir, 'app', 'hello.txt'), 'hello\n');
  writeFileSync(join(dir, 'app', 'package-lock.json'), '{"lockfileVersion": 3}\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  app:',
      '    build: ./app',
      '  cache:',
      `    image: ${cacheImage}`,
      '    command: ["sleep", "3600"]',
      '',
    ].join('\n'),
  );
  return dir;
}

const provision = (ws: string, pr: number, extra: Record<string, string> = {}) => ({
  workspace: ws,
  event: prEvent(pr, sha(`lock-${pr}`)),
  steps: [
    {
      id: 'env',
      uses: 'provision-compose',
      with: { 'lock-files': '**/package-lock.json', 'wait-timeout': '60s', ...extra },
    },
  ],
});

/** The annotations of the provision step's main. */
function errors(result: Awaited<ReturnType<typeof runJob>>): string[] {
  return result.steps[0]!.annotations.filter((a) => a.level === 'error').map(
    (a) => `${a.properties?.file ?? ''}|${a.message}`,
  );
}

describe('fingerprint of the example stack', () => {
  it('is the same on two runs and from a copy of the checkout in another directory', async () => {
    const run1 = (ws: string, pr: number) =>
      job({
        workspace: ws,
        event: prEvent(pr, sha(`example-${pr}`)),
        steps: [
          {
            id: 'env',
            uses: 'provision-compose',
            with: {
              'working-directory': 'examples/compose-app',
              services: 'db',
              'lock-files': 'examples/compose-app/api/package-lock.json',
              // the fingerprint is taken before up; waiting for PostgreSQL adds nothing here
              wait: 'false',
            },
          },
        ],
      });
    const a = await run1(repoRoot, 1101);
    expect(a.status, dump(a.logText())).toBe('success');
    const b = await run1(repoRoot, 1102);
    expect(b.status, dump(b.logText())).toBe('success');
    const clone = mkdtempSync(join(tmpdir(), 'i11-clone-'));
    dirs.push(clone);
    cpSync(join(repoRoot, 'examples/compose-app'), join(clone, 'examples/compose-app'), { recursive: true });
    const c = await run1(clone, 1103);
    expect(c.status, dump(c.logText())).toBe('success');
    const fp = a.outputs('env').fingerprint!;
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.outputs('env').fingerprint).toBe(fp);
    expect(c.outputs('env').fingerprint).toBe(fp);
    const report = JSON.parse(readFileSync(a.outputs('env')['report-path']!, 'utf8'));
    const keys = Object.keys(report.fingerprint.entries);
    expect(keys).toEqual(
      expect.arrayContaining([
        'services.db.image',
        'services.db.digest',
        'services.db.environment',
        'lock-files.examples/compose-app/api/package-lock.json',
      ]),
    );
    // only what this run deploys (services: db) is fingerprinted: api and seed are not started
    expect(keys.filter((k) => k.startsWith('services.api.') || k.startsWith('services.seed.'))).toEqual([]);
    expect(report.fingerprint.tools.compose).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.summary).toContain(`**Fingerprint** \`${fp}\``);
  });
});

describe('lock file on the real engine', () => {
  it('update, verify, then refuses a changed Dockerfile, lock file and retagged image before anything starts', async () => {
    const cache = publish('busybox:1.35', 'cache:1');
    const ws = workspace(cache);

    // update: writes the lock, copies it into the report, pins the pulled image by digest
    const update = await job({
      ...provision(ws, 1201, { lock: 'update', keep: 'true' }),
      steps: [
        ...provision(ws, 1201, { lock: 'update', keep: 'true' }).steps,
        { id: 'down', uses: 'teardown' },
      ],
    });
    expect(update.status, dump(update.logText())).toBe('success');
    const lock = JSON.parse(readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8'));
    const digest = docker('image', 'inspect', '--format', '{{index .RepoDigests 0}}', cache).split('@')[1]!;
    expect(lock.locks.compose.entries['services.cache.digest']).toBe(digest);
    expect(lock.locks.compose.fingerprint).toBe(update.outputs('env').fingerprint);
    const reportDir = join(update.outputs('env')['report-path']!, '..');
    expect(readFileSync(join(reportDir, 'ephemeral.lock.json'), 'utf8')).toBe(
      readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8'),
    );
    expect(update.steps[0]!.stdout).toMatch(
      /Lock: cache runs 127\.0\.0\.1:\d+\/i11-[^@]+\/cache@sha256:[0-9a-f]{64}/,
    );
    // teardown read the record before removing
    expect(update.outputs('down').fingerprint).toBe(update.outputs('env').fingerprint);

    // verify (auto: the file has a compose section) passes
    const verify = await job(provision(ws, 1202));
    expect(verify.status, dump(verify.logText())).toBe('success');
    expect(verify.steps[0]!.stdout).toContain('verified');

    const refused = async (pr: number, entry: RegExp) => {
      const result = await job(provision(ws, pr, { lock: 'verify' }));
      const name = result.outputs('env')['environment-name']!;
      expect(result.status, dump(result.logText())).toBe('failure');
      expect(
        errors(result).some((e) => e.startsWith('ephemeral.lock.json|') && entry.test(e)),
        errors(result).join('\n'),
      ).toBe(true);
      expect(result.steps[0]!.stdout).toMatch(
        /Input "lock": the environment differs from .*ephemeral\.lock\.json/,
      );
      expect(result.summary).toMatch(/Lock mismatch/);
      expect(leftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
      return result;
    };

    // a changed Dockerfile
    const dockerfile = readFileSync(join(ws, 'app/Dockerfile'), 'utf8');
    writeFileSync(join(ws, 'app/Dockerfile'), dockerfile.replace('sleep', 'sleep '));
    await refused(1203, /services\.app\.build: [0-9a-f]{12} → [0-9a-f]{12}/);
    writeFileSync(join(ws, 'app/Dockerfile'), dockerfile);

    // a changed lock file
    writeFileSync(join(ws, 'app/package-lock.json'), '{"lockfileVersion": 3, "x": 1}\n');
    await refused(1204, /lock-files\.app\/package-lock\.json: [0-9a-f]{12} → [0-9a-f]{12}/);
    writeFileSync(join(ws, 'app/package-lock.json'), '{"lockfileVersion": 3}\n');

    // a retagged image: the registry's cache:1 now points at other content; this machine pulls it again
    docker('tag', variant('retagged'), cache);
    docker('push', '--quiet', cache);
    docker('image', 'rm', cache);
    await refused(1205, new RegExp(`services\\.cache\\.digest: ${digest.slice(7, 19)} → [0-9a-f]{12}`));

    // update, then verify passes again
    const again = await job(provision(ws, 1206, { lock: 'update' }));
    expect(again.status, dump(again.logText())).toBe('success');
    const verified = await job(provision(ws, 1207, { lock: 'verify' }));
    expect(verified.status, dump(verified.logText())).toBe('success');
  });

  it('require-digests refuses :latest and untagged images, naming the services, before anything starts', async () => {
    const ws = workspace('busybox:latest');
    writeFileSync(
      join(ws, 'compose.yaml'),
      'services:\n  web:\n    image: busybox:latest\n  worker:\n    image: busybox\n  db:\n    image: postgres:15\n',
    );
    const result = await job(provision(ws, 1301, { 'require-digests': 'true', 'lock-files': '' }));
    expect(result.status, dump(result.logText())).toBe('failure');
    const out = result.steps[0]!.stdout;
    expect(out).toMatch(
      /Input "require-digests": mutable image references in service\(s\) "web" \(busybox:latest uses :latest\), "worker" \(busybox has no tag/,
    );
    expect(out).not.toMatch(/docker compose pull/);
    expect(leftovers(result.outputs('env')['environment-name']!).containers).toEqual([]);
  });

  it('names the entries that changed since the environment’s last deploy', async () => {
    const ws = workspace(publish('busybox:1.35', 'since:1'));
    const first = await job(provision(ws, 1401, { keep: 'true', lock: 'off' }));
    expect(first.status, dump(first.logText())).toBe('success');
    expect(first.summary).toMatch(/first deploy of this environment/);
    writeFileSync(join(ws, 'app', 'hello.txt'), 'hello again\n');
    const second = await job({
      ...provision(ws, 1401, { lock: 'off' }),
      steps: [...provision(ws, 1401, { lock: 'off' }).steps, { id: 'down', uses: 'teardown' }],
    });
    expect(second.status, dump(second.logText())).toBe('success');
    expect(second.summary).toMatch(/changed since the last deploy: `services\.app\.build`/);
    expect(second.outputs('down').fingerprint).toBe(second.outputs('env').fingerprint);
    expect(existsSync(join(ws, 'ephemeral.lock.json'))).toBe(false);
  });
});

describe('drift after up', () => {
  it('fails the step when a container runs another image than was fingerprinted', async () => {
    // `web` runs the shared tag as it is now; `builder` builds an image under the same tag. Compose builds
    // before it creates containers, so web's container runs the freshly built image, not the one the
    // fingerprint saw: a shared tag moved between the fingerprint and the container's creation.
    const shared = `i11-${run}-shared:1`;
    docker('tag', variant('before'), shared);
    tags.push(shared);
    const before = docker('image', 'inspect', '--format', '{{.Id}}', shared).slice(7, 19);
    const ws = workspace(shared);
    mkdirSync(join(ws, 'b'));
    writeFileSync(join(ws, 'b', 'Dockerfile'), 'FROM busybox:1.35\nLABEL org.ephemeral.test.variant=built\n');
    writeFileSync(
      join(ws, 'compose.yaml'),
      [
        'services:',
        '  web:',
        `    image: ${shared}`,
        '    command: ["sleep", "3600"]',
        '  builder:',
        '    build: ./b',
        `    image: ${shared}`,
        '    command: ["sleep", "3600"]',
        '',
      ].join('\n'),
    );
    // remove-images: none keeps the image builder built (it carries the environment's labels), to read its ID.
    const result = await job(
      provision(ws, 1501, { build: 'always', lock: 'off', 'lock-files': '', 'remove-images': 'none' }),
    );
    expect(result.status, dump(result.logText())).toBe('failure');
    const built = docker('image', 'inspect', '--format', '{{.Id}}', shared).slice(7, 19);
    expect(built).not.toBe(before);
    expect(result.steps[0]!.stdout).toMatch(
      new RegExp(`Image drift after up: web \\([^)]+\\): runs ${built}.*expected ${before}`),
    );
    const report = JSON.parse(readFileSync(result.outputs('env')['report-path']!, 'utf8'));
    expect(report.fingerprint.drift).toEqual([expect.objectContaining({ service: 'web' })]);
  });
});

/** Everything a provision step `env` wrote: lock file, report directory, summary, outputs, masked log. */
function writtenBy(ws: string, result: Awaited<ReturnType<typeof runJob>>): string {
  const reportDir = join(result.outputs('env')['report-path']!, '..');
  return [
    existsSync(join(ws, 'ephemeral.lock.json')) ? readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8') : '',
    ...readdirSync(reportDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')),
    result.summary,
    JSON.stringify(result.outputs('env')),
    result.logText(),
  ].join('\n');
}

describe('secret values in the Compose model', () => {
  it('enter as an HMAC with fingerprint-key, are left out without it, and are never written', async () => {
    const secret = `i11-db-password-${run}`;
    const key = 'i11-fingerprint-key-0123456789';
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const ws = mkdtempSync(join(tmpdir(), 'i11-secret-'));
    dirs.push(ws);
    // Compose interpolates ${DB_PASSWORD} from the step's environment when it resolves the model.
    const pw = '$' + '{DB_PASSWORD}';
    writeFileSync(
      join(ws, 'compose.yaml'),
      [
        'services:',
        '  db:',
        '    image: busybox:1.35',
        `    command: ["sh", "-c", "test -n '${pw}' && sleep 3600"]`,
        '    environment:',
        `      DB_PASSWORD: ${pw}`,
        `      DATABASE_URL: postgres://app:${pw}@db:5432/app`,
        '    healthcheck:',
        `      test: ["CMD-SHELL", "test -n '${pw}'"]`,
        '      interval: 1s',
        '',
      ].join('\n'),
    );
    const deploy = (pr: number, password: string, inputs: Record<string, string>) =>
      job({
        workspace: ws,
        event: prEvent(pr, sha(`secret-${pr}`)),
        steps: [
          {
            id: 'env',
            uses: 'provision-compose',
            with: { pull: 'never', 'wait-timeout': '60s', ...inputs },
            env: { DB_PASSWORD: password },
          },
        ],
      });
    const written = (result: Awaited<ReturnType<typeof deploy>>) => writtenBy(ws, result);
    const neverWritten = [secret, sha256(secret), sha256(secret).slice(0, 12), key];

    const unkeyed = await deploy(1601, secret, { lock: 'off' });
    expect(unkeyed.status, dump(unkeyed.logText())).toBe('success');
    expect(unkeyed.summary.match(/secret values? (is|are) left out of the fingerprint/g)).toHaveLength(1);
    for (const text of neverWritten) expect(written(unkeyed)).not.toContain(text);

    const locked = await deploy(1602, secret, { lock: 'update', 'fingerprint-key': key });
    expect(locked.status, dump(locked.logText())).toBe('success');
    expect(locked.summary).not.toMatch(/left out of the fingerprint/);
    // the key changes what enters for the secret: the fingerprint is not the unkeyed one
    expect(locked.outputs('env').fingerprint).not.toBe(unkeyed.outputs('env').fingerprint);
    for (const text of neverWritten) expect(written(locked)).not.toContain(text);
    expect(locked.rawLogText()).not.toContain(sha256(secret));

    const verified = await deploy(1603, secret, { lock: 'verify', 'fingerprint-key': key });
    expect(verified.status, dump(verified.logText())).toBe('success');
    expect(verified.outputs('env').fingerprint).toBe(locked.outputs('env').fingerprint);

    // a rotated password changes the fingerprint: verify refuses before anything starts, naming the entries
    const rotated = await deploy(1604, `i11-rotated-${run}`, { lock: 'verify', 'fingerprint-key': key });
    expect(rotated.status, dump(rotated.logText())).toBe('failure');
    const refused = errors(rotated).join('\n');
    for (const entry of ['command', 'environment', 'healthcheck'])
      expect(refused).toMatch(new RegExp(`services\\.db\\.${entry}: [0-9a-f]{12} → [0-9a-f]{12}`));
    expect(leftovers(rotated.outputs('env')['environment-name']!).containers).toEqual([]);
  });
});

describe('configs and secrets of the Compose project', () => {
  it('a config file enters by content, a secret file sealed; a missing file and a changed config are refused', async () => {
    const secret = `i11-secret-file-${run}`;
    const key = 'i11-fingerprint-key-0123456789';
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const ws = mkdtempSync(join(tmpdir(), 'i11-sources-'));
    dirs.push(ws);
    writeFileSync(
      join(ws, 'compose.yaml'),
      [
        'services:',
        '  app:',
        '    image: busybox:1.35',
        '    command: ["sh", "-c", "test -s /run/secrets/db_pass && sleep 3600"]',
        '    configs: [app_conf, mode_conf]',
        '    secrets: [db_pass]',
        'configs:',
        '  app_conf:',
        '    file: ./conf/app.conf',
        '  mode_conf:',
        '    environment: APP_MODE',
        'secrets:',
        '  db_pass:',
        '    file: ./secrets/db.txt',
        '',
      ].join('\n'),
    );
    mkdirSync(join(ws, 'conf'));
    writeFileSync(join(ws, 'conf', 'app.conf'), 'port=8080\n');
    const deploy = (pr: number, inputs: Record<string, string>) =>
      job({
        workspace: ws,
        event: prEvent(pr, sha(`sources-${pr}`)),
        steps: [
          {
            id: 'env',
            uses: 'provision-compose',
            with: { pull: 'never', 'wait-timeout': '60s', 'fingerprint-key': key, ...inputs },
            env: { APP_MODE: 'blue' },
          },
        ],
      });
    const written = (result: Awaited<ReturnType<typeof deploy>>) => writtenBy(ws, result);

    // the secret file is missing: Compose's `config` accepts it, `up` would fail after creating the network
    const missing = await deploy(1701, { lock: 'update' });
    expect(missing.status, dump(missing.logText())).toBe('failure');
    expect(errors(missing).join('\n')).toMatch(
      /compose-files \(secrets\.db_pass\).*the secret "db_pass" reads the file \.\/secrets\/db\.txt, which does not exist/,
    );
    expect(leftovers(missing.outputs('env')['environment-name']!)).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });

    mkdirSync(join(ws, 'secrets'));
    writeFileSync(join(ws, 'secrets', 'db.txt'), `${secret}\n`);
    const locked = await deploy(1702, { lock: 'update' });
    expect(locked.status, dump(locked.logText())).toBe('success');
    const lock = JSON.parse(readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8')) as {
      locks: { compose: { entries: Record<string, string> } };
    };
    const entries = lock.locks.compose.entries;
    expect(entries['compose.configs.app_conf.content']).toBe(`sha256:${sha256('port=8080\n')}`);
    expect(entries['compose.configs.mode_conf.content']).toBe(`sha256:${sha256('blue')}`);
    expect(entries['compose.secrets.db_pass.content']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    for (const text of [secret, `${secret}\n`].flatMap((s) => [s, sha256(s), sha256(s).slice(0, 12)]))
      expect(written(locked)).not.toContain(text);
    // the raw log holds the secret only in the runner's ::add-mask:: commands, and never its SHA-256
    for (const s of [secret, `${secret}\n`]) expect(locked.rawLogText()).not.toContain(sha256(s));

    const verified = await deploy(1703, { lock: 'verify' });
    expect(verified.status, dump(verified.logText())).toBe('success');

    // a changed config file: verify refuses before anything starts, naming the entry
    writeFileSync(join(ws, 'conf', 'app.conf'), 'port=9090\n');
    const changed = await deploy(1704, { lock: 'verify' });
    expect(changed.status, dump(changed.logText())).toBe('failure');
    expect(errors(changed).join('\n')).toMatch(
      new RegExp(
        `compose\\.configs\\.app_conf\\.content: ${sha256('port=8080\n').slice(0, 12)} → [0-9a-f]{12}`,
      ),
    );
    expect(errors(changed).join('\n')).not.toMatch(/compose\.secrets\.db_pass/);
    expect(leftovers(changed.outputs('env')['environment-name']!).containers).toEqual([]);
  });
});
