/** deploy-namespace's settings: defaults from action.yml, and every bad input named. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUOTA } from '../../../actions/deploy-namespace/src/quota.js';
import { getSettings } from '../../../actions/deploy-namespace/src/settings.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests, redact } from '../../../actions/shared/src/runtime/secrets.js';

// A helm and a kubectl on PATH: the settings check that the programs start.
const tools = mkdtempSync(join(tmpdir(), 'dn-tools-'));
writeFileSync(join(tools, 'helm'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(tools, 'kubectl'), '#!/bin/sh\n', { mode: 0o755 });
writeFileSync(join(tools, 'vcluster'), '#!/bin/sh\n', { mode: 0o755 });
const path = process.env.PATH;
beforeAll(() => {
  process.env.PATH = `${tools}${delimiter}${path}`;
});
afterAll(() => {
  process.env.PATH = path;
});

describe('settings', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'dn-'));
  mkdirSync(join(workspace, 'chart'));
  writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'name: x\n');
  const settings = (inputs: Record<string, string>) => getSettings((n) => inputs[n] ?? '', workspace);
  const error = (inputs: Record<string, string>) => {
    try {
      settings(inputs);
    } catch (e) {
      return e as UserInputError;
    }
    throw new Error('no error');
  };

  it('defaults', () => {
    const s = settings({ chart: 'chart' });
    expect(s).toMatchObject({
      mode: 'helm',
      chart: join(workspace, 'chart'),
      release: 'preview',
      helm: 'helm',
      timeoutMs: 300_000,
      ttlMs: 72 * 3_600_000,
      cleanup: 'always',
      networkPolicy: 'none',
    });
    expect(s.resourceQuota).toEqual(DEFAULT_QUOTA);
    expect(settings({}).mode).toBe('none');
    expect(settings({ chart: 'oci://registry.example.test/charts/app' }).chart).toBe(
      'oci://registry.example.test/charts/app',
    );
  });

  it.each([
    [{ chart: 'chart', kustomize: 'chart' }, 'chart/kustomize'],
    [{ chart: 'nope/missing/chart' }, 'chart'],
    [{ chart: 'chart', release: 'Bad_Name' }, 'release'],
    [{ chart: 'chart', set: 'novalue' }, 'set'],
    [{ manifests: 'missing.yaml' }, 'manifests'],
    [{ set: 'a=b' }, 'set'],
    [{ timeout: '10x' }, 'timeout'],
    [{ cleanup: 'sometimes' }, 'cleanup'],
    [{ 'resource-quota': 'pods=lots' }, 'resource-quota'],
    [{ 'limit-range': 'nothing.cpu=1' }, 'limit-range'],
    [{ 'image-pull-secrets': 'regcred' }, 'pull-secrets-namespace'],
    [{ repo: 'charts.example.test', chart: 'app' }, 'repo'],
    [{ 'network-policy': 'open' }, 'network-policy'],
    // issue 9: every value checked before anything starts
    [{ chart: 'chart', set: 'a=1\nl={x,y' }, 'set'],
    [{ chart: 'chart', 'set-public': 'a..b=1' }, 'set-public'],
    [{ manifests: 'chart', 'set-public': 'a=1' }, 'set-public'],
    [{ chart: 'chart', kubectl: '/nonexistent/kubectl' }, 'kubectl'],
    [{ chart: 'chart', helm: 'no-such-helm-xyz' }, 'helm'],
    // isolation: vcluster
    [{ chart: 'chart', isolation: 'vm' }, 'isolation'],
    [{ chart: 'chart', isolation: 'vcluster', vcluster: 'no-such-vcluster-xyz' }, 'vcluster'],
    [{ chart: 'chart', isolation: 'vcluster', vcluster: '/nonexistent/vcluster' }, 'vcluster'],
    [{ chart: 'chart', 'vcluster-server': 'https://vc.example.test' }, 'vcluster-server'],
    [{ chart: 'chart', 'vcluster-values': 'v.yaml' }, 'vcluster-values'],
    [{ chart: 'chart', isolation: 'vcluster', 'vcluster-chart': 'missing' }, 'vcluster-chart'],
    [{ chart: 'chart', isolation: 'vcluster', 'vcluster-values': 'missing.yaml' }, 'vcluster-values'],
    [
      { chart: 'chart', isolation: 'vcluster', 'vcluster-server': 'http://vc.example.test' },
      'vcluster-server',
    ],
    [{ chart: 'chart', isolation: 'vcluster', 'vcluster-server': 'https://vc/api path' }, 'vcluster-server'],
  ])('%j fails naming %s', (inputs, input) => {
    const e = error(inputs);
    expect(e).toBeInstanceOf(UserInputError);
    expect(e.input).toBe(input);
    expect(e.message).toMatch(/Fix: /);
  });

  it('isolation: namespace by default; vcluster with its CLI, chart, values and server', () => {
    expect(settings({ chart: 'chart' })).toMatchObject({ isolation: 'namespace', vcluster: 'vcluster' });
    writeFileSync(join(workspace, 'vc-values.yaml'), 'telemetry: {enabled: false}\n');
    const s = settings({
      chart: 'chart',
      isolation: 'vcluster',
      'vcluster-chart': 'chart',
      'vcluster-values': 'vc-values.yaml',
      'vcluster-server': 'https://vc.example.test:6443/',
    });
    expect(s).toMatchObject({
      isolation: 'vcluster',
      vcluster: 'vcluster',
      vclusterChart: join(workspace, 'chart'),
      vclusterValues: [join(workspace, 'vc-values.yaml')],
      vclusterServer: 'https://vc.example.test:6443',
    });
    expect(
      error({ chart: 'chart', isolation: 'vcluster', vcluster: 'no-such-vcluster-xyz' }).message,
    ).toMatch(/vcluster.*not a program on PATH.*Fix: install the vcluster CLI/s);
  });

  it('set: one --set argument per line, commas as Helm reads them; values registered as secrets', () => {
    clearSecretsForTests();
    const s = settings({
      chart: 'chart',
      set: 'db.password=s3cr\\,et-1,user=app-user\ntag={{sha}}',
      'set-public': 'image.tag={{sha}},replicas=2',
    });
    expect(s.set).toEqual(['db.password=s3cr\\,et-1,user=app-user', 'tag={{sha}}']);
    expect(s.setPublic).toEqual(['image.tag={{sha}},replicas=2']);
    expect(redact('s3cr,et-1 app-user image.tag')).toBe('*** *** image.tag');
    clearSecretsForTests();
  });

  it('values files: invalid YAML names the file and line; secret-named keys are registered', () => {
    clearSecretsForTests();
    writeFileSync(join(workspace, 'bad.yaml'), 'a: 1\nb:\n  c: d: e\n');
    const e = error({ chart: 'chart', values: 'bad.yaml' });
    expect(e.input).toBe('values (bad.yaml:3)');
    writeFileSync(
      join(workspace, 'ok.yaml'),
      'db:\n  password: vals-pw-1\n  host: db.internal\ntls: { key: k3y-k3y }\n',
    );
    settings({ chart: 'chart', values: 'ok.yaml' });
    expect(redact('vals-pw-1 db.internal k3y-k3y')).toBe('*** db.internal ***');
    clearSecretsForTests();
  });

  it('chart-version: a SemVer version or constraint as Helm reads it; a local chart must satisfy it', () => {
    writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'name: x\nversion: 1.4.2\n');
    for (const ok of ['1.4.2', '^1.4', '~1.4.0', '1.x', '>=1.2 <2', '>= 1.2, < 2', '1.x || 2.x', '*'])
      expect(settings({ chart: 'chart', 'chart-version': ok }).chartVersion).toBe(ok);
    // A repository or OCI chart: Helm resolves the version; only the syntax is checked here.
    expect(settings({ chart: 'oci://r.example.test/c', 'chart-version': '9.9.9' }).chartVersion).toBe(
      '9.9.9',
    );
    expect(error({ chart: 'oci://r.example.test/c', 'chart-version': 'not a version!' }).message).toMatch(
      /^Input "chart-version": "not a version!" is not a SemVer version or constraint\. Fix: use a SemVer/,
    );
    expect(error({ chart: 'chart', 'chart-version': '$(id)' }).input).toBe('chart-version');
    const pinned = error({ chart: 'chart', 'chart-version': '2.0.0' });
    expect(pinned.input).toBe('chart-version');
    expect(pinned.message).toContain('is version "1.4.2" and Helm ignores --version for a local chart');
    writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'name: x\n');
    expect(error({ chart: 'chart', 'chart-version': '1.0.0' }).message).toContain('is version "(none)"');
  });

  it('manifests: every YAML file is parsed first; an error names the file and line', () => {
    mkdirSync(join(workspace, 'm', 'nested'), { recursive: true });
    writeFileSync(join(workspace, 'm', 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\n---\nkind: Secret\n');
    writeFileSync(join(workspace, 'm', 'notes.txt'), 'not: [yaml');
    expect(settings({ manifests: 'm' }).manifests).toEqual([join(workspace, 'm')]);
    writeFileSync(join(workspace, 'm', 'nested', 'bad.yml'), 'kind: ConfigMap\nmetadata:\n  name: x: y\n');
    const e = error({ manifests: 'm' });
    expect(e.input).toBe('manifests (m/nested/bad.yml:3)');
    expect(e.message).toMatch(/is not valid YAML: .*Fix: fix the manifest/);
    expect(error({ manifests: 'm/nested/bad.yml' }).input).toBe('manifests (m/nested/bad.yml:3)');
  });
});
