/**
 * Helm chart content hashes, independent of archive bytes: `helm package` is not byte-reproducible on
 * Helm 3 (tar mtimes, helm/helm#3612, #8212), and `Chart.lock`'s `digest` covers dependency metadata, not
 * chart content (helm/helm#7008, #9662). A chart is hashed as the sorted list of (relative path, SHA-256)
 * of its files, so that a folder and the package `helm package` makes of it hash alike:
 * - a packaged chart (`.tgz`) by its entries with the top folder (`<chart>/`) removed, whatever its
 *   archive bytes (mtimes, compression);
 * - Chart.yaml and Chart.lock by what Helm reads from them (chart-metadata.ts): `helm package` rewrites
 *   Chart.yaml (keys sorted, `appVersion` unquoted, long strings folded);
 * - a dependency archive `charts/<name>-<version>.tgz` as its files under `charts/<name>/`, the layout
 *   `helm package` writes it in (checked with Helm v3.22.0 and v4.3.1);
 * - `templates/.<name>` left out, as Helm's loader does (its default ignore rule `templates/.?*`,
 *   helm.sh/helm/v3/pkg/ignore/rules.go `AddDefaults`);
 * - a chart folder's `.helmignore` applied with Helm's own rules (helmignore.ts), so the files it names
 *   are left out as `helm package` leaves them out; a vendored dependency folder `charts/<name>/` is
 *   under the parent's rules too, not its own (`dependencyFolderFiles`);
 * - as Helm's loader (pkg/chart/loader `LoadDir`, `LoadFiles`) and `helm package` do it: symlinks are
 *   followed (Helm logs "found symbolic link in path … Contents of linked file included and used"); a
 *   subchart folder or archive under `charts/` whose name starts with `_` or `.` is skipped; a vendored
 *   subchart folder is named by its Chart.yaml `name`, as the package writes it (`charts/<name>/`); a
 *   UTF-8 byte order mark (U+FEFF) at the start of any file is dropped. Checked against Helm v3.22.0 and
 *   v4.3.1 by test/k8s/fingerprint-helmignore.test.ts.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'yaml';
import { UserInputError } from '../runtime/errors.js';
import { tarEntries } from '../runtime/tar-entries.js';
import { hashContent, hashJson } from './canonical.js';
import { chartMetadataHash, isChartMetadataPath } from './chart-metadata.js';
import { BadPatternError, HELMIGNORE, type HelmIgnoreRules, parseHelmIgnore } from './helmignore.js';

/** A file list: `[path, sha256]` pairs sorted by path. */
export type FileList = Array<[string, string]>;

function byPath(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** A dependency archive inside a chart: `charts/<file>.tgz`, at any subchart depth. */
const DEPENDENCY_ARCHIVE = /^(?:charts\/[^/]+\/)*charts\/[^/]+\.tgz$/;
/** Helm's default ignore rule `templates/.?*`: hidden files and folders directly under templates/. */
const HIDDEN_TEMPLATE = /^templates\/\.[^/]/;

/** A subchart Helm skips: `charts/<n>` (folder or archive) whose name starts with `_` or `.`. */
const SKIPPED_SUBCHART = /^(?:charts\/[^/]+\/)*charts\/[_.][^/]*(?:\/|$)/;
/** A `charts/` folder of the chart or of a subchart (its folders are subcharts). */
const SUBCHARTS_DIR = /^(?:charts\/[^/]+\/)*charts$/;
/** The UTF-8 byte order mark Helm's loader trims from the start of every file. */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** `bytes` without a leading UTF-8 byte order mark (Helm's loader: `bytes.TrimPrefix(data, utf8bom)`). */
export function trimBom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}

/** Adds one chart file to `files` under `rel`: archives expanded, metadata canonical, hidden templates out. */
function addFile(files: FileList, rel: string, raw: Buffer): void {
  if (HIDDEN_TEMPLATE.test(rel)) return;
  if (SKIPPED_SUBCHART.test(rel)) return;
  const bytes = trimBom(raw);
  if (DEPENDENCY_ARCHIVE.test(rel)) {
    const base = rel.slice(0, rel.lastIndexOf('/'));
    for (const [path, content] of tarEntries(bytes))
      if (path.includes('/')) addFile(files, `${base}/${path}`, content);
    return;
  }
  files.push([rel, (isChartMetadataPath(rel) && chartMetadataHash(rel, bytes)) || hashContent(bytes)]);
}

/** The files of a packaged chart (`.tgz`) with the first path component removed (pure apart from reading). */
export function archiveFiles(file: string): FileList {
  const files: FileList = [];
  for (const [path, bytes] of tarEntries(readFileSync(file))) {
    const rel = path.split('/').slice(1).join('/');
    if (rel) addFile(files, rel, bytes);
  }
  return files.sort(byPath);
}

/**
 * The rules of the chart folder `dir`'s `.helmignore` (Helm's default rule alone when there is none).
 * @throws UserInputError naming the file and line when Helm would reject a pattern
 */
function helmIgnoreOf(dir: string): HelmIgnoreRules {
  const file = join(dir, HELMIGNORE);
  try {
    return parseHelmIgnore(existsSync(file) ? readFileSync(file, 'utf8') : '');
  } catch (error) {
    if (!(error instanceof BadPatternError)) throw error;
    throw new UserInputError(
      'chart',
      `${file} ${error.message}; helm package rejects it too`,
      "write the pattern in Helm's .helmignore syntax (no **; see https://helm.sh/docs/chart_template_guide/helm_ignore_file/)",
    );
  }
}

/**
 * The files of a chart directory that `helm package` would put in its package (its `.helmignore`
 * applied); archives under `charts/` are listed as the files they hold.
 * @throws UserInputError for a `.helmignore` pattern Helm rejects
 */
export function directoryFiles(dir: string): FileList {
  const files: FileList = [];
  const rules = helmIgnoreOf(dir);
  // rel: the path the rules see; out: the path in the package (subchart folders under their chart name)
  const walk = (path: string, rel: string, out: string, seen: readonly string[]) => {
    const real = realpathSync(path);
    if (seen.includes(real))
      throw new UserInputError(
        'chart',
        `${path} is a symbolic link to a folder that contains it`,
        'replace the link by the files it should hold',
      );
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(path, entry.name);
      // Helm follows symbolic links (its symwalk): the target's kind decides, the link's path is used
      const stat = entry.isSymbolicLink() ? followLink(full) : entry;
      const isDir = stat.isDirectory();
      if (rules.ignores(childRel, isDir)) continue;
      const subchart = isDir && SUBCHARTS_DIR.test(out);
      if (subchart && /^[_.]/.test(entry.name)) continue;
      const childOut = `${out ? `${out}/` : ''}${subchart ? subchartName(full, entry.name) : entry.name}`;
      if (isDir) walk(full, childRel, childOut, [...seen, real]);
      else if (stat.isFile()) addFile(files, childOut, readFileSync(full));
    }
  };
  walk(dir, '', '', []);
  return files.sort(byPath);
}

