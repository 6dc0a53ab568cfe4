/**
 * Reproducible environments (issue 11) on the test cluster: deploy-namespace's fingerprint of a local
 * chart, `lock: update` then verify, a changed chart value refused before the namespace is touched (the
 * diff names the values file), an OCI chart pulled from a real registry on 127.0.0.1 (its manifest digest
 * recorded, its content hashing like the same chart from a folder), `lock-rendered` with a
 * non-deterministic chart falling back to the inputs, teardown reporting the fingerprint it removed, and
 * a secret `set` value: left out without `fingerprint-key` (the summary says so once), an HMAC with it (a
 * changed secret refused by verify), and neither the secret nor its SHA-256 in anything the action wrote.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import {
  dump,
  forceDelete,
  getNamespace,
  HELM3,
  helm,
  prEvent,
  REPOSITORY,
  repoRoot,
  sha,
} from './fixtures/helpers.js';

/** A `set` value: secret (only `set-public` values are shown), so never in the lock file. */
const SECRET_SET_VALUE = 'i11-not-in-the-lock-7f3a';
const names: string[] = [];
const dirs: string[] = [];
let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  forceDelete(names);
  await registry?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A workspace holding a copy of the test chart and its preview values. */
function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'i11-k8s-'));
  dirs.push(ws);
  cpSync(join(repoRoot, 'test/k8s/fixtures/chart'), join(ws, 'chart'), { recursive: true });
  cpSync(join(repoRoot, 'test/k8s/fixtures/values-preview.yaml'), join(ws, 'values-preview.yaml'));
  return ws;
}

async function deploy(ws: string, pr: number, inputs: Record<string, string>, teardown = false) {
  const job = await runJob({
    repository: REPOSITORY,
    workspace: ws,
    event: prEvent(pr, sha(`fp-${pr}`)),
    steps: [
      {
        id: 'deploy',
        uses: 'deploy-namespace',
        with: {
          helm: HELM3,
          values: 'values-preview.yaml',
          'set-public': 'replicas=1',
          host: '{{environment}}.preview.example.test',
          timeout: '2m',
          ...inputs,
        },
      },
      ...(teardown ? [{ id: 'down', uses: 'teardown', with: { mode: 'namespace' } }] : []),
    ],
  });
  const name = job.outputs('deploy')['environment-name'];
  if (name) names.push(name);
  return job;
}

const report = (job: Awaited<ReturnType<typeof deploy>>) =>
  JSON.parse(readFileSync(job.outputs('deploy')['report-path']!, 'utf8'));

