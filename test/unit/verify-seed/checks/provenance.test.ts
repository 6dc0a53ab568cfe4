/** fixture-version and isolation. */
import { describe, expect, it } from 'vitest';
import {
  evaluateFixtureVersion,
  evaluateIsolation,
} from '../../../../actions/verify-seed/src/checks/provenance.js';
import type { IsolationCheck } from '../../../../actions/verify-seed/src/spec/types.js';

const at = { file: 'spec.yaml', label: 'spec.yaml', line: 1, column: 1 };

describe('fixture-version and isolation', () => {
  const declared = { value: '2026.11.1', origin: 'fixtures/VERSION' };

  it('fixture-version compares the text, and names the declared file', () => {
    expect(evaluateFixtureVersion({ primary: '2026.11.1', texts: [] }, declared)[0]!.passed).toBe(true);
    expect(evaluateFixtureVersion({ primary: '2026.10.0', texts: [] }, declared)).toEqual([
      {
        what: 'fixture-version',
        expected: '"2026.11.1" (fixtures/VERSION)',
        actual: '"2026.10.0"',
        passed: false,
      },
    ]);
    expect(evaluateFixtureVersion({ primary: 3, texts: [] }, { value: '3', origin: 'x' })[0]!.passed).toBe(
      true,
    );
    expect(
      evaluateFixtureVersion(
        { primary: undefined, texts: [], absent: 'the query returned no rows' },
        declared,
      )[0],
    ).toMatchObject({
      passed: false,
      actual: 'none: the query returned no rows',
    });
  });

  const facts = { environment: 'webapp-pr-42-abc123', commit: 'c9933b2a67e1dc9613e82091e31c34d93f6cf3c7' };
  const iso = (partial: Partial<IsolationCheck>): IsolationCheck => ({
    name: 'i',
    kind: 'isolation',
    connection: 'c',
    source: { via: 'redis', key: 'k', scanLimit: 1 },
    marker: { kind: 'environment' },
    at,
    ...partial,
  });

  it("the environment marker must be named; other PRs' markers must not appear", () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['webapp-pr-42-abc123'] },
        iso({ foreign: /-pr-\d+-/ }),
        facts,
      ).every((a) => a.passed),
    ).toBe(true);
    const other = evaluateIsolation(
      { primary: 'x', texts: ['webapp-pr-41-ffffff'] },
      iso({ foreign: /-pr-\d+-/ }),
      facts,
    );
    expect(other.map((a) => a.passed)).toEqual([false, false]);
    expect(other[1]!.actual).toBe('["webapp-pr-41-ffffff"]');
    const mixed = evaluateIsolation(
      { primary: 'x', texts: ['webapp-pr-42-abc123', 'webapp-pr-7-000000'] },
      iso({ foreign: /-pr-\d+-/ }),
      facts,
    );
    expect(mixed.map((a) => a.passed)).toEqual([true, false]);
  });

  it('the commit marker accepts the full or a short SHA', () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['c9933b2a67e1'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['build c9933b2'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['deadbeef00'] },
        iso({ marker: { kind: 'commit' } }),
        facts,
      )[0]!.passed,
    ).toBe(false);
  });

  it('marker none checks only foreign markers; a value marker is literal', () => {
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['acme'] },
        iso({ marker: { kind: 'none' }, foreign: /^pr-/ }),
        facts,
      ),
    ).toEqual([{ what: 'foreign markers', expected: 'none matching /^pr-/', actual: 'none', passed: true }]);
    expect(
      evaluateIsolation(
        { primary: 'x', texts: ['tenant acme'] },
        iso({ marker: { kind: 'value', value: 'acme' } }),
        facts,
      )[0]!.passed,
    ).toBe(true);
    expect(
      evaluateIsolation(
        { primary: undefined, texts: [], absent: 'key "k" does not exist' },
        iso({}),
        facts,
      )[0],
    ).toMatchObject({
      passed: false,
      actual: 'none (key "k" does not exist)',
    });
  });
});
