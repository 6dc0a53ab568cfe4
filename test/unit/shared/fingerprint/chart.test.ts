import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import {
  archiveFiles,
  chartContentHash,
  dependencyEntries,
  directoryFiles,
} from '../../../../actions/shared/src/fingerprint/chart.js';
import {
  chartMetadataHash,
  isChartMetadataPath,
} from '../../../../actions/shared/src/fingerprint/chart-metadata.js';

const root = mkdtempSync(join(tmpdir(), 'i11-chart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(base: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), content);
  }
}

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'values.yaml': 'replicas: 1\n',
  'templates/deploy.yaml': 'kind: Deployment\n',
};

/** Packs `dir` as helm would (top folder = chart name), with the given mtime. */
function pack(parent: string, name: string, out: string, mtime: Date): void {
  tar.c({ gzip: true, file: out, cwd: parent, sync: true, portable: true, mtime }, [name]);
}

describe('chart content hash', () => {
  it('a directory and its package hash alike, whatever the archive mtimes', () => {
    const parent = join(root, 'a');
    write(join(parent, 'web'), CHART);
    pack(parent, 'web', join(root, 'web-1.tgz'), new Date(0));
    pack(parent, 'web', join(root, 'web-2.tgz'), new Date(1_700_000_000_000));
    const dir = chartContentHash(join(parent, 'web'));
    expect(chartContentHash(join(root, 'web-1.tgz'))).toBe(dir);
    expect(chartContentHash(join(root, 'web-2.tgz'))).toBe(dir);
    expect(archiveFiles(join(root, 'web-1.tgz')).map(([p]) => p)).toEqual([
      'Chart.yaml',
      'templates/deploy.yaml',
      'values.yaml',
    ]);
  });

  it('changes with any file, and CRLF does not count', () => {
    const a = join(root, 'b', 'web');
    write(a, CHART);
    const before = chartContentHash(a);
    write(a, { 'values.yaml': 'replicas: 1\r\n' });
    expect(chartContentHash(a)).toBe(before);
    write(a, { 'values.yaml': 'replicas: 2\n' });
    expect(chartContentHash(a)).not.toBe(before);
  });

  it('hashes dependency archives by content and lists Chart.lock dependencies', () => {
    const app = join(root, 'c', 'app');
    write(app, {
      ...CHART,
      'Chart.lock':
        'dependencies:\n- name: web\n  repository: https://charts.example.test\n  version: 0.1.0\n- name: cache\n  repository: oci://registry.example.test/charts\n  version: 2.0.0\ndigest: sha256:abc\n',
    });
    write(join(root, 'c', 'dep'), CHART);
    mkdirSync(join(app, 'charts'), { recursive: true });
    pack(join(root, 'c'), 'dep', join(app, 'charts', 'web-0.1.0.tgz'), new Date(0));
    const notes: string[] = [];
    const entries = dependencyEntries(app, notes);
    expect(entries['chart.dependencies.web']).toMatch(/^0\.1\.0 sha256:[0-9a-f]{64}$/);
    expect(entries['chart.dependencies.cache']).toBe('2.0.0 not-built');
    expect(notes[0]).toMatch(/cache 2\.0\.0 is not in charts\/.*helm dependency build/);
    // the archive is listed as the files it holds, where helm package puts them (charts/<name>/)
    expect(directoryFiles(app).map(([p]) => p)).toEqual(
      expect.arrayContaining(['charts/dep/Chart.yaml', 'charts/dep/values.yaml']),
    );
    expect(directoryFiles(app).some(([p]) => p.endsWith('.tgz'))).toBe(false);
    const first = chartContentHash(app);
    pack(join(root, 'c'), 'dep', join(app, 'charts', 'web-0.1.0.tgz'), new Date(1e12));
    expect(chartContentHash(app)).toBe(first);
  });

  it('a folder with a dependency archive hashes like the same folder with the archive unpacked', () => {
    const packed = join(root, 'd', 'app');
    const unpacked = join(root, 'e', 'app');
    write(packed, CHART);
    write(join(root, 'd', 'dep'), { ...CHART, 'Chart.yaml': 'apiVersion: v2\nname: dep\nversion: 1.0.0\n' });
    mkdirSync(join(packed, 'charts'), { recursive: true });
    pack(join(root, 'd'), 'dep', join(packed, 'charts', 'dep-1.0.0.tgz'), new Date(0));
    write(unpacked, CHART);
    write(join(unpacked, 'charts', 'dep'), {
      ...CHART,
      'Chart.yaml': 'apiVersion: v2\nname: dep\nversion: 1.0.0\n',
    });
    expect(chartContentHash(packed)).toBe(chartContentHash(unpacked));
    write(join(unpacked, 'charts', 'dep'), { 'values.yaml': 'replicas: 3\n' });
    expect(chartContentHash(packed)).not.toBe(chartContentHash(unpacked));
  });

  it('leaves out hidden files under templates/, as Helm does, but not elsewhere', () => {
    const a = join(root, 'f', 'web');
    write(a, CHART);
    const before = chartContentHash(a);
    write(a, { 'templates/.notes.swp': 'x', 'templates/.d/x.yaml': 'kind: X\n' });
    expect(chartContentHash(a)).toBe(before);
    write(a, { 'files/.env.example': 'A=1\n' });
    expect(chartContentHash(a)).not.toBe(before);
  });
});

