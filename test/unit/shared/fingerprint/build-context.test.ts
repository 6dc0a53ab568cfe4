/**
 * The build context's walk run in slices (issue 12): the same files, digest and build-input hash as the
 * synchronous walk, and as before the change (the digests below were computed on this fixture by the
 * synchronous code of the commit before it); the event loop gets turns meanwhile; `stop` ends it.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ContextCache,
  ContextHashing,
  contextDigest,
  contextFilesAsync,
  digestOf,
} from '../../../../actions/shared/src/fingerprint/build-context.js';
import {
  contextFiles,
  dockerignoreText,
  hashBuildContexts,
  hashBuildInputs,
  hashBuildInputsAsync,
} from '../../../../actions/shared/src/fingerprint/build-inputs.js';
import type {
  ModelContext,
  ResolvedModel,
} from '../../../../actions/shared/src/fingerprint/compose-model.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `.dockerignore` rules of every kind: a comment, a name, `*` (not crossing `/`), `!`, `**`. */
const IGNORE = '# comment\nnode_modules\n*.log\n!keep.log\ndocs/**\n!docs/README.md\n**/*.tmp\n';
const FIXTURE: Record<string, string | Uint8Array> = {
  'api/Dockerfile': 'FROM node:20-slim\r\nCOPY . .\r\n',
  'api/.dockerignore': IGNORE,
  'api/server.js': 'console.log(1)\n',
  'api/run.sh': '#!/bin/sh\necho hi\n',
  'api/keep.log': 'kept\n',
  'api/debug.log': 'ignored\n',
  'api/sub/debug.log': 'not ignored: * does not cross /\n',
  'api/sub/deep/x.tmp': 'ignored by **\n',
  'api/sub/deep/y.txt': 'line\r\nline\r\n',
  'api/bin/blob.bin': new Uint8Array([0, 1, 2, 13, 10, 255]),
  'api/node_modules/pg/index.js': 'ignored\n',
  'api/docs/a.md': 'ignored\n',
  'api/docs/README.md': 'kept\n',
  'shared/lib.txt': 'additional context\n',
};
/** The digests of the fixture by the synchronous walk before issue 12. */
const BEFORE = {
  context: 'sha256:cb948cb754bbd2268f4767a44a0e609cf36ab33e6bfc43859d5e40d804e6912a',
  build: 'sha256:fef4c90cc9c76dbfce8607d16adecef80f58ac3418bf8ff9fc33da064176a893',
  files: 11,
  bytes: 242,
};

function fixture(extra: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'i12-context-'));
  dirs.push(root);
  for (const [path, content] of Object.entries({ ...FIXTURE, ...extra })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  chmodSync(join(root, 'api/run.sh'), 0o755);
  symlinkSync('server.js', join(root, 'api/link.js'));
  return root;
}

const ctx = (root: string): ModelContext => ({ projectName: 'p', projectDirectory: root, volatile: {} });
const build = (root: string) => ({
  context: join(root, 'api'),
  dockerfile: 'Dockerfile',
  args: { A: '1' },
  additional_contexts: { shared: join(root, 'shared') },
});

describe('contextFilesAsync', () => {
  it('gives the files, kinds and digest of the synchronous walk, as before issue 12', async () => {
    const api = join(fixture(), 'api');
    const ignore = dockerignoreText(api, join(api, 'Dockerfile'));
    const sync = contextFiles(api, ignore);
    // sliceMs 0: one step per slice, a turn of the event loop between every two
    for (const sliceMs of [0, 4]) expect(await contextFilesAsync(api, ignore, { sliceMs })).toEqual(sync);
    expect(sync.map((f) => `${f.kind} ${f.path}`)).toEqual([
      'f .dockerignore',
      'f Dockerfile',
      'f bin/blob.bin',
      'f docs/README.md',
      'f keep.log',
      'l link.js',
      'x run.sh',
      'f server.js',
      'f sub/debug.log',
      'f sub/deep/y.txt',
    ]);
    expect(digestOf(sync).digest).toBe(BEFORE.context);
  });

  it('gives the event loop turns while it walks', async () => {
    const api = join(fixture(), 'api');
    const order: string[] = [];
    const walk = contextFilesAsync(api, IGNORE, { sliceMs: 0 }).then(() => order.push('walk done'));
    setImmediate(() => order.push('a turn'));
    await walk;
    expect(order).toEqual(['a turn', 'walk done']);
  });

  it('rejects as the synchronous walk for a missing folder, and with the reason once aborted', async () => {
    const root = fixture();
    await expect(contextFilesAsync(join(root, 'missing'), '')).rejects.toThrow(/ENOENT/);
    const abort = new AbortController();
    abort.abort(new Error('stopped'));
    await expect(contextFilesAsync(join(root, 'api'), '', { signal: abort.signal })).rejects.toThrow(
      'stopped',
    );
  });
});

