/** Publishing a fingerprint phase: the output (also a refused one), the log line, notices, the section. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Fingerprint, fingerprintOf } from '../../../../actions/shared/src/fingerprint/canonical.js';
import { LockMismatchError } from '../../../../actions/shared/src/fingerprint/lock-phase.js';
import { publishFingerprint } from '../../../../actions/shared/src/fingerprint/publish.js';
import { FingerprintSection } from '../../../../actions/shared/src/fingerprint/summary.js';

afterEach(() => vi.restoreAllMocks());

function fingerprint(entries: Record<string, string>, notes: string[] = []): Fingerprint {
  const document = {
    schema: 'ephemeral-fingerprint/v1',
    kind: 'compose',
    entries,
  } as Fingerprint['document'];
  return { value: fingerprintOf(document), document, tools: {}, notes };
}

const previous = { fingerprint: 'sha256:old', entries: { 'services.db.image': 'postgres:14' } };

describe('publishFingerprint', () => {
  it('sets the output, logs what changed since the last deploy, notices each note, fills the section', async () => {
    // core.info and core.notice write to stdout (a plain line, and a ::notice:: workflow command)
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const outputs: string[] = [];
    const section = new FingerprintSection();
    const f = fingerprint({ 'services.db.image': 'postgres:15' }, [
      'a remote build context is hashed by URL',
    ]);
    const result = {
      fingerprint: f,
      lock: { status: 'off' as const, file: '', changes: [], locked: null },
      since: { previous: 'sha256:old', unchanged: false, changed: ['services.db.image'] },
    };
    await expect(
      publishFingerprint(Promise.resolve(result), {
        section,
        mode: 'off',
        toolsHashed: false,
        previous: previous as never,
        setOutput: (v) => outputs.push(v),
      }),
    ).resolves.toBe(result);
    expect(outputs).toEqual([f.value]);
    expect(lines.join('')).toContain(
      `Fingerprint ${f.value} (changed since the last deploy: services.db.image)`,
    );
    expect(lines.join('')).toMatch(/::notice::a remote build context is hashed by URL/);
    expect(section.value?.value).toBe(f.value);
  });

  it('a refused lock: the refused fingerprint is the output and in the section; the error goes on', async () => {
    const outputs: string[] = [];
    const section = new FingerprintSection();
    const f = fingerprint({ 'services.db.image': 'postgres:16' });
    const refused = new LockMismatchError('/w/ephemeral.lock.json', [], f);
    await expect(
      publishFingerprint(Promise.reject(refused), {
        section,
        mode: 'verify',
        toolsHashed: false,
        previous: null,
        setOutput: (v) => outputs.push(v),
      }),
    ).rejects.toBe(refused);
    expect(outputs).toEqual([f.value]);
    expect(section.value?.value).toBe(f.value);
  });

  it('a refused lock with the last deploy’s record still pending: awaited, and a failed look-up is no record', async () => {
    const f = fingerprint({ 'services.db.image': 'postgres:16' });
    const refused = new LockMismatchError('/w/ephemeral.lock.json', [], f);
    for (const record of [Promise.resolve(previous), Promise.reject(new Error('no such container'))]) {
      const section = new FingerprintSection();
      await expect(
        publishFingerprint(Promise.reject(refused), {
          section,
          mode: 'verify',
          toolsHashed: false,
          previous: record as never,
          setOutput: () => {},
        }),
      ).rejects.toBe(refused);
      expect(section.value?.value).toBe(f.value);
    }
  });

  it('any other failure sets no output and records nothing', async () => {
    const outputs: string[] = [];
    const section = new FingerprintSection();
    const boom = new Error('docker failed');
    await expect(
      publishFingerprint(Promise.reject(boom), {
        section,
        mode: 'off',
        toolsHashed: false,
        previous: null,
        setOutput: (v) => outputs.push(v),
      }),
    ).rejects.toBe(boom);
    expect(outputs).toEqual([]);
    expect(section.value).toBeUndefined();
  });
});
