/**
 * A private copy of the bundled actions for one benchmark run: `<name>/action.yml` and `dist/<name>/` of
 * each action, copied into a temp folder that `runJob` uses as its `actionsRoot`. Every run then measures
 * the same bundle, even when dist/ is rebuilt (`npm run bundle`) in the working tree meanwhile.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../test/harness/env.js';

/** The snapshot: its folder, a digest of the scripts, and its removal. */
export interface ActionsSnapshot {
  root: string;
  /** First 12 hex of the sha256 over every copied script, for the report. */
  digest: string;
  remove(): void;
}

/** The scripts (`runs.main`, `runs.post`) an action.yml names, relative to the repository root. */
function scripts(name: string): string[] {
  const doc = parseYaml(readFileSync(join(repoRoot, name, 'action.yml'), 'utf8'), { schema: 'failsafe' }) as {
    runs?: Record<string, string>;
  } | null;
  const runs = doc?.runs ?? {};
  return [runs.main, runs.post]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .map((s) => join(name, s));
}

/** Sizes of `files`, or null when one is missing. */
function sizes(files: string[]): string | null {
  const out: number[] = [];
  for (const f of files) {
    if (!existsSync(f)) return null;
    out.push(statSync(f).size);
  }
  return out.join(',');
}

/**
 * Copies the actions `names` once their bundles exist and are not being written (two equal size readings
 * a second apart; at most `waitMs` of waiting, for a bundle run in progress).
 * @throws Error when the bundles do not settle in time
 */
export async function snapshotActions(names: string[], waitMs = 120_000): Promise<ActionsSnapshot> {
  const files = names.flatMap(scripts).map((f) => join(repoRoot, f));
  const deadline = Date.now() + waitMs;
  let previous: string | null = null;
  for (;;) {
    const now = sizes(files);
    if (now !== null && now === previous) break;
    if (Date.now() > deadline)
      throw new Error(`the bundles ${files.join(', ')} are missing or changing (run npm run bundle)`);
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const root = mkdtempSync(join(tmpdir(), 'ephemeral-bench-actions-'));
  // also on process.exit (Ctrl-C), which skips the caller's finally
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const hash = createHash('sha256');
  mkdirSync(join(root, 'dist'), { recursive: true });
  if (existsSync(join(repoRoot, 'dist', 'package.json')))
    cpSync(join(repoRoot, 'dist', 'package.json'), join(root, 'dist', 'package.json'));
  for (const name of names) {
    cpSync(join(repoRoot, name, 'action.yml'), join(root, name, 'action.yml'));
    for (const dir of new Set(scripts(name).map(dirname)))
      cpSync(join(repoRoot, dir), join(root, dir), { recursive: true });
  }
  for (const f of names.flatMap(scripts)) hash.update(readFileSync(join(root, f)));
  return {
    root,
    digest: hash.digest('hex').slice(0, 12),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
