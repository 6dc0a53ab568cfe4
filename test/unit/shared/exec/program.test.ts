/** A program an input names is found as spawn would find it, or refused naming the input. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProgram, requireProgram } from '../../../../actions/shared/src/exec/program.js';

const dir = mkdtempSync(join(tmpdir(), 'program-'));
writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
chmodSync(join(dir, 'tool'), 0o755);
writeFileSync(join(dir, 'plain'), 'not executable');

describe('programs named by inputs', () => {
  it('finds a name on PATH, an absolute path and a path relative to cwd', () => {
    expect(findProgram('tool', '/', `/nonexistent:${dir}`)).toBe(join(dir, 'tool'));
    expect(findProgram(join(dir, 'tool'))).toBe(join(dir, 'tool'));
    expect(findProgram('./tool', dir)).toBe(join(dir, 'tool'));
  });

  it('finds nothing for a missing, non-executable or empty name, or a directory', () => {
    expect(findProgram('no-such-tool-xyz', '/', dir)).toBeNull();
    expect(findProgram(join(dir, 'plain'))).toBeNull();
    expect(findProgram('plain', '/', dir)).toBeNull();
    expect(findProgram(dir)).toBeNull();
    expect(findProgram('')).toBeNull();
  });

  it('refuses naming the input and the fix', () => {
    expect(() => requireProgram('kubectl', '/nonexistent/kubectl', 'install kubectl')).toThrow(
      'Input "kubectl": "/nonexistent/kubectl" is not an executable file. Fix: install kubectl.',
    );
    expect(() => requireProgram('helm', 'no-such-helm-xyz', 'install Helm')).toThrow(
      'Input "helm": "no-such-helm-xyz" is not a program on PATH (or not executable). Fix: install Helm.',
    );
  });
});
