/**
 * Helm chart content hashes, independent of archive bytes: `helm package` is not byte-reproducible on
 * Helm 3 (tar mtimes, helm/helm#3612, #8212), and `Chart.lock`'s `digest` covers dependency metadata, not
 * chart content (helm/helm#7008, #9662). A chart is hashed as the sorted list of (relative path, SHA-256)
 * of its files; a packaged chart (`.tgz`) by its entries with the top folder (`<chart>/`) removed, so the
 * same package hashes alike whatever its archive bytes (mtimes, compression). A dependency archive under
 * `charts/` is hashed by its content the same way, never by its bytes. (A folder and its package need not
 * hash alike: `helm package` rewrites Chart.yaml and leaves out what .helmignore names.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import yaml from 'yaml';
import { hashContent, hashJson } from './canonical.js';

/** A file list: `[path, sha256]` pairs sorted by path. */
export type FileList = Array<[string, string]>;

function byPath(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The files of a packaged chart (`.tgz`) with the first path component removed (pure apart from reading). */
export function archiveFiles(file: string): FileList {
  const files: FileList = [];
  const pending: Array<{ path: string; chunks: Buffer[] }> = [];
  tar.t({
    file,
    sync: true,
    onReadEntry: (entry) => {
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        entry.resume();
        return;
      }
      const item = { path: entry.path.split('/').slice(1).join('/'), chunks: [] as Buffer[] };
      pending.push(item);
      entry.on('data', (chunk: Buffer) => item.chunks.push(chunk));
    },
  });
  for (const item of pending) {
    if (!item.path) continue;
    files.push([item.path, hashContent(Buffer.concat(item.chunks))]);
  }
  return files.sort(byPath);
}

/** The files of a chart directory; archives under `charts/` are listed by their content hash. */
export function directoryFiles(dir: string): FileList {
  const files: FileList = [];
  const walk = (path: string, prefix: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile()) {
        const archive = /^charts\/[^/]+\.tgz$/.test(rel);
        files.push([rel, archive ? hashJson(archiveFiles(full)) : hashContent(readFileSync(full))]);
      }
    }
  };
  walk(dir, '');
  return files.sort(byPath);
}

/** `sha256:<hex>` of a chart's content: a directory or a `.tgz`. */
export function chartContentHash(path: string): string {
  return hashJson(statSync(path).isDirectory() ? directoryFiles(path) : archiveFiles(path));
}

/** One dependency in `Chart.lock`. */
export interface LockedDependency {
  name: string;
  version: string;
  repository: string;
}

/**
 * `chart.dependencies.<name>` entries: `<version> <content hash>` for each `Chart.lock` dependency whose
 * archive (`charts/<name>-<version>.tgz`) or folder (`charts/<name>/`) is present, `<version> not-built`
 * otherwise (then a note says to run `helm dependency build`).
 * @param chartDir a chart directory (nothing for a packaged chart: its dependencies are in its content)
 */
export function dependencyEntries(chartDir: string, notes: string[]): Record<string, string> {
  const lockPath = join(chartDir, 'Chart.lock');
  const entries: Record<string, string> = {};
  if (!existsSync(lockPath)) return entries;
  const lock = yaml.parse(readFileSync(lockPath, 'utf8')) as { dependencies?: LockedDependency[] } | null;
  for (const dep of lock?.dependencies ?? []) {
    const archive = join(chartDir, 'charts', `${dep.name}-${dep.version}.tgz`);
    const folder = join(chartDir, 'charts', dep.name);
    let content = 'not-built';
    if (existsSync(archive)) content = hashJson(archiveFiles(archive));
    else if (existsSync(folder) && statSync(folder).isDirectory()) content = hashJson(directoryFiles(folder));
    else
      notes.push(
        `Chart dependency ${dep.name} ${dep.version} is not in charts/: only its Chart.lock version is hashed (run helm dependency build first).`,
      );
    entries[`chart.dependencies.${dep.name}`] = `${dep.version} ${content}`;
  }
  return entries;
}
