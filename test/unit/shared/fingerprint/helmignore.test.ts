/**
 * Helm's `.helmignore` rules (helmignore.ts): Go's filepath.Match, checked on the cases of Go's own table
 * (go/src/path/filepath/match_test.go), and rules.go's order, base-name, directory and `!` semantics.
 * The differential test against the real `helm package` is test/k8s/fingerprint-helmignore.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  BadPatternError,
  goMatch,
  parseHelmIgnore,
} from '../../../../actions/shared/src/fingerprint/helmignore.js';

describe('goMatch (Go path/filepath.Match)', () => {
  it.each([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a[!a]b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['*x', 'xxx', true],
    ['templates/.?*', 'templates/.x', true],
    ['templates/.?*', 'templates/.', false],
  ])('%s ~ %s → %s', (pattern, name, want) => {
    expect(goMatch(pattern, name)).toBe(want);
  });

  it.each([
    ['[]a]', ']'],
    ['[-]', '-'],
    ['[x-]', 'x'],
    ['[-x]', 'x'],
    ['\\', 'a'],
    ['[a-b-c]', 'a'],
    ['[', 'a'],
    ['[^', 'a'],
    ['[^bc', 'a'],
    ['a[', 'a'],
    ['a[', 'ab'],
    ['a[', 'x'],
    ['a/b[', 'x'],
  ])('%s is a bad pattern (also against %s)', (pattern, name) => {
    expect(() => goMatch(pattern, name)).toThrow(BadPatternError);
  });
});

describe('parseHelmIgnore (helm.sh/helm pkg/ignore/rules.go)', () => {
  it('a pattern without / matches the base name at any depth; with / the whole path; a leading / anchors', () => {
    const rules = parseHelmIgnore('*.txt\nfiles/a.md\n/top.yaml\n');
    expect(rules.ignores('notes.txt', false)).toBe(true);
    expect(rules.ignores('files/deep/notes.txt', false)).toBe(true);
    expect(rules.ignores('files/a.md', false)).toBe(true);
    expect(rules.ignores('x/files/a.md', false)).toBe(false);
    expect(rules.ignores('top.yaml', false)).toBe(true);
    expect(rules.ignores('sub/top.yaml', false)).toBe(false);
    expect(rules.ignores('values.yaml', false)).toBe(false);
  });

  it('a trailing / applies to directories only', () => {
    const rules = parseHelmIgnore('ci/\n');
    expect(rules.ignores('ci', true)).toBe(true);
    expect(rules.ignores('ci', false)).toBe(false);
  });

  it('a ! rule ignores every path that does not match it (Helm, not gitignore)', () => {
    const rules = parseHelmIgnore('!keep.txt\n');
    expect(rules.ignores('keep.txt', false)).toBe(false);
    expect(rules.ignores('other.txt', false)).toBe(true);
    expect(rules.ignores('Chart.yaml', false)).toBe(true);
    // the first matching rule wins: `*.txt` ignores keep.txt before `!keep.txt` is tried
    expect(parseHelmIgnore('*.txt\n!keep.txt\n').ignores('keep.txt', false)).toBe(true);
    const dirs = parseHelmIgnore('!files/\n');
    expect(dirs.ignores('files', true)).toBe(false);
    expect(dirs.ignores('Chart.yaml', false)).toBe(true);
  });

  it('blank lines, comments, surrounding spaces and CRLF are skipped; the default rule comes last', () => {
    const rules = parseHelmIgnore('# comment\r\n\r\n  *.bak  \r\n');
    expect(rules.ignores('a.bak', false)).toBe(true);
    expect(rules.ignores('templates/.hidden', false)).toBe(true);
    expect(rules.ignores('templates/sub/.hidden', false)).toBe(false);
    expect(rules.ignores('.hidden', false)).toBe(false);
  });

  it('** and malformed patterns are refused naming the line, as Helm refuses them', () => {
    expect(() => parseHelmIgnore('ok\nfiles/**\n')).toThrow(/line 2: double-star/);
    expect(() => parseHelmIgnore('[a-\n')).toThrow(/line 1: "\[a-" is not a valid pattern/);
  });
});
