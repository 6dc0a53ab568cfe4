/**
 * The Compose phase's docker calls (issue 11, cost): the pre-pull's `docker image inspect` is also the
 * fingerprint's, so a deploy whose images are present asks docker once for them; what was pulled is
 * inspected again; the last deploy's record may still be on its way when the hashing starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PullPolicy } from '../../../../actions/shared/src/compose/compose.js';
import type { RunResult } from '../../../../actions/shared/src/exec/cli.js';
import type { ResolvedModel } from '../../../../actions/shared/src/fingerprint/compose-model.js';
import { pullAndInspect, runComposePhase } from '../../../../actions/shared/src/fingerprint/compose-phase.js';
import { runResult } from '../../helpers.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const ID = `sha256:${'a'.repeat(64)}`;

/** A docker CLI knowing `present` images (ref → repo digest); `pulls` makes the pulled ones present. */
function fakeEngine(present: Record<string, string>) {
  const calls: string[] = [];
  const known = new Map(Object.entries(present));
  const result = (stdout: string, exitCode = 0, stderr = '') => runResult(stdout, exitCode, stderr);
  const runner = async (argv: readonly string[]): Promise<RunResult> => {
    calls.push(argv.slice(1, 3).join(' '));
    if (argv[1] === 'version') return result('20.10.24\n');
    const refs = argv.slice(argv.indexOf('--') + 1);
    const found = refs.filter((r) => known.has(r));
    const lines = found.map((r) => `{"Id":"${ID}","RepoDigests":["${r.split(':')[0]}@${known.get(r)}"]}\n`);
    const missing = refs.filter((r) => !known.has(r));
    return result(
      lines.join(''),
      missing.length ? 1 : 0,
      missing.map((r) => `Error: No such image: ${r}`).join('\n'),
    );
  };
  const pulled: string[][] = [];
  const pullImages = async (services: string[]) => {
    pulled.push(services);
    calls.push('compose pull');
    for (const s of services) known.set(images[s as keyof typeof images], D1);
  };
  return { runner, calls, pulled, pullImages };
}

const images = { db: 'postgres:15', cache: 'redis:7' };
const model: ResolvedModel = {
  name: 'p',
  services: { db: { image: images.db }, cache: { image: images.cache } },
} as ResolvedModel;
const refs = Object.values(images);

describe('pullAndInspect', () => {
  const phase = (pull: PullPolicy, engine: ReturnType<typeof fakeEngine>) =>
    pullAndInspect({ model, pull, runner: engine.runner, pullImages: engine.pullImages }, refs);

  it('missing, nothing missing: one inspect, no pull; its answer is the facts', async () => {
    const engine = fakeEngine({ [images.db]: D1, [images.cache]: D1 });
    const facts = await phase('missing', engine);
    expect(engine.calls).toEqual(['image inspect']);
    expect(facts.get(images.db)).toMatchObject({ present: true, repoDigest: D1, id: ID });
  });

  it('missing, one missing: pulls only that service and inspects only its image again', async () => {
    const engine = fakeEngine({ [images.db]: D1 });
    const facts = await phase('missing', engine);
    expect(engine.pulled).toEqual([['cache']]);
    expect(engine.calls).toEqual(['image inspect', 'compose pull', 'image inspect']);
    expect(facts.get(images.cache)).toMatchObject({ present: true, repoDigest: D1 });
    expect(facts.get(images.db)).toMatchObject({ present: true, repoDigest: D1 });
  });

  it('always: pulls every pulled service first, then one inspect', async () => {
    const engine = fakeEngine({});
    const facts = await phase('always', engine);
    expect(engine.pulled).toEqual([['db', 'cache']]);
    expect(engine.calls).toEqual(['compose pull', 'image inspect']);
    expect(facts.get(images.db)?.present).toBe(true);
  });

  it('never: one inspect; a missing image stays absent', async () => {
    const engine = fakeEngine({ [images.db]: D1 });
    const facts = await phase('never', engine);
    expect(engine.calls).toEqual(['image inspect']);
    expect(facts.get(images.cache)?.present).toBe(false);
  });
});

describe('runComposePhase', () => {
  const root = mkdtempSync(join(tmpdir(), 'phase-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('asks docker for the images once and takes the last deploy’s record as a promise', async () => {
    writeFileSync(join(root, 'compose.yaml'), '');
    const engine = fakeEngine({ [images.db]: D1, [images.cache]: D1 });
    let resolveRecord: (r: { fingerprint: string; entries: null }) => void = () => {};
    const previous = new Promise<{ fingerprint: string; entries: null }>((r) => {
      resolveRecord = r;
    });
    const pending = runComposePhase({
      model,
      projectName: 'p',
      projectDirectory: root,
      workspace: root,
      volatile: {},
      lockFiles: [],
      includeTools: false,
      requireDigests: false,
      lock: { mode: 'off', file: '' },
      pull: 'missing',
      composeVersion: '2.26.1',
      runner: engine.runner,
      pullImages: engine.pullImages,
      reportDir: root,
      previous,
    });
    resolveRecord({ fingerprint: 'sha256:old', entries: null });
    const result = await pending;
    expect(engine.calls.filter((c) => c === 'image inspect')).toHaveLength(1);
    expect(engine.calls).toContain('version --format');
    expect(result.since).toEqual({ previous: 'sha256:old', unchanged: false, changed: [] });
    expect(result.fingerprint.document.entries['services.db.digest']).toBe(D1);
  });
});

describe('runComposePhase with the engine’s version asked earlier (issue 12)', () => {
  const root = mkdtempSync(join(tmpdir(), 'phase-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('does not ask docker version again and shows the version it was given', async () => {
    const engine = fakeEngine({ [images.db]: D1, [images.cache]: D1 });
    const result = await runComposePhase({
      model,
      projectName: 'p',
      projectDirectory: root,
      workspace: root,
      volatile: {},
      lockFiles: [],
      includeTools: true,
      requireDigests: false,
      lock: { mode: 'off', file: '' },
      pull: 'missing',
      composeVersion: '2.26.1',
      runner: engine.runner,
      pullImages: engine.pullImages,
      reportDir: root,
      previous: null,
      engineVersion: Promise.resolve('27.3.1'),
    });
    expect(engine.calls).toEqual(['image inspect']);
    expect(result.fingerprint.tools).toEqual({ compose: '2.26.1', docker: '27.3.1' });
    expect(result.fingerprint.document.entries['tools.docker']).toBe('27.3.1');
  });
});
