/** Compose files read before anything starts (issue 9, defect 7): file:line for bad YAML, empty, not a mapping, no services. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkComposeFiles } from '../../../actions/provision-compose/src/compose-files.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'compose-files-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
function error(...files: string[]): UserInputError {
  try {
    checkComposeFiles(files, dir);
  } catch (e) {
    return e as UserInputError;
  }
  throw new Error('no error');
}

describe('compose files', () => {
  it('invalid YAML names the file and its line', () => {
    const e = error(file('bad.yaml', 'services:\n  web:\n    image: busybox\n    command: sleep: 300\n'));
    expect(e).toBeInstanceOf(UserInputError);
    expect(e.input).toBe('compose-files (bad.yaml:4)');
    expect(e.message).toMatch(/Fix: fix line 4 of bad\.yaml/);
  });

  it.each([
    ['empty.yaml', '', 'is empty'],
    ['list.yaml', '- web\n', 'is a list'],
    ['none.yaml', 'volumes:\n  data: {}\n', 'defines no services'],
  ])('%s is refused naming it', (name, text, problem) => {
    const e = error(file(name, text));
    expect(e.input).toBe(`compose-files (${name})`);
    expect(e.problem).toContain(problem);
  });

  it('a file without services is fine beside one that has them (an override)', () => {
    expect(() =>
      checkComposeFiles(
        [file('base.yaml', 'services:\n  web:\n    image: x\n'), file('over.yaml', 'volumes:\n  d: {}\n')],
        dir,
      ),
    ).not.toThrow();
    expect(() => checkComposeFiles([file('inc.yaml', 'include:\n  - other.yaml\n')], dir)).not.toThrow();
  });
});
