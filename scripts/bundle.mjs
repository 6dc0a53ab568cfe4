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
 * `code` (an entry's bundle) with each DEFERRED package's top-level require made lazy; `ids`, the module
 * IDs those requires name.
 * @throws Error when ncc's marker for such a package is not followed by the one-line require this expects
 *   (a newer ncc writes it differently: look at the bundle and adapt the pattern)
 */
function deferStartupRequires(code) {
  let out = code;
  const ids = [];
  for (const pkg of DEFERRED) {
    const marker = `// EXTERNAL MODULE: ./node_modules/${pkg}`;
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith(marker)) continue;
      const match = /^var (\w+) = __nccwpck_require__\((\d+)\);$/.exec(lines[i + 1] ?? '');
      if (!match)
        throw new Error(`bundle: "${marker}" is not followed by "var <name> = __nccwpck_require__(<id>);"`);
      lines[i + 1] = `var ${match[1]} = __ephemeralLazy(() => __nccwpck_require__(${match[2]}));`;
      ids.push(Number(match[2]));
    }
    out = lines.join('\n');
  }
  return { code: ids.length ? LAZY_HELPER + out : out, ids };
}

// One module of ncc's table: the marker line with its ID, then its factory up to the marker line closing it.
const MODULE = /^\/\*\*\*\/ (\d+):\n([\s\S]*?)^\/\*\*\*\/ \}\),?\n/gm;
const REQUIRE = /__nccwpck_require__\((\d+)\)/g;
/** How ncc's ES module output requires a Node built-in inside a factory. */
const BUILTIN = /__WEBPACK_EXTERNAL_createRequire\(import\.meta\.url\)\(/g;
/** The first line of webpack's require function, where the side file is loaded on demand. */
const REQUIRE_FN = '/******/ function __nccwpck_require__(moduleId) {\n';

/**
 * Moves the modules only the DEFERRED packages need (`ids` and what they require, less what the entry
 * needs at start) out of the entry into a side file, `<name>.deferred.cjs`, that webpack's require loads
 * the first time it is asked for one of them (the deferred package's first use, or a chunk that needs it,
 * as Octokit's needs http-client). V8 parses the whole entry before running it: ~1 MB less to parse is
 * ~13 ms less start-up on every step (issue 12, measured on provision-compose/post.js: 53.3 → 39.9 ms,
 * medians of 21, Node 24). The side file is CommonJS, so a factory's `createRequire(import.meta.url)(…)`
 * becomes `require(…)`, which resolves the same built-ins.
 * @returns the entry's code and the side file's ('' when nothing moves)
 * @throws Error when the entry's require function is not where this expects it, or a moved factory still
 *   reads `import.meta`
 */
function splitDeferred(code, ids, name) {
  if (ids.length === 0) return { code, side: '' };
  const modules = new Map();
  for (const m of code.matchAll(MODULE))
    modules.set(Number(m[1]), { start: m.index, end: m.index + m[0].length, body: m[2] });
  const requires = (text) => [...text.matchAll(REQUIRE)].map((m) => Number(m[1]));
  const first = Math.min(...[...modules.values()].map((m) => m.start));
  const last = Math.max(...[...modules.values()].map((m) => m.end));
  const reach = (roots, skip) => {
    const seen = new Set();
    const stack = [...roots];
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id) || skip.has(id) || !modules.has(id)) continue;
      seen.add(id);
      stack.push(...requires(modules.get(id).body));
    }
    return seen;
  };
  const deferred = new Set(ids);
  const eager = reach(requires(code.slice(0, first) + code.slice(last)), deferred);
  const moved = [...reach(ids, new Set())].filter((id) => !eager.has(id)).sort((a, b) => a - b);
  if (moved.length === 0) return { code, side: '' };
  if (!code.includes(REQUIRE_FN)) throw new Error(`bundle: ${name}.js has no "${REQUIRE_FN.trim()}"`);
  const factories = moved.map((id) => {
    const factory = `${modules.get(id).body}/***/ })`.replace(BUILTIN, 'require(');
    if (factory.includes('import.meta'))
      throw new Error(`bundle: module ${id} of ${name}.js reads import.meta`);
    return `/***/ ${id}:\n${factory}`;
  });
  const side = [
    `// Modules of ${name}.js that only its deferred packages need (scripts/bundle.mjs, splitDeferred).`,
    "'use strict';",
    `module.exports = {\n${factories.join(',\n\n')}\n};`,
    '',
  ].join('\n');
  let out = '';
  let at = 0;
  for (const id of [...moved].sort((a, b) => modules.get(a).start - modules.get(b).start)) {
    out += code.slice(at, modules.get(id).start);
    at = modules.get(id).end;
  }
  out += code.slice(at);
  const loader = [
    "import { createRequire as __ephemeralCreateRequire } from 'node:module';",
    "/** Adds the side file's modules to webpack's table, once (scripts/bundle.mjs, splitDeferred). */",
    'let __ephemeralDeferred = false;',
    'function __ephemeralLoadDeferred(moduleId) {',
    '  if (__ephemeralDeferred || moduleId in __webpack_modules__) return;',
    '  __ephemeralDeferred = true;',
    `  Object.assign(__webpack_modules__, __ephemeralCreateRequire(import.meta.url)('./${name}.deferred.cjs'));`,
    '}',
    '',
  ].join('\n');
  out = loader + out.replace(REQUIRE_FN, `${REQUIRE_FN}/******/ \t__ephemeralLoadDeferred(moduleId);\n`);
  return { code: out, side };
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
  const lazy = deferStartupRequires(code);
  const split = splitDeferred(lazy.code, lazy.ids, name);
  writeFileSync(join(dir, `${name}.js`), withPrologue(split.code));
  if (split.side) writeFileSync(join(dir, `${name}.deferred.cjs`), split.side);
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
