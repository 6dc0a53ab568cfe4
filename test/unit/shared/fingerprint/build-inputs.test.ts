import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { contextFiles, hashBuildInputs } from '../../../../actions/shared/src/fingerprint/build-inputs.js';
import type { ModelContext } from '../../../../actions/shared/src/fingerprint/compose-model.js';

const dockerignore = ((dockerignoreModule as unknown as { default?: unknown }).default ??
  dockerignoreModule) as unknown as () => import('@balena/dockerignore').Ignore;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'i11-build-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const ctx = (dir: string): ModelContext => ({
  projectName: 'p',
  projectDirectory: dir,
  volatile: { ['c'.repeat(40)]: '{{sha}}' },
});

const APP = {
  'api/Dockerfile': 'FROM node:20-slim\nCOPY . .\n',
  'api/.dockerignore': '# comment\nnode_modules\n*.log\n!keep.log\ndocs/**\n!docs/README.md\n',
  'api/server.js': 'console.log(1)\n',
  'api/keep.log': 'kept\n',
  'api/debug.log': 'ignored\n',
  'api/sub/debug.log': 'not ignored: * does not cross /\n',
  'api/node_modules/pg/index.js': 'ignored\n',
  'api/docs/a.md': 'ignored\n',
  'api/docs/README.md': 'kept\n',
};

describe('contextFiles (.dockerignore with Docker semantics)', () => {
  it('keeps exactly what docker build would send', () => {
    const root = tree(APP);
    const api = join(root, 'api');
    const files = contextFiles(api, '# comment\nnode_modules\n*.log\n!keep.log\ndocs/**\n!docs/README.md\n');
    expect(files.map((f) => f.path)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'docs/README.md',
      'keep.log',
      'server.js',
      'sub/debug.log',
    ]);
  });

  it('records the executable bit and symlink targets', () => {
    const root = tree({ 'run.sh': '#!/bin/sh\n', 'x.txt': 'x' });
    chmodSync(join(root, 'run.sh'), 0o755);
    symlinkSync('x.txt', join(root, 'link'));
    const kinds = Object.fromEntries(contextFiles(root, '').map((f) => [f.path, f.kind]));
    expect(kinds).toEqual({ link: 'l', 'run.sh': 'x', 'x.txt': 'f' });
  });
});

describe('hashBuildInputs', () => {
  const build = (root: string) => ({
    context: join(root, 'api'),
    dockerfile: 'Dockerfile',
    args: { A: '1' },
  });

  it('is the same in a second clone in another directory, and with CRLF line endings', () => {
    const a = tree(APP);
    const b = tree(Object.fromEntries(Object.entries(APP).map(([k, v]) => [k, v.replace(/\n/g, '\r\n')])));
    expect(hashBuildInputs('api', build(a), ctx(a)).hash).toBe(hashBuildInputs('api', build(b), ctx(b)).hash);
  });

  it('changes with the Dockerfile, a context file, a build arg, the target; not with an ignored file', () => {
    const root = tree(APP);
    const base = hashBuildInputs('api', build(root), ctx(root));
    expect(base.files).toBe(6);
    writeFileSync(join(root, 'api/debug.log'), 'changed but ignored');
    writeFileSync(join(root, 'api/node_modules/pg/index.js'), 'changed but ignored');
    expect(hashBuildInputs('api', build(root), ctx(root)).hash).toBe(base.hash);
    const variants = [
      () => writeFileSync(join(root, 'api/Dockerfile'), 'FROM node:22-slim\n'),
      () => writeFileSync(join(root, 'api/server.js'), 'console.log(2)\n'),
    ];
    let previous = base.hash;
    for (const change of variants) {
      change();
      const next = hashBuildInputs('api', build(root), ctx(root)).hash;
      expect(next).not.toBe(previous);
      previous = next;
    }
    expect(hashBuildInputs('api', { ...build(root), args: { A: '2' } }, ctx(root)).hash).not.toBe(previous);
    expect(hashBuildInputs('api', { ...build(root), target: 'prod' }, ctx(root)).hash).not.toBe(previous);
  });

  it('uses <Dockerfile>.dockerignore over the context’s .dockerignore', () => {
    const root = tree({ ...APP, 'api/Dockerfile.dockerignore': 'server.js\n' });
    const files = hashBuildInputs('api', build(root), ctx(root)).files;
    // 10 files, server.js out; *.log, node_modules and docs are back in
    expect(files).toBe(9);
  });

  it('replaces this run’s commit in build args and hides secret-looking args', () => {
    const root = tree(APP);
    const a = hashBuildInputs(
      'api',
      { ...build(root), args: { SHA: 'c'.repeat(40), NPM_TOKEN: 'x1' } },
      ctx(root),
    );
    const b = hashBuildInputs(
      'api',
      { ...build(root), args: { SHA: 'd'.repeat(40), NPM_TOKEN: 'x2' } },
      { ...ctx(root), volatile: { ['d'.repeat(40)]: '{{sha}}' } },
    );
    expect(a.hash).toBe(b.hash);
  });

  it('hashes an inline Dockerfile and notes a remote context instead of reading it', () => {
    const root = tree(APP);
    const inline = hashBuildInputs(
      'api',
      { context: join(root, 'api'), dockerfile_inline: 'FROM x' },
      ctx(root),
    );
    const inline2 = hashBuildInputs(
      'api',
      { context: join(root, 'api'), dockerfile_inline: 'FROM y' },
      ctx(root),
    );
    expect(inline.hash).not.toBe(inline2.hash);
    const remote = hashBuildInputs('api', { context: 'https://github.com/acme/app.git#main' }, ctx(root));
    expect(remote.notes[0]).toMatch(/remote.*only its address is hashed/);
  });

  it('throws when the context does not exist', () => {
    const root = tree({});
    expect(() => hashBuildInputs('api', { context: join(root, 'missing') }, ctx(root))).toThrow(/ENOENT/);
  });

  it('copying the context elsewhere keeps the hash', () => {
    const a = tree(APP);
    const b = mkdtempSync(join(tmpdir(), 'i11-copy-'));
    dirs.push(b);
    cpSync(a, b, { recursive: true });
    expect(hashBuildInputs('api', build(b), ctx(b)).hash).toBe(hashBuildInputs('api', build(a), ctx(a)).hash);
  });
});

describe('contextFiles matches the full matcher on every file (property)', () => {
  const segment = fc.constantFrom('a', 'b', 'node_modules', 'x.log', 'y.txt', 'docs');
  it('for patterns with and without ** and !', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.array(
          fc.constantFrom('node_modules', '*.log', 'a/*', 'b/x.log', 'docs/**', '!a/y.txt', '**/y.txt', 'a'),
          {
            maxLength: 4,
          },
        ),
        (paths, patterns) => {
          // a path that is a prefix of another cannot be both a file and a directory
          const files = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}/`)));
          const root = tree(Object.fromEntries(files.map((p) => [p, p])));
          const text = patterns.join('\n');
          const matcher = dockerignore().add(text);
          const expected = files.filter((f) => !matcher.ignores(f)).sort();
          expect(contextFiles(root, text).map((f) => f.path)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