describe('hashBuildInputsAsync', () => {
  it('gives the hash, files and bytes of hashBuildInputs, as before issue 12 (main and additional context)', async () => {
    const root = fixture();
    const sync = hashBuildInputs('api', build(root), ctx(root));
    const hashing = hashBuildContexts({ services: { api: { build: build(root) } } } as ResolvedModel, root);
    const async = await hashBuildInputsAsync('api', build(root), ctx(root), hashing);
    expect(async).toEqual(sync);
    expect({ build: sync.hash, files: sync.files, bytes: sync.bytes }).toEqual({
      build: BEFORE.build,
      files: BEFORE.files,
      bytes: BEFORE.bytes,
    });
    expect(hashing.started).toHaveLength(2); // api (its .dockerignore) and shared, both started up front
  });

  it('reads <Dockerfile>.dockerignore over the context’s, as the synchronous path', async () => {
    const root = fixture({ 'api/Dockerfile.dockerignore': 'server.js\n' });
    const sync = hashBuildInputs('api', build(root), ctx(root));
    const async = await hashBuildInputsAsync('api', build(root), ctx(root), new ContextHashing());
    expect(async).toEqual(sync);
    expect(async.hash).not.toBe(BEFORE.build);
  });

  it('counts a context two services share once, notes a remote context, in the synchronous order', async () => {
    const root = fixture();
    const remote = { context: 'https://example.invalid/app.git#main' };
    const cache: ContextCache = new Map();
    const hashing = new ContextHashing();
    const services = [build(root), build(root), remote];
    const sync = services.map((b, i) => hashBuildInputs(`s${i}`, b, ctx(root), cache));
    const async = [];
    for (const [i, b] of services.entries())
      async.push(await hashBuildInputsAsync(`s${i}`, b, ctx(root), hashing));
    expect(async).toEqual(sync);
    expect(async.map((r) => r.files)).toEqual([BEFORE.files, 0, 0]);
    expect(async[2]!.notes[0]).toMatch(/remote.*only its address is hashed/);
  });

  it('rejects with ENOENT for a missing context, as hashBuildInputs throws', async () => {
    const root = fixture();
    const missing = { context: join(root, 'missing') };
    expect(() => hashBuildInputs('api', missing, ctx(root))).toThrow(/ENOENT/);
    await expect(hashBuildInputsAsync('api', missing, ctx(root), new ContextHashing())).rejects.toThrow(
      /ENOENT/,
    );
  });
});

describe('ContextHashing', () => {
  it('stop ends the walks still running: a later read rejects with the reason', async () => {
    const root = fixture();
    const hashing = new ContextHashing();
    hashing.start(join(root, 'api'), null);
    hashing.stop();
    await expect(hashing.digest(join(root, 'api'), null, [], 'api')).rejects.toThrow(/stopped/);
  });

  it('a digest read at once is contextDigest’s', async () => {
    const root = fixture();
    const sync = contextDigest(join(root, 'shared'), null, [], 'shared', new Map());
    expect(await new ContextHashing().digest(join(root, 'shared'), null, [], 'shared')).toEqual(sync);
  });
});
