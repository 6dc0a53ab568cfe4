#!/usr/bin/env node
// Bundles every action entry with @vercel/ncc's programmatic API (the CLI deletes sibling .js files in the
// output directory) into dist/<action>/{index,post}.js, ESM. Usage: node scripts/bundle.mjs [--out DIR]
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist');

/** action → { outputName: source entry } */
export const ENTRIES = {
  'provision-compose': { index: 'main.ts', post: 'post.ts' },
  'deploy-namespace': { index: 'main.ts', post: 'post.ts' },
  'wait-ready': { index: 'main.ts' },
  'verify-seed': { index: 'main.ts' },
  teardown: { index: 'main.ts' },
  root: { index: 'main.ts' },
};

/**
 * Files an entry reads at run time that ncc does not see: libpg-query (verify-seed's SQL parser) loads its
 * WebAssembly from beside the script (`__dirname`), so the file is copied next to the bundle.
 */
const RUNTIME_FILES = {
  'verify-seed': ['node_modules/libpg-query/wasm/libpg-query.wasm'],
};

/**
 * ncc keeps `__dirname` / `__filename` of bundled CommonJS modules as they are, which ES module output
 * does not define; this prologue defines them as the bundle's own, as ncc's CommonJS output does.
 */
const PROLOGUE = [
  "import { dirname as __ephemeralDirname } from 'node:path';",
  "import { fileURLToPath as __ephemeralFileURLToPath } from 'node:url';",
  'const __filename = __ephemeralFileURLToPath(import.meta.url);',
  'const __dirname = __ephemeralDirname(__filename);',
  '',
].join('\n');

/** `code` with the prologue when it uses `__dirname` / `__filename` outside a comment line. */
function withPrologue(code) {
  const uses = code
    .split('\n')
    .some((line) => !/^\s*\/\//.test(line) && /\b__(dirname|filename)\b/.test(line));
  return uses ? PROLOGUE + code : code;
}

/**
 * Packages a bundle requires at start only because a package it needs imports them, and whose evaluation is
 * most of the start-up: `@actions/core` imports `@actions/http-client` for `getIDToken` alone (which no
 * action calls), and http-client imports undici and tunnel, which load Node's http, https, tls and http2.
 * webpack keeps the import (the package does not declare itself free of side effects), so every step paid
 * for it (measured: docs/benchmarks.md, start-up). Its `var <name> = __nccwpck_require__(<id>);` in the
 * entry becomes a proxy that requires the module at the first property read: webpack reads an ES module's
 * exports as `<name>.<export>` where they are used, so a run that never does HTTP through it never loads it.
 * Chunks keep their requires (they load when used anyway).
 */
const DEFERRED = ['@actions/http-client/lib/index.js'];

/** The helper the deferred requires call; defined once, after the prologue. */
const LAZY_HELPER = [
  '/** A module required at its first property read (scripts/bundle.mjs, DEFERRED). */',
  'function __ephemeralLazy(load) {',
  '  let loaded;',
  '  return new Proxy({}, { get: (_, key) => (loaded ??= load())[key] });',
  '}',
  '',
].join('\n');

/**
 * `code` (an entry's bundle) with each DEFERRED package's top-level require made lazy.
 * @throws Error when ncc's marker for such a package is not followed by the one-line require this expects
 *   (a newer ncc writes it differently: look at the bundle and adapt the pattern)
 */
function deferStartupRequires(code) {
  let out = code;
  let deferred = 0;
  for (const pkg of DEFERRED) {
    const marker = `// EXTERNAL MODULE: ./node_modules/${pkg}`;
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith(marker)) continue;
      const match = /^var (\w+) = __nccwpck_require__\((\d+)\);$/.exec(lines[i + 1] ?? '');
      if (!match)
        throw new Error(`bundle: "${marker}" is not followed by "var <name> = __nccwpck_require__(<id>);"`);
      lines[i + 1] = `var ${match[1]} = __ephemeralLazy(() => __nccwpck_require__(${match[2]}));`;
      deferred++;
    }
    out = lines.join('\n');
  }
  return deferred ? LAZY_HELPER + out : out;
}

/** Bundles one entry into `dir` (a child process's whole job). */
async function bundleOne(action, name, dir) {
  const input = join(root, 'actions', action, 'src', ENTRIES[action][name]);
  if (!existsSync(input)) throw new Error(`missing entry ${input}`);
  const { code, assets } = await ncc(input, {
    cache: false,
    minify: false,
    sourceMap: false,
    target: 'es2022',
    quiet: true,
    license: 'licenses.txt',
    // Names lazily loaded chunks after the entry (495.post.js beside post.js): webpack numbers a chunk's
    // modules per entry, so two entries' chunks of one package differ and must not share a name.
    filename: `${name}.js`,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.js`), withPrologue(deferStartupRequires(code)));
  for (const [asset, { source: content }] of Object.entries(assets ?? {})) {
    const path = join(dir, asset === 'licenses.txt' ? `${name}.licenses.txt` : asset);
    mkdirSync(dirname(path), { recursive: true });
    // A lazily loaded chunk is an ES module of its own: it needs the prologue as much as the entry does
    // (libpg-query, in verify-seed's SQL parser chunk, finds its WebAssembly through `__dirname`).
    writeFileSync(path, /\.js$/.test(asset) ? withPrologue(content.toString()) : content);
  }
  for (const file of RUNTIME_FILES[action] ?? []) copyFileSync(join(root, file), join(dir, basename(file)));
}

const one = process.argv.indexOf('--one');
if (one > 0) {
  const [action, name, dir] = process.argv.slice(one + 1, one + 4);
  await bundleOne(action, name, dir);
  process.exit(0);
}

// Each entry in its own process, two at a time: in one process ncc's memory grows with every entry and the
// later ones took minutes each; alone, an entry takes about 30 s on this 2-core machine.
const scratch = mkdtempSync(join(tmpdir(), 'bundle-'));
const jobs = Object.entries(ENTRIES).flatMap(([action, entries]) =>
  Object.keys(entries).map((name) => ({ action, name, dir: join(scratch, action, name) })),
);
const runJob = ({ action, name, dir }) =>
  new Promise((done, fail) => {
    const started = Date.now();
    execFile(
      process.execPath,
      [fileURLToPath(import.meta.url), '--one', action, name, dir],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) return fail(new Error(`bundling ${action}/${name} failed:\n${stderr.slice(-4000)}`));
        console.log(`bundled ${action}/${name}.js (${Date.now() - started} ms)`);
        done();
      },
    );
  });
const queue = [...jobs];
await Promise.all(
  [1, 2].map(async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await runJob(job);
  }),
);

const written = new Map();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
for (const { action, dir } of jobs) {
  for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const from = join(file.parentPath, file.name);
    const path = join(out, action, from.slice(dir.length + 1));
    const content = readFileSync(from);
    // A chunk name is unique per entry (see `filename`); this guards against two entries writing one file.
    if (written.has(path) && !written.get(path).equals(content)) {
      throw new Error(
        `${path}: two entries emit different files under one name; bundle them into separate folders`,
      );
    }
    written.set(path, content);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
rmSync(scratch, { recursive: true, force: true });
