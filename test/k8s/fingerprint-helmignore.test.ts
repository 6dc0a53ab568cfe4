/**
 * `.helmignore` (issue 11): a chart folder must hash like the package the real `helm package` makes of it.
 * A differential property test: fast-check generates chart folders and `.helmignore` files (base-name,
 * path, anchored, directory-only and `!` rules, classes, `?`), Helm 3 and Helm 4 from the project's tool
 * cache package each, and the folder's file list and content hash (chart.ts, helmignore.ts) must be the
 * package's. A folder Helm refuses because its rules left out Chart.yaml must have no Chart.yaml in its
 * list either. A vendored dependency folder `charts/dep/` (its own `.helmignore` and a hidden template
 * included) is packaged under the parent's rules: its `chart.dependencies.dep` file list must be the
 * package's `charts/dep/` files. Needs no cluster: only the Helm binaries the k8s set-up provides.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hashContent } from '../../actions/shared/src/fingerprint/canonical.js';
import {
  archiveFiles,
  chartContentHash,
  dependencyEntries,
  dependencyFolderFiles,
  directoryFiles,
  trimBom,
} from '../../actions/shared/src/fingerprint/chart.js';
import { HELM3, HELM4 } from './fixtures/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'i11-helmignore-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Files a generated chart may hold besides Chart.yaml, values.yaml and templates/cm.yaml. */
const POOL = [
  'README.md',
  'notes.txt',
  'values.schema.json',
  '.helmignore-not',
  'files/a.txt',
  'files/b.md',
  'files/deep/c.txt',
  'files/deep/.dot',
  'ci/test-values.yaml',
  'templates/_helpers.tpl',
  'templates/.hidden.yaml',
  'templates/sub/.x',
  'docs/x.bak',
  '.git/config',
  'abc',
];
/** Files of a vendored dependency folder (its Chart.yaml is always written when the folder is). */
const DEP_POOL = [
  'charts/dep/values.yaml',
  'charts/dep/templates/cm.yaml',
  'charts/dep/templates/.hidden.yaml',
  'charts/dep/README.md',
  'charts/dep/files/a.txt',
  'charts/dep/.helmignore',
];
const SEGMENT = fc.constantFrom(
  '*',
  '?',
  '*.txt',
  '*.md',
  '*.yaml',
  'files',
  'deep',
  'ci',
  'templates',
  'README.md',
  'values.yaml',
  '[a-c]*',
  '[^a-m]*',
  '?bc',
  '.*',
  '.git',
  'c.txt',
  'charts',
  'dep',
);
const RULE = fc
  .record({
    negate: fc.boolean(),
    anchor: fc.boolean(),
    dirOnly: fc.boolean(),
    segments: fc.array(SEGMENT, { minLength: 1, maxLength: 2 }),
  })
  .map(
    ({ negate, anchor, dirOnly, segments }) =>
      `${negate ? '!' : ''}${anchor ? '/' : ''}${segments.join('/')}${dirOnly ? '/' : ''}`,
  );
const CASE = fc.record({
  files: fc.subarray(POOL),
  dep: fc.option(fc.subarray(DEP_POOL), { nil: undefined }),
  // `!` rules are rare in real files and ignore nearly everything: one rule in five at most
  rules: fc.array(
    fc.oneof(
      { arbitrary: RULE.filter((r) => !r.startsWith('!')), weight: 4 },
      { arbitrary: RULE, weight: 1 },
    ),
    { maxLength: 4 },
  ),
  comment: fc.boolean(),
});

let counter = 0;

