/**
 * Contract: no bundled entry loads undici at start. `@actions/core` imports `@actions/http-client` (undici,
 * tunnel, and with them Node's http, https, tls and http2) for `getIDToken` alone; the build defers that
 * require to its first use (scripts/bundle.mjs `DEFERRED`), because evaluating it was most of every step's
 * start-up. Node's http2 stands for undici: nothing else in the bundles loads it (wait-ready loads https at
 * start for its HTTP probes, which is its own). Each entry runs as bench/startup-bench.ts runs it (no inputs, no state: a main stops at
 * its input check, a post finds no state) with a preload that prints, at exit, which of those Node modules
 * the process loaded (`process.moduleLoadList`). The modules only deferred packages need live in a side file
 * beside the entry (`<entry>.deferred.cjs`, scripts/bundle.mjs `splitDeferred`), which no entry reads at
 * start; the integration tests load it (every GitHub call goes through Octokit, which needs http-client).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTUP_ENTRIES } from '../../bench/startup-bench.js';

const root = resolve(import.meta.dirname, '../..');
const node = process.env.EPHEMERAL_TEST_NODE ?? process.execPath;
const UNDICI_MARK = 'NativeModule http2';

const preload = join(mkdtempSync(join(tmpdir(), 'startup-imports-')), 'preload.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => process.stdout.write('\\nLOADED ' + JSON.stringify([...process.moduleLoadList, ...Object.keys(require.cache)]) + '\\n'));\n`,
);

/** The Node modules `dist/<entry>` loaded in a no-input run, and the CommonJS files it required. */
function loadedBy(entry: string): string[] {
  const run = (() => {
    try {
      return execFileSync(node, ['--require', preload, join(root, 'dist', entry)], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? ''); // a main fails on its missing inputs
    }
  })();
  const line = run.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`dist/${entry} printed no LOADED line:\n${run}`);
  return JSON.parse(line.slice('LOADED '.length)) as string[];
}

describe.each(STARTUP_ENTRIES)('dist/%s', (entry) => {
  it('starts without loading undici', () => {
    const loaded = loadedBy(entry);
    expect(loaded, 'the preload saw no module list').toContain('NativeModule fs');
    expect(loaded).not.toContain(UNDICI_MARK);
  });

  it('leaves the modules only deferred packages need in its side file, and does not read it at start', () => {
    const side = join(root, 'dist', entry.replace(/\.js$/, '.deferred.cjs'));
    expect(existsSync(side), `${side} (scripts/bundle.mjs splitDeferred)`).toBe(true);
    expect(loadedBy(entry).filter((f) => f.endsWith('.deferred.cjs'))).toEqual([]);
    const modules = createRequire(import.meta.url)(side) as Record<string, unknown>;
    expect(Object.keys(modules).length).toBeGreaterThan(50);
    for (const [id, factory] of Object.entries(modules)) expect(typeof factory, id).toBe('function');
    expect(readFileSync(side, 'utf8')).not.toMatch(/import\.meta/);
  });
});
