/**
 * scripts/release.sh on a throw-away repository of the same shape (package.json whose `bundle` and `docs`
 * scripts generate dist/ and action-docs/, CHANGELOG.md): it tags vX.Y.Z and moves vX only when the tree
 * is clean, on main, versioned and changelogged, and the generated files are current; otherwise it refuses
 * and changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/env.js';

const dir = mkdtempSync(join(tmpdir(), 'release-test-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.test',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.test',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
const release = (...args: string[]) => {
  const r = spawnSync('bash', ['scripts/release.sh', ...args], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};
const tagged = (tag: string) => git('rev-parse', `${tag}^{commit}`);

/** A release commit: source, version, changelog; `build` also regenerates dist/ and action-docs/. */
function commit(version: string, source: string, build: boolean): string {
  writeFileSync(join(dir, 'src.txt'), source);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'fake',
      version,
      scripts: { bundle: 'node build.mjs dist', docs: 'node build.mjs action-docs' },
    }),
  );
  writeFileSync(
    join(dir, 'CHANGELOG.md'),
    `# Changelog\n\n## [${version}] - 2026-11-30\n\n- change ${version}\n`,
  );
  if (build)
    for (const out of ['dist', 'action-docs']) execFileSync('node', ['build.mjs', out], { cwd: dir });
  git('add', '-A');
  git('commit', '-qm', `release ${version}`);
  return git('rev-parse', 'HEAD');
}

beforeAll(() => {
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(repoRoot, 'scripts/release.sh'), join(dir, 'scripts/release.sh'));
  const build = [
    "import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';",
    'const out = process.argv[2];',
    'mkdirSync(out, { recursive: true });',
    "writeFileSync(out + '/index.txt', 'built from ' + readFileSync('src.txt', 'utf8'));",
  ];
  writeFileSync(join(dir, 'build.mjs'), `${build.join('\n')}\n`);
  writeFileSync(join(dir, 'README.md'), '# fake\n');
  git('init', '-q', '-b', 'main');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/release.sh', () => {
  it('tags vX.Y.Z and points vX at it', () => {
    const head = commit('1.0.0', 'one', true);
    const r = release('1.0.0');
    expect(r.out).toContain('tagged');
    expect(r.status).toBe(0);
    expect(tagged('v1.0.0')).toBe(head);
    expect(tagged('v1')).toBe(head);
    expect(git('tag', '-l', '--format=%(contents)', 'v1.0.0')).toContain('- change 1.0.0');
  });

  it('refuses stale generated files and leaves the tree and the tags as they were', () => {
    const v1 = tagged('v1');
    commit('1.0.1', 'two', false);
    const r = release('1.0.1');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/generated files are stale/);
    expect(git('status', '--porcelain')).toBe('');
    expect(git('tag', '-l', 'v1.0.1')).toBe('');
    expect(tagged('v1')).toBe(v1);
  });

  it('moves vX on the next release, keeping vX.Y.Z where it was', () => {
    const v100 = tagged('v1.0.0');
    for (const out of ['dist', 'action-docs']) execFileSync('node', ['build.mjs', out], { cwd: dir });
    git('add', '-A');
    git('commit', '-qm', 'rebuild');
    const head = git('rev-parse', 'HEAD');
    expect(release('1.0.1').status).toBe(0);
    expect(tagged('v1.0.1')).toBe(head);
    expect(tagged('v1')).toBe(head);
    expect(tagged('v1.0.0')).toBe(v100);
  });

  it.each([
    [['1.0.1'], /tag v1\.0\.1 exists already/],
    [['1.0'], /usage: .* X\.Y\.Z/],
    [['1.0.2'], /package\.json says version 1\.0\.1, not 1\.0\.2/],
  ])('refuses %j', (args, message) => {
    const r = release(...args);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(message);
  });

  it('refuses outside main and with uncommitted changes', () => {
    git('checkout', '-qb', 'feature');
    expect(release('1.0.1').out).toMatch(/HEAD is on "feature", not "main"/);
    git('checkout', '-q', 'main');
    writeFileSync(join(dir, 'src.txt'), 'dirty');
    expect(release('1.0.1').out).toMatch(/working tree has changes/);
    git('checkout', '--', 'src.txt');
  });
});
