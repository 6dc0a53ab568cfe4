/**
 * fixture-version and isolation: whether the data is the version the repository declares, and whether it
 * belongs to this environment. Pure comparisons of what checks/source.ts read.
 */
import { commitMatches } from '../../../shared/src/expect/json.js';
import { matches, show, textOf } from '../expect/values.js';
import type { AssertionReport } from '../report.js';
import type { DeclaredVersion, IsolationCheck } from '../spec/types.js';
import type { SourceValue } from './source.js';

/** What markers stand for in this run. */
export interface RunFacts {
  /** The environment (Compose project) name. */
  environment: string;
  /** The pull request's head SHA (GITHUB_SHA outside a PR). */
  commit: string;
}

/** The declared version, described: `"2026.11.1" (fixtures/VERSION)`. */
export function describeDeclared(declared: DeclaredVersion): string {
  return `${JSON.stringify(declared.value)} (${declared.origin})`;
}

/** Compares the environment's fixture version with the declared one. */
export function evaluateFixtureVersion(value: SourceValue, declared: DeclaredVersion): AssertionReport[] {
  const expected = describeDeclared(declared);
  if (value.primary === undefined)
    return [
      { what: 'fixture-version', expected, actual: `none: ${value.absent ?? 'no value'}`, passed: false },
    ];
  const text = textOf(value.primary)?.trim() ?? null;
  const passed = text === declared.value || matches(value.primary, declared.value);
  return [{ what: 'fixture-version', expected, actual: show(text ?? value.primary), passed }];
}

/** A sentence for a fixture-version failure: the two versions and the likely causes. */
export function fixtureVersionProblem(value: SourceValue, declared: DeclaredVersion): string {
  if (value.primary === undefined)
    return `the environment records no fixture version (${value.absent ?? 'no value'}), but ${declared.origin} declares ${JSON.stringify(declared.value)}: the seed did not run, or predates fixture versioning`;
  return `the environment holds fixture version ${show(textOf(value.primary) ?? value.primary)} but ${declared.origin} declares ${JSON.stringify(declared.value)}: a stale seed image, or fixtures changed without bumping the version`;
}

/** The marker's text in this run, and how a value names it. */
export function markerOf(
  check: IsolationCheck,
  facts: RunFacts,
): { label: string; names: (text: string) => boolean } | null {
  switch (check.marker.kind) {
    case 'none':
      return null;
    case 'commit': {
      const sha = facts.commit;
      return {
        label: `commit ${sha.slice(0, 12)}`,
        names: (t) =>
          sha !== '' &&
          (t.toLowerCase().includes(sha.toLowerCase()) ||
            t.split(/[^0-9a-f]+/i).some((w) => commitMatches(w, sha))),
      };
    }
    case 'environment': {
      const name = facts.environment;
      return { label: `environment ${JSON.stringify(name)}`, names: (t) => name !== '' && t.includes(name) };
    }
    case 'value': {
      const v = check.marker.value;
      return { label: JSON.stringify(v), names: (t) => t.includes(v) };
    }
  }
}

/** Whether the data names this environment and no other's marker. */
export function evaluateIsolation(
  value: SourceValue,
  check: IsolationCheck,
  facts: RunFacts,
): AssertionReport[] {
  const out: AssertionReport[] = [];
  const marker = markerOf(check, facts);
  const found =
    value.texts.length === 0 ? `none (${value.absent ?? 'no value'})` : show(value.texts.slice(0, 10));
  if (marker) {
    out.push({
      what: 'owner',
      expected: `names ${marker.label}`,
      actual: found,
      passed: value.texts.some(marker.names),
    });
  }
  if (check.foreign) {
    const re = check.foreign;
    const offenders = value.texts.filter((t) => re.test(t) && !(marker?.names(t) ?? false));
    out.push({
      what: 'foreign markers',
      expected: `none matching /${re.source}/${marker ? ` except ${marker.label}` : ''}`,
      actual: offenders.length === 0 ? 'none' : show(offenders.slice(0, 10)),
      passed: offenders.length === 0,
    });
  }
  return out;
}
