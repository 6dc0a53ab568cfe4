/**
 * One source of truth: every input's fallback in code is its action.yml default (each action's DEFAULTS
 * table, the only fallback the input readers have), and every EPHEMERAL_* hand-off name is defined in
 * shared/src/runtime/handoff.ts and nowhere else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as deployNamespace from '../../actions/deploy-namespace/src/contract.js';
import * as provision from '../../actions/provision-compose/src/contract.js';
import * as handoff from '../../actions/shared/src/runtime/handoff.js';
import * as teardown from '../../actions/teardown/src/contract.js';
import * as verify from '../../actions/verify-seed/src/contract.js';
import * as wait from '../../actions/wait-ready/src/contract.js';

const root = resolve(import.meta.dirname, '../..');
const CONTRACTS: Record<string, { DEFAULTS: Record<string, string> }> = {
  'provision-compose': provision,
  'deploy-namespace': deployNamespace,
  'wait-ready': wait,
  'verify-seed': verify,
  teardown,
};

interface ActionYml {
  inputs?: Record<string, { default?: string }>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe.each(Object.keys(CONTRACTS))('%s: input defaults', (name) => {
  it('the code falls back to exactly the action.yml default of every input', () => {
    const action = parse(readFileSync(join(root, name, 'action.yml'), 'utf8')) as ActionYml;
    const declared = Object.fromEntries(
      Object.entries(action.inputs ?? {}).map(([input, meta]) => [input, String(meta.default ?? '')]),
    );
    expect(CONTRACTS[name]!.DEFAULTS).toEqual(declared);
  });
});

describe('hand-off names', () => {
  it('every EPHEMERAL_* name is defined in handoff.ts, and no other source spells one as a string', () => {
    const owned = new Set(Object.values(handoff));
    const spelled: string[] = [];
    for (const file of sources(join(root, 'actions'))) {
      if (file.endsWith(join('runtime', 'handoff.ts'))) continue;
      // Code only: comments may name a variable to explain it.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const m of text.matchAll(/['"`](EPHEMERAL_[A-Z0-9_]+)['"`]|\.(EPHEMERAL_[A-Z0-9_]+)\b/g))
        spelled.push(`${relative(root, file)}: ${m[1] ?? m[2]}`);
    }
    expect(spelled).toEqual([]);
    for (const name of owned) expect(name).toMatch(/^(EPHEMERAL_[A-Z_]+|COMPOSE_PROJECT_NAME|KUBECONFIG)$/);
  });
});
