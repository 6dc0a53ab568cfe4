/**
 * The bad-input corpus keeps its promise: at least 150 rows, unique ids, every action, and every input of
 * every action.yml exercised by some row, so a new input fails here until it has its bad values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CORPUS } from '../corpus/index.js';
import {
  CLUSTER_CANARY_INPUTS,
  ENGINE_CANARY_INPUTS,
  SECRET_INPUTS,
  secretInputs,
} from '../corpus/secret-inputs.js';
import { repoRoot } from '../harness/env.js';

const ACTIONS = ['provision-compose', 'deploy-namespace', 'wait-ready', 'verify-seed', 'teardown'] as const;

function inputsOf(action: string): string[] {
  const doc = parseYaml(readFileSync(join(repoRoot, action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, unknown>;
  };
  return Object.keys(doc.inputs ?? {});
}

describe('the bad-input corpus', () => {
  it('has at least 150 rows with unique ids, across all five actions', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    const ids = CORPUS.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const action of ACTIONS)
      expect(CORPUS.filter((r) => r.action === action).length, action).toBeGreaterThan(5);
  });

  it.each(ACTIONS)('every input of %s is given a bad value by some row', (action) => {
    const covered = new Set(CORPUS.filter((r) => r.action === action).flatMap((r) => Object.keys(r.with)));
    expect(inputsOf(action).filter((input) => !covered.has(input))).toEqual([]);
  });

  it('every row uses only inputs its action declares', () => {
    for (const row of CORPUS) {
      const declared = new Set(inputsOf(row.action));
      expect(
        Object.keys(row.with).filter((k) => !declared.has(k)),
        row.id,
      ).toEqual([]);
    }
  });
});

describe('secret-carrying inputs (the canary tests cover each)', () => {
  it.each(ACTIONS)('every input of %s is classified as secret or plain', (action) => {
    const classified = Object.keys(SECRET_INPUTS[action] ?? {});
    expect(classified.sort()).toEqual(inputsOf(action).sort());
  });

  it('the two canary tests together cover every secret-carrying input', () => {
    const all = ACTIONS.flatMap((action) => secretInputs(action).map((input) => `${action} ${input}`));
    expect([...ENGINE_CANARY_INPUTS, ...CLUSTER_CANARY_INPUTS].sort()).toEqual(all.sort());
  });
});