/** `statSync` of a symlink's target. @throws UserInputError for a dangling link (Helm refuses it too) */
function followLink(path: string) {
  try {
    return statSync(path);
  } catch {
    throw new UserInputError(
      'chart',
      `the symbolic link ${path} points to nothing; helm package refuses it too ("error evaluating symlink")`,
      'fix or remove the link',
    );
  }
}

/** The name `helm package` writes a vendored subchart folder under: its Chart.yaml `name`, else the folder's. */
function subchartName(folder: string, fallback: string): string {
  try {
    const meta = yaml.parse(trimBom(readFileSync(join(folder, 'Chart.yaml'))).toString('utf8')) as {
      name?: unknown;
    };
    return typeof meta?.name === 'string' && meta.name !== '' ? meta.name : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The files of the vendored dependency folder `charts/<name>/` as `helm package` puts them in the package:
 * under the **parent's** `.helmignore` (Helm's loader applies the chart folder's rules to every path
 * under it, `charts/<name>/…` included, and loads a subchart from those files without reading the
 * subchart's own `.helmignore` or adding the default `templates/.?*` rule for it: helm.sh/helm/v3
 * pkg/chart/loader/directory.go `LoadDir`, load.go `LoadFiles`; checked against Helm v3.22.0 and v4.3.1
 * by test/k8s/fingerprint-helmignore.test.ts). Paths relative to the dependency folder.
 * @throws UserInputError for a `.helmignore` pattern Helm rejects
 */
export function dependencyFolderFiles(
  chartDir: string,
  name: string,
  all = directoryFiles(chartDir),
): FileList {
  const prefix = `charts/${name}/`;
  return all.filter(([p]) => p.startsWith(prefix)).map(([p, h]) => [p.slice(prefix.length), h]);
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
  let all: FileList | null = null; // the chart folder's files, read once when a dependency is a folder
  for (const dep of lock?.dependencies ?? []) {
    const archive = join(chartDir, 'charts', `${dep.name}-${dep.version}.tgz`);
    const folder = join(chartDir, 'charts', dep.name);
    let content = 'not-built';
    if (existsSync(archive)) content = hashJson(archiveFiles(archive));
    else {
      // a vendored folder is packaged under its Chart.yaml name, whatever the folder is called
      all ??= directoryFiles(chartDir);
      const files = dependencyFolderFiles(chartDir, dep.name, all);
      if (files.length > 0) content = hashJson(files);
      else if (existsSync(folder) && statSync(folder).isDirectory())
        notes.push(
          `Chart dependency ${dep.name} ${dep.version}: the chart's .helmignore leaves out all of charts/${dep.name}/, as helm package does; only its Chart.lock version is hashed.`,
        );
      else
        notes.push(
          `Chart dependency ${dep.name} ${dep.version} is not in charts/: only its Chart.lock version is hashed (run helm dependency build first).`,
        );
    }
    entries[`chart.dependencies.${dep.name}`] = `${dep.version} ${content}`;
  }
  return entries;
}
