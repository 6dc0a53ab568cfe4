import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FINGERPRINT_SCHEMA,
  type Fingerprint,
  fingerprintOf,
  sha256,
} from '../../../../actions/shared/src/fingerprint/canonical.js';
import { LockMismatchError, runLockPhase } from '../../../../actions/shared/src/fingerprint/lock-phase.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const ws = mkdtempSync(join(tmpdir(), 'i11-phase-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
const file = join(ws, 'app', 'ephemeral.lock.json');
const reportDir = join(ws, 'report');

function fp(entries: Record<string, string>): Fingerprint {
  const document = { schema: FINGERPRINT_SCHEMA, kind: 'compose' as const, entries };
  return { value: fingerprintOf(document), document, tools: {}, notes: [] };
}

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('runLockPhase', () => {
  const A = fp({ 'services.api.build': sha256('a'), 'services.db.image': 'postgres:15' });
  const B = fp({ 'services.api.build': sha256('b'), 'services.db.image': 'postgres:15' });

  it('off and auto without a lock do nothing', () => {
    expect(runLockPhase({ mode: 'off', file }, 'compose', A, ws, reportDir).status).toBe('off');
    expect(runLockPhase({ mode: 'auto', file }, 'compose', A, ws, reportDir).status).toBe('off');
    expect(existsSync(file)).toBe(false);
  });

  it('verify without a lock is a clear input error', () => {
    expect(() => runLockPhase({ mode: 'verify', file }, 'compose', A, ws, reportDir)).toThrow(
      /Input "lock": is verify, but .*does not exist\. Fix: run once with lock: update/,
    );
  });

  it('update writes the file and a copy for the report; verify then passes, auto verifies', () => {
    mkdirSync(join(ws, 'app'), { recursive: true });
    const updated = runLockPhase({ mode: 'update', file }, 'compose', A, ws, reportDir);
    expect(updated.status).toBe('updated');
    expect(updated.changes.map((c) => c.change)).toEqual(['added', 'added']);
    expect(readFileSync(join(reportDir, 'ephemeral.lock.json'), 'utf8')).toBe(readFileSync(file, 'utf8'));
    expect(runLockPhase({ mode: 'verify', file }, 'compose', A, ws, reportDir).status).toBe('verified');
    expect(runLockPhase({ mode: 'auto', file }, 'compose', A, ws, reportDir).locked?.fingerprint).toBe(
      A.value,
    );
  });

  it('verify refuses a difference, naming the entry in the error and in an annotation on the lock file', () => {
    let error: unknown;
    try {
      runLockPhase({ mode: 'verify', file }, 'compose', B, ws, reportDir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockMismatchError);
    expect(error).toBeInstanceOf(UserInputError);
    const short = (d: string) => d.slice(7, 19);
    expect((error as Error).message).toContain(
      `services.api.build: ${short(sha256('a'))} → ${short(sha256('b'))}`,
    );
    expect(out).toContain(
      `::error title=ephemeral lock mismatch,file=app/ephemeral.lock.json,line=1::services.api.build: ${short(sha256('a'))} → ${short(sha256('b'))}`,
    );
  });
});