/** Writes a chart folder for `c`; returns its path. */
function writeChart(c: { files: string[]; dep?: string[]; rules: string[]; comment: boolean }): string {
  const dir = join(root, `c${++counter}`, 'demo');
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write('Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  write('values.yaml', 'replicas: 1\n');
  write('templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n');
  for (const file of c.files) write(file, file.endsWith('.json') ? '{}\n' : `# ${file}\n`);
  if (c.dep) {
    write('charts/dep/Chart.yaml', 'apiVersion: v2\nname: dep\nversion: 0.2.0\n');
    // the dependency's own .helmignore would leave out *.md and files/: Helm does not read it
    for (const file of c.dep) write(file, file.endsWith('.helmignore') ? '*.md\nfiles/\n' : `# ${file}\n`);
  }
  write('.helmignore', `${c.comment ? '# generated\n' : ''}${c.rules.join('\n')}\n`);
  return dir;
}

/** `helm package`: the package's path, or the error text when Helm refuses the folder. */
function helmPackage(helm: string, dir: string): { tgz: string } | { error: string } {
  const out = join(dirname(dir), `out-${helm === HELM3 ? 3 : 4}`);
  try {
    execFileSync(helm, ['package', dir, '-d', out], { stdio: 'pipe', timeout: 60_000 });
  } catch (error) {
    return { error: String((error as { stderr?: Buffer }).stderr ?? error) };
  }
  return { tgz: join(out, readdirSync(out)[0]!) };
}

describe('a chart folder hashes like its package (.helmignore)', () => {
  it.each([
    ['Helm 3', HELM3],
    ['Helm 4', HELM4],
  ])('%s: generated .helmignore files', (_name, helm) => {
    fc.assert(
      fc.property(CASE, (c) => {
        const dir = writeChart(c);
        const folder = directoryFiles(dir);
        const packaged = helmPackage(helm, dir);
        const context = `.helmignore:\n${c.rules.join('\n')}\nfiles: ${[...c.files, ...(c.dep ?? [])].join(', ')}`;
        const paths = folder.map(([p]) => p);
        if ('error' in packaged) {
          expect(packaged.error, context).toMatch(/Chart\.yaml file is missing|chart\.metadata is required/);
          // the rules left out the chart's or the dependency's Chart.yaml
          expect(
            !paths.includes('Chart.yaml') ||
              (paths.some((p) => p.startsWith('charts/dep/')) && !paths.includes('charts/dep/Chart.yaml')),
            context,
          ).toBe(true);
          return;
        }
        const dependency = (files: Array<[string, string]>) =>
          files
            .filter(([p]) => p.startsWith('charts/dep/'))
            .map(([p, h]) => [p.slice('charts/dep/'.length), h]);
        if (c.dep)
          expect(dependencyFolderFiles(dir, 'dep'), context).toEqual(dependency(archiveFiles(packaged.tgz)));
        expect(
          folder.map(([p]) => p),
          context,
        ).toEqual(archiveFiles(packaged.tgz).map(([p]) => p));
        expect(chartContentHash(dir), context).toBe(chartContentHash(packaged.tgz));
      }),
      { numRuns: 40 },
    );
  });

  it('Helm 3 and Helm 4 refuse ** and a malformed pattern, and so does the fingerprint', () => {
    for (const rule of ['files/**', '[a-']) {
      const dir = writeChart({ files: ['files/a.txt'], rules: [rule], comment: false });
      for (const helm of [HELM3, HELM4]) expect(helmPackage(helm, dir)).toHaveProperty('error');
      expect(() => directoryFiles(dir)).toThrow(/Input "chart": .*\.helmignore line 1: /);
    }
  });
});

describe("a chart folder hashes like its package (Helm's loader)", () => {
  const BOM = '\ufeff';
  /** A chart exercising the loader's rules; `variant` changes one followed file's content. */
  function loaderChart(variant: string): string {
    const base = join(root, `loader-${++counter}`);
    const dir = join(base, 'demo');
    const write = (rel: string, text: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    write('Chart.yaml', `${BOM}apiVersion: v2\nname: demo\nversion: 0.1.0\n`);
    write('values.yaml', `${BOM}replicas: 1\n`);
    write('README.md', `${BOM}# demo\n`);
    write('templates/cm.yaml', `${BOM}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n`);
    write('charts/_skipped/Chart.yaml', 'apiVersion: v2\nname: skipped\nversion: 0.1.0\n');
    write('charts/.hidden/Chart.yaml', 'apiVersion: v2\nname: hidden\nversion: 0.1.0\n');
    write('charts/vendored-folder/Chart.yaml', `${BOM}apiVersion: v2\nname: realname\nversion: 0.3.0\n`);
    write('charts/vendored-folder/values.yaml', 'x: 1\n');
    write('charts/vendored-folder/charts/_inner/Chart.yaml', 'apiVersion: v2\nname: inner\nversion: 0.1.0\n');
    mkdirSync(join(base, 'shared/dir'), { recursive: true });
    writeFileSync(join(base, 'shared/linked.txt'), `linked ${variant}\n`);
    writeFileSync(join(base, 'shared/dir/f.txt'), 'in a linked folder\n');
    symlinkSync('../shared/linked.txt', join(dir, 'linked.txt'));
    symlinkSync('../shared/dir', join(dir, 'linked-dir'));
    symlinkSync('values.yaml', join(dir, 'values-link.yaml'));
    return dir;
  }

  it.each([
    ['Helm 3', HELM3],
    ['Helm 4', HELM4],
  ])('%s: symlinks, _/. subcharts, a vendored subchart, byte order marks', (_name, helm) => {
    const dir = loaderChart('a');
    const packaged = helmPackage(helm, dir);
    if ('error' in packaged) throw new Error(packaged.error);
    const paths = archiveFiles(packaged.tgz).map(([p]) => p);
    // what the package proves, spelled out (the folder must then match it exactly)
    expect(paths).toEqual(expect.arrayContaining(['linked.txt', 'linked-dir/f.txt', 'values-link.yaml']));
    expect(paths).toEqual(
      expect.arrayContaining(['charts/realname/Chart.yaml', 'charts/realname/values.yaml']),
    );
    expect(paths.filter((p) => /_skipped|\.hidden|_inner|vendored-folder/.test(p))).toEqual([]);
    expect(directoryFiles(dir)).toEqual(archiveFiles(packaged.tgz));
    expect(chartContentHash(dir)).toBe(chartContentHash(packaged.tgz));
    // a followed file's content is hashed: changing it changes the hash
    expect(chartContentHash(loaderChart('b'))).not.toBe(chartContentHash(dir));
    // Chart.lock names the vendored subchart by its chart name; its folder is found under that name
    writeFileSync(
      join(dir, 'Chart.lock'),
      'dependencies:\n- name: realname\n  repository: ""\n  version: 0.3.0\ndigest: x\ngenerated: "2026-01-01T00:00:00Z"\n',
    );
    const notes: string[] = [];
    expect(dependencyFolderFiles(dir, 'realname')).toEqual(
      archiveFiles(packaged.tgz)
        .filter(([p]) => p.startsWith('charts/realname/'))
        .map(([p, h]) => [p.slice('charts/realname/'.length), h]),
    );
    expect(dependencyEntries(dir, notes)['chart.dependencies.realname']).toMatch(/^0\.3\.0 sha256:/);
    expect(notes).toEqual([]);
  });

  it('a values file renders the same with or without a byte order mark, and hashes the same', () => {
    const dir = loaderChart('c');
    writeFileSync(
      join(dir, 'templates/r.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\ndata:\n  r: "{{ .Values.replicas }}"\n',
    );
    const bom = join(dirname(dir), 'bom.yaml');
    const plain = join(dirname(dir), 'plain.yaml');
    writeFileSync(bom, `${BOM}replicas: 7\n`);
    writeFileSync(plain, 'replicas: 7\n');
    for (const helm of [HELM3, HELM4]) {
      const render = (file: string) =>
        execFileSync(helm, ['template', dir, '-f', file], { encoding: 'utf8', stdio: 'pipe' });
      expect(render(bom)).toContain('r: "7"');
      expect(render(bom)).toBe(render(plain));
    }
    expect(hashContent(trimBom(readFileSync(bom)))).toBe(hashContent(readFileSync(plain)));
  });

  it('Helm 3 and Helm 4 refuse a dangling symlink, and so does the fingerprint', () => {
    const dir = loaderChart('d');
    symlinkSync('/nonexistent-i11', join(dir, 'dangling.txt'));
    for (const helm of [HELM3, HELM4]) expect(helmPackage(helm, dir)).toHaveProperty('error');
    expect(() => directoryFiles(dir)).toThrow(
      /Input "chart": the symbolic link .*dangling\.txt points to nothing/,
    );
  });
});
