#!/usr/bin/env node
// Bundles every action entry with @vercel/ncc's programmatic API (the CLI deletes sibling .js files in the
// output directory) into dist/<action>/{index,post}.js, ESM. Usage: node scripts/bundle.mjs [--out DIR]
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

const written = new Map();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
for (const [action, entries] of Object.entries(ENTRIES)) {
  for (const [name, source] of Object.entries(entries)) {
    const input = join(root, 'actions', action, 'src', source);
    if (!existsSync(input)) throw new Error(`missing entry ${input}`);
    const started = Date.now();
    const { code, assets } = await ncc(input, {
      cache: false,
      minify: false,
      sourceMap: false,
      target: 'es2022',
      quiet: true,
      license: 'licenses.txt',
    });
    const dir = join(out, action);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.js`), code);
    for (const [asset, { source: content }] of Object.entries(assets ?? {})) {
      const path = join(dir, asset === 'licenses.txt' ? `${name}.licenses.txt` : asset);
      // Lazily loaded chunks (e.g. 495.index.js) are named alike for every entry of a folder: two entries
      // may share one only when its bytes are the same.
      if (written.has(path) && !written.get(path).equals(Buffer.from(content))) {
        throw new Error(
          `${path}: two entries emit different chunks under one name; bundle them into separate folders`,
        );
      }
      written.set(path, Buffer.from(content));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    console.log(
      `bundled ${action}/${name}.js (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
    );
  }
}
