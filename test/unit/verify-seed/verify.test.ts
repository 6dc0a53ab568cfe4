/** verify-seed main: a failing check becomes an annotation at its spec line. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearSecretsForTests } from '../../../actions/shared/src/runtime/secrets.js';
import type { CheckReport } from '../../../actions/verify-seed/src/report.js';
import { annotate } from '../../../actions/verify-seed/src/verify.js';

const failed: CheckReport = {
  name: 'fixture version (Redis)',
  kind: 'fixture-version',
  connection: 'cache',
  target: 'redis://127.0.0.1:49154',
  passed: false,
  expected: 'fixture-version: "2026.11.1" (examples/compose-app/fixtures/VERSION)',
  actual: 'fixture-version: "2026.10.0"',
  error:
    'the environment holds fixture version "2026.10.0" but examples/compose-app/fixtures/VERSION declares "2026.11.1"',
  attempts: 3,
  durationMs: 4200,
  assertions: [
    {
      what: 'fixture-version',
      expected: '"2026.11.1" (examples/compose-app/fixtures/VERSION)',
      actual: '"2026.10.0"',
      passed: false,
    },
  ],
  source: { file: 'examples/compose-app/seed-checks.yaml', line: 97, column: 5 },
};

afterEach(() => {
  clearSecretsForTests();
  vi.restoreAllMocks();
});

describe('annotations', () => {
  it('a failing check becomes an error annotation at its file and line', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    annotate(failed);
    annotate({ ...failed, name: 'inline', source: undefined as never });
    expect(writes[0]).toBe(
      '::error title=verify-seed%3A fixture version (Redis),file=examples/compose-app/seed-checks.yaml,line=97,col=5::Check "fixture version (Redis)" (fixture-version) failed: the environment holds fixture version "2026.10.0" but examples/compose-app/fixtures/VERSION declares "2026.11.1"\n',
    );
    expect(writes[1]).toMatch(/^::error title=verify-seed%3A inline::Check "inline"/);
  });
});
