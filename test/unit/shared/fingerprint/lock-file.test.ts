import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FINGERPRINT_SCHEMA,
  type Fingerprint,
  fingerprintOf,
  sha256,
} from '../../../../actions/shared/src/fingerprint/canonical.js';
import {
  annotationPath,
  diffEntries,
  formatChanges,
  readLockFile,
  renderLockFile,
  withSection,
  writeLockFile,
} from '../../../../actions/shared/src/fingerprint/lock-file.js';
import { LOCK_SCHEMA } from '../../../../actions/shared/src/fingerprint/lock-schema.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'i11-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fingerprint(entries: Record<string, string>): Fingerprint {
  const document = { schema: FINGERPRINT_SCHEMA, kind: 'compose' as const, entries };
  return { value: fingerprintOf(document), document, tools: { compose: '2.26.1' }, notes: [] };
}

describe('lock file', () => {
  it('the committed JSON Schema file is LOCK_SCHEMA', () => {
    const file = JSON.parse(readFileSync('actions/shared/src/fingerprint/lock.schema.json', 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(LOCK_SCHEMA)));
  });

  it('round-trips, with stable bytes whatever the entry order', () => {
    const a = withSection(null, 'compose', fingerprint({ b: '2', a: '1' }));
    const b = withSection(null, 'compose', fingerprint({ a: '1', b: '2' }));
    expect(renderLockFile(a)).toBe(renderLockFile(b));
    const path = join(dir, 'ephemeral.lock.json');
    writeLockFile(path, a);
    expect(readLockFile(path)).toEqual(JSON.parse(renderLockFile(a)));
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('keeps the other action’s section when one is updated', () => {
    const both = withSection(
      withSection(null, 'compose', fingerprint({ a: '1' })),
      'namespace',
      fingerprint({ c: '3' }),
    );
    const updated = withSection(both, 'compose', fingerprint({ a: '2' }));
    expect(updated.locks.namespace).toEqual(both.locks.namespace);
    expect(updated.locks.compose?.entries).toEqual({ a: '2' });
  });

  it('returns null for a missing file', () => {
    expect(readLockFile(join(dir, 'nope.json'))).toBeNull();
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    ['a newer schema', JSON.stringify({ schema: 'ephemeral-lock/v9', locks: {} }), /does not read.*v1/],
    [
      'a bad digest',
      JSON.stringify({
        schema: 'ephemeral-lock/v1',
        locks: { compose: { kind: 'compose', fingerprint: 'abc', entries: {} } },
      }),
      /does not match the ephemeral-lock\/v1 schema.*fingerprint/,
    ],
    ['an unknown section', JSON.stringify({ schema: 'ephemeral-lock/v1', locks: { other: {} } }), /schema/],
  ])('refuses %s, naming the file and the fix', (_, text, problem) => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, text);
    let error: unknown;
    try {
      readLockFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/Fix: .*lock: update/);
  });
});

describe('diff', () => {
  it('lists added, removed and changed entries, sorted, with short digests', () => {
    const oldBuild = sha256('a');
    const newBuild = sha256('b');
    const changes = diffEntries(
      { 'services.api.build': oldBuild, 'services.db.image': 'postgres:15', 'lock-files.go.sum': oldBuild },
      {
        'services.api.build': newBuild,
        'services.db.image': 'postgres:15',
        'lock-files.package-lock.json': newBuild,
      },
    );
    expect(formatChanges(changes)).toEqual([
      `lock-files.go.sum: ${oldBuild.slice(7, 19)} → (removed)`,
      `lock-files.package-lock.json: (none) → ${newBuild.slice(7, 19)}`,
      `services.api.build: ${oldBuild.slice(7, 19)} → ${newBuild.slice(7, 19)}`,
    ]);
    expect(diffEntries({ a: '1' }, { a: '1' })).toEqual([]);
  });

  it('shortens digests inside texts', () => {
    const d = sha256('x');
    expect(
      formatChanges([
        { key: 'chart.dependencies.redis', change: 'changed', old: `17.0.0 ${d}`, new: '17.0.1 not-built' },
      ]),
    ).toEqual([`chart.dependencies.redis: 17.0.0 ${d.slice(7, 19)} → 17.0.1 not-built`]);
  });

  it('annotation paths are relative to the workspace', () => {
    expect(annotationPath('/ws/app/ephemeral.lock.json', '/ws')).toBe('app/ephemeral.lock.json');
    expect(annotationPath('/elsewhere/x.json', '/ws')).toBe('/elsewhere/x.json');
  });
});
