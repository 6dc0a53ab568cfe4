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
    const first = directoryFiles(app).find(([p]) => p === 'charts/web-0.1.0.tgz')![1];
    pack(join(root, 'c'), 'dep', join(app, 'charts', 'web-0.1.0.tgz'), new Date(1e12));
    expect(directoryFiles(app).find(([p]) => p === 'charts/web-0.1.0.tgz')![1]).toBe(first);
  });
});
