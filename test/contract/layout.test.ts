/**
 * The layout shows the architecture (docs/architecture.md): shared code in rooms whose imports run one way
 * (action → shared rooms → runtime), no action importing another, and small files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const actions = join(root, 'actions');

/** Which rooms each shared room may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  runtime: [],
  exec: ['runtime'],
  environment: ['runtime'],
  expect: ['runtime'],
  net: [],
  report: ['runtime', 'environment'],
  compose: ['runtime', 'exec', 'environment', 'report'],
  kube: ['runtime', 'exec', 'environment', 'report'],
  github: ['runtime', 'exec', 'environment', 'report'],
  // compose: the type of the pull policy only (the pre-pull follows `up`'s own policy).
  fingerprint: ['runtime', 'exec', 'report', 'compose'],
};

const files = readdirSync(actions, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => join(e.parentPath, e.name));

/** `shared/<room>` or the action's folder name. */
function roomOf(file: string): string {
  const [top, , room] = relative(actions, file).split('/');
  return top === 'shared' ? `shared/${room}` : top!;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!));
}

describe('the layout', () => {
  it('shared rooms import only the rooms below them', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => roomOf(f).startsWith('shared/'))) {
      const room = roomOf(file).slice('shared/'.length);
      expect(
        Object.keys(ALLOWED),
        `unknown room ${room}: add it to docs/architecture.md and ALLOWED`,
      ).toContain(room);
      for (const target of imports(file)) {
        const to = roomOf(target);
        if (!to.startsWith('shared/'))
          wrong.push(`${relative(root, file)} → ${relative(root, target)} (an action)`);
        else if (to !== `shared/${room}` && !ALLOWED[room]!.includes(to.slice('shared/'.length)))
          wrong.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('an action imports shared rooms and its own files, never another action', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => !roomOf(f).startsWith('shared/'))) {
      for (const target of imports(file)) {
        const to = roomOf(target);
        if (!to.startsWith('shared/') && to !== roomOf(file))
          wrong.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no file in actions/ is longer than 300 lines', () => {
    const long = files
      .map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