describe('deploy-namespace fingerprint and lock', () => {
  it('update, verify, and a changed chart value refused before the namespace is touched', async () => {
    const ws = workspace();
    const first = await deploy(
      ws,
      611,
      { chart: 'chart', lock: 'update', set: `auth.token=${SECRET_SET_VALUE}` },
      true,
    );
    expect(first.status, dump(first.logText())).toBe('success');
    const fp = first.outputs('deploy').fingerprint!;
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    const lock = JSON.parse(readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8'));
    expect(lock.locks.namespace).toMatchObject({ kind: 'helm', fingerprint: fp });
    expect(lock.locks.namespace.entries).toMatchObject({
      'chart.source': 'chart',
      'set.replicas': '1',
      // a `set` value is secret: its key is an entry, its value never reaches the lock file
      'set.auth.token': '***',
      'values.order': 'values-preview.yaml',
    });
    expect(readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8')).not.toContain(SECRET_SET_VALUE);
    // without fingerprint-key the summary says, once, that the secret is not covered
    expect(first.summary.match(/1 secret value is left out of the fingerprint/g)).toHaveLength(1);
    // teardown read the namespace's record before deleting it
    expect(first.outputs('down').fingerprint).toBe(fp);

    const verified = await deploy(ws, 612, {
      chart: 'chart',
      lock: 'verify',
      set: `auth.token=${SECRET_SET_VALUE}`,
    });
    expect(verified.status, dump(verified.logText())).toBe('success');
    expect(verified.outputs('deploy').fingerprint).toBe(fp);

    writeFileSync(
      join(ws, 'values-preview.yaml'),
      `${readFileSync(join(ws, 'values-preview.yaml'), 'utf8')}extra: 1\n`,
    );
    const refused = await deploy(ws, 613, { chart: 'chart', set: `auth.token=${SECRET_SET_VALUE}` });
    expect(refused.status, dump(refused.logText())).toBe('failure');
    const name = refused.outputs('deploy')['environment-name']!;
    expect(refused.steps[0]!.stdout).toMatch(/values\.values-preview\.yaml: [0-9a-f]{12} → [0-9a-f]{12}/);
    expect(
      refused.steps[0]!.annotations.some(
        (a) =>
          a.level === 'error' &&
          a.properties.file === 'ephemeral.lock.json' &&
          /^values\.values-preview\.yaml/.test(a.message),
      ),
    ).toBe(true);
    expect(report(refused).fingerprint.lock.status).toBe('mismatch');
    expect(getNamespace(name)).toBeNull();

    // a set-public value is an entry too, shown as it is
    const setChanged = await deploy(ws, 614, { chart: 'chart', lock: 'update', 'set-public': 'replicas=2' });
    expect(setChanged.status, dump(setChanged.logText())).toBe('success');
    expect(report(setChanged).fingerprint.lock.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'set.replicas', old: '1', new: '2' })]),
    );
  });

  it('fingerprint-key: a secret set value enters as an HMAC; a changed secret is refused; nothing guessable is written', async () => {
    const ws = workspace();
    const key = 'i11-fingerprint-key-0123456789';
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const keyed = (pr: number, secret: string, lock: string) =>
      deploy(ws, pr, {
        chart: 'chart',
        lock,
        'lock-rendered': 'true',
        'fingerprint-key': key,
        set: `auth.token=${secret}`,
      });
    const first = await keyed(641, SECRET_SET_VALUE, 'update');
    expect(first.status, dump(first.logText())).toBe('success');
    const lockText = readFileSync(join(ws, 'ephemeral.lock.json'), 'utf8');
    const entries = JSON.parse(lockText).locks.namespace.entries;
    expect(entries['set.auth.token']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(entries['chart.rendered']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(first.summary).not.toMatch(/left out of the fingerprint/);
    // everything the action wrote: lock file, report directory, summary, outputs, log
    const reportDir = join(first.outputs('deploy')['report-path']!, '..');
    const written = [
      lockText,
      ...readdirSync(reportDir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')),
      first.summary,
      JSON.stringify(first.outputs('deploy')),
      first.logText(),
    ].join('\n');
    for (const text of [SECRET_SET_VALUE, sha(SECRET_SET_VALUE), sha(SECRET_SET_VALUE).slice(0, 12), key])
      expect(written).not.toContain(text);
    expect(first.rawLogText()).not.toContain(sha(SECRET_SET_VALUE));

    const verified = await keyed(642, SECRET_SET_VALUE, 'verify');
    expect(verified.status, dump(verified.logText())).toBe('success');
    expect(verified.outputs('deploy').fingerprint).toBe(first.outputs('deploy').fingerprint);

    // a rotated secret changes the fingerprint: verify refuses before the namespace exists
    const rotated = await keyed(643, 'i11-rotated-secret-9c1d', 'verify');
    expect(rotated.status, dump(rotated.logText())).toBe('failure');
    expect(rotated.steps[0]!.stdout).toMatch(/set\.auth\.token: hmac:[0-9a-f]{12} → hmac:[0-9a-f]{12}/);
    expect(rotated.steps[0]!.stdout).not.toMatch(/chart\.rendered:/); // the render holds a placeholder
    expect(getNamespace(rotated.outputs('deploy')['environment-name']!)).toBeNull();
  });

  it('an OCI chart: pulled once, its manifest digest recorded, its content hashed like the folder', async () => {
    const ws = workspace();
    const packaged = helm(HELM3, 'package', join(ws, 'chart'), '--destination', ws);
    const tgz = /saved it to: (\S+)/.exec(packaged)?.[1] ?? join(ws, 'preview-app-0.1.0.tgz');
    helm(HELM3, 'push', tgz, `oci://${registry.host}/i11`, '--plain-http');
    const fromFolder = await deploy(ws, 621, { chart: 'chart', lock: 'off' });
    expect(fromFolder.status, dump(fromFolder.logText())).toBe('success');
    const oci = await deploy(ws, 622, {
      chart: `oci://${registry.host}/i11/preview-app`,
      'chart-version': '0.1.0',
      lock: 'off',
    });
    expect(oci.status, dump(oci.logText())).toBe('success');
    const entries = report(oci).fingerprint.entries;
    expect(entries['chart.digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(entries['chart.source']).toBe(`oci://${registry.host}/i11/preview-app`);
    expect(entries['chart.version']).toBe('0.1.0');
    expect(entries['chart.content']).toBe(report(fromFolder).fingerprint.entries['chart.content']);
  });

  it('lock-rendered: a deterministic render is hashed; a non-deterministic chart is reported, not failed', async () => {
    const ws = workspace();
    const stable = await deploy(ws, 631, { chart: 'chart', lock: 'off', 'lock-rendered': 'true' });
    expect(stable.status, dump(stable.logText())).toBe('success');
    expect(report(stable).fingerprint.entries['chart.rendered']).toMatch(/^sha256:/);
    writeFileSync(
      join(ws, 'chart/templates/random.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: random\ndata:\n  token: {{ randAlphaNum 16 | quote }}\n',
    );
    const random = await deploy(ws, 632, { chart: 'chart', lock: 'off', 'lock-rendered': 'true' });
    expect(random.status, dump(random.logText())).toBe('success');
    const fingerprint = report(random).fingerprint;
    expect(fingerprint.entries['chart.rendered']).toBe('non-deterministic');
    expect(fingerprint.notes.join(' ')).toMatch(/non-deterministic/);
    expect(random.summary).toMatch(/non-deterministic/);
  });
});
