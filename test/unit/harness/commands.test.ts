/** File commands and workflow commands parsed like the runner; secrets masked. */
import { describe, expect, it } from 'vitest';
import {
  LineSplitter,
  maskSecrets,
  parseKeyValueFile,
  parseWorkflowCommand,
} from '../../harness/commands.js';

describe('harness building blocks', () => {
  it('parses file commands in both formats and rejects malformed ones', () => {
    const text = 'a=1\n\nmulti<<EOF\nline 1\nline 2\nEOF\nempty<<X\nX\nb=x=y\n';
    expect(parseKeyValueFile(text)).toEqual([
      ['a', '1'],
      ['multi', 'line 1\nline 2'],
      ['empty', ''],
      ['b', 'x=y'],
    ]);
    expect(() => parseKeyValueFile('k<<EOF\nvalue\n')).toThrow(/Matching delimiter not found/);
    expect(() => parseKeyValueFile('no-separator\n')).toThrow(/Invalid format/);
    expect(() => parseKeyValueFile('=v\n')).toThrow(/Name must not be empty/);
  });

  it('parses workflow commands, splits lines like the runner and masks secrets', () => {
    expect(parseWorkflowCommand('  ::Warning file=a.ts,line=3::msg%0Anext')).toEqual({
      command: 'warning',
      properties: { file: 'a.ts', line: '3' },
      data: 'msg\nnext',
    });
    expect(parseWorkflowCommand('::not-a-command::x')).toBeNull();
    expect(parseWorkflowCommand('text ::error::x')).toBeNull();
    const splitter = new LineSplitter();
    expect(splitter.push('one\r')).toEqual([]);
    expect(splitter.push('\ntwo\rthree\npart')).toEqual(['one', 'two', 'three']);
    expect(splitter.flush()).toEqual(['part']);
    expect(maskSecrets('abc abcd', ['abc', 'abcd'])).toBe('*** ***');
  });
});