/** Chart.yaml as written by hand, and as `helm package` (Helm v3.22.0, v4.3.1) writes it back. */
const HAND_WRITTEN = `apiVersion: v2
name: preview-app
description: Test chart for deploy-namespace (Deployment, Service, Ingress, ConfigMap, post-install Job hook).
type: application
version: 0.1.0
appVersion: "1.0.0"
deprecated: false
keywords: []
x-team: platform
dependencies:
  - name: sub
    version: 0.1.0
    repository: "file://../sub"
    enabled: true
`;
const REWRITTEN = `apiVersion: v2
appVersion: 1.0.0
dependencies:
- enabled: true
  name: sub
  repository: file://../sub
  version: 0.1.0
description: Test chart for deploy-namespace (Deployment, Service, Ingress, ConfigMap,
  post-install Job hook).
name: preview-app
type: application
version: 0.1.0
`;

describe('Chart.yaml by what Helm reads', () => {
  const hash = (text: string) => chartMetadataHash('Chart.yaml', Buffer.from(text));

  it('a re-serialised Chart.yaml hashes the same (key order, quoting, folding, unknown and empty keys)', () => {
    expect(hash(REWRITTEN)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash(REWRITTEN)).toBe(hash(HAND_WRITTEN));
    // Helm reads an unquoted number into a string field: appVersion: 1.0 is packaged as "1"
    expect(hash('apiVersion: v2\nname: a\nversion: 0.1.0\nappVersion: 1.0\n')).toBe(
      hash('apiVersion: v2\nname: a\nversion: 0.1.0\nappVersion: "1"\n'),
    );
    const a = join(root, 'g', 'web');
    const b = join(root, 'h', 'web');
    write(a, { ...CHART, 'Chart.yaml': HAND_WRITTEN });
    write(b, { ...CHART, 'Chart.yaml': REWRITTEN });
    expect(chartContentHash(a)).toBe(chartContentHash(b));
  });

  it.each([
    ['version', 'version: 0.1.0', 'version: 0.1.1'],
    ['appVersion', 'appVersion: "1.0.0"', 'appVersion: "1.0.1"'],
    ['description', 'post-install Job hook).', 'post-install Job hook)'],
    ['a dependency version', '    version: 0.1.0\n    repository', '    version: 0.2.0\n    repository'],
    ['deprecated', 'deprecated: false', 'deprecated: true'],
    ['a new keyword', 'keywords: []', 'keywords: [web]'],
  ])('a changed %s changes the hash', (_field, from, to) => {
    expect(HAND_WRITTEN.includes(from)).toBe(true);
    expect(hash(HAND_WRITTEN.replace(from, to))).not.toBe(hash(HAND_WRITTEN));
  });

  it('Chart.lock is canonical too; a file that is not a YAML mapping falls back to its bytes', () => {
    const lock =
      'dependencies:\n- name: sub\n  repository: file://../sub\n  version: 0.1.0\ndigest: sha256:3e08\ngenerated: "2026-11-30T19:57:46Z"\n';
    const reordered =
      'digest: sha256:3e08\ngenerated: "2026-11-30T19:57:46Z"\ndependencies:\n  - version: 0.1.0\n    name: sub\n    repository: "file://../sub"\n';
    expect(chartMetadataHash('Chart.lock', Buffer.from(lock))).toBe(
      chartMetadataHash('Chart.lock', Buffer.from(reordered)),
    );
    expect(chartMetadataHash('Chart.lock', Buffer.from(lock.replace('0.1.0', '0.1.1')))).not.toBe(
      chartMetadataHash('Chart.lock', Buffer.from(lock)),
    );
    expect(chartMetadataHash('Chart.yaml', Buffer.from('- a list\n'))).toBeUndefined();
    expect(chartMetadataHash('Chart.yaml', Buffer.from('a: [unclosed\n'))).toBeUndefined();
    expect(isChartMetadataPath('charts/sub/Chart.yaml')).toBe(true);
    expect(isChartMetadataPath('templates/Chart.yaml')).toBe(false);
  });
});
