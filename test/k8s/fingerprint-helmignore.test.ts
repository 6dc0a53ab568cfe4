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
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  archiveFiles,
  chartContentHash,
  dependencyFolderFiles,
  directoryFiles,
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
