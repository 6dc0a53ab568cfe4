/**
 * Helm's `.helmignore` rules, so that a chart folder hashes like the package `helm package` makes of it.
 * Helm's rule syntax is its own, not gitignore's (helm.sh/helm/v3/pkg/ignore/rules.go, the same in Helm 4),
 * and no npm library implements it; this is a port of its semantics:
 * - one pattern per line, trimmed; blank lines and `#` lines skipped; `**` is an error;
 * - a pattern is Go's `path/filepath.Match` (`*` and `?` never match `/`, `[…]` / `[^…]` classes, `\`
 *   escapes), matched against the path relative to the chart when it holds a `/` (a leading `/` is
 *   dropped), else against the base name only;
 * - a trailing `/` makes the rule apply to directories only; an ignored directory is not walked;
 * - rules are tried in order and the first match ignores; a `!` rule is Helm's, not gitignore's: a path
 *   that does **not** match it is ignored at once (so `!keep.txt` ignores every other file, Chart.yaml
 *   included), a path that matches goes on to the next rule;
 * - Helm appends its default rule `templates/.?*` after the file's rules.
 * Checked against `helm package` (Helm v3.22.0 and v4.3.1) by a differential property test
 * (test/k8s/helmignore.test.ts).
 */

/** The `.helmignore` file name (rules.go `HelmIgnore`). */
export const HELMIGNORE = '.helmignore';

/** A pattern Helm (Go's filepath.Match) rejects. */
export class BadPatternError extends Error {
  override readonly name = 'BadPatternError';
}

/** One rule. */
interface Rule {
  negate: boolean;
  mustDir: boolean;
  /** The pattern without `!`, trailing `/` and leading `/`. */
  pattern: string;
  /** Matched against the base name only (no `/` in the rule). */
  baseName: boolean;
}

/** A parsed `.helmignore`: `ignores(path, isDir)`. */
export interface HelmIgnoreRules {
  /** True when Helm leaves `path` (relative, `/`-separated) out of the chart. */
  ignores(path: string, isDir: boolean): boolean;
}

/** A backslash escape inside a class: the escaped code point, or an error at the end of the chunk. */
function classChar(chunk: number[], i: number): [number, number] {
  const BACKSLASH = 0x5c;
  if (i >= chunk.length || chunk[i] === 0x2d || chunk[i] === 0x5d)
    throw new BadPatternError('syntax error in pattern');
  let at = i;
  if (chunk[at] === BACKSLASH) {
    at++;
    if (at >= chunk.length) throw new BadPatternError('syntax error in pattern');
  }
  if (at + 1 >= chunk.length) throw new BadPatternError('syntax error in pattern');
  return [chunk[at]!, at + 1];
}

/**
 * Matches `chunk` (no `*`) at the start of `s`; returns the rest of `s`, or null. The whole chunk is
 * checked for syntax even after a mismatch, as Go does.
 * @throws BadPatternError
 */
function matchChunk(chunk: number[], s: number[]): number[] | null {
  let failed = false;
  let si = 0;
  let i = 0;
  while (i < chunk.length) {
    if (!failed && si >= s.length) failed = true;
    const c = chunk[i]!;
    if (c === 0x5b /* [ */) {
      const r = failed ? -1 : s[si++]!;
      i++;
      const negated = chunk[i] === 0x5e; /* ^ */
      if (negated) i++;
      let match = false;
      let ranges = 0;
      for (;;) {
        if (i < chunk.length && chunk[i] === 0x5d && ranges > 0) {
          i++;
          break;
        }
        const [lo, afterLo] = classChar(chunk, i);
        let hi = lo;
        i = afterLo;
        if (chunk[i] === 0x2d /* - */) [hi, i] = classChar(chunk, i + 1);
        if (lo <= r && r <= hi) match = true;
        ranges++;
      }
      if (match === negated) failed = true;
    } else if (c === 0x3f /* ? */) {
      if (!failed && s[si++] === 0x2f) failed = true;
      i++;
    } else {
      let literal = c;
      if (c === 0x5c /* \ */) {
        i++;
        if (i >= chunk.length) throw new BadPatternError('syntax error in pattern');
        literal = chunk[i]!;
      }
      if (!failed && s[si++] !== literal) failed = true;
      i++;
    }
  }
  return failed ? null : s.slice(si);
}

/** Splits off the leading stars and the chunk up to the next `*` outside a class. */
function scanChunk(p: number[]): { star: boolean; chunk: number[]; rest: number[] } {
  let start = 0;
  while (start < p.length && p[start] === 0x2a) start++;
  let inRange = false;
  let i = start;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === 0x5c) {
      if (i + 1 < p.length) i++;
    } else if (c === 0x5b) inRange = true;
    else if (c === 0x5d) inRange = false;
    else if (c === 0x2a && !inRange) break;
  }
  return { star: start > 0, chunk: p.slice(start, i), rest: p.slice(i) };
}

/**
 * Go's `path/filepath.Match(pattern, name)` on a Unix system (https://pkg.go.dev/path/filepath#Match).
 * @throws BadPatternError for a malformed pattern
 */
export function goMatch(pattern: string, name: string): boolean {
  let p = [...pattern].map((c) => c.codePointAt(0)!);
  let s = [...name].map((c) => c.codePointAt(0)!);
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !s.includes(0x2f);
    const t = matchChunk(chunk, s);
    if (t !== null && (t.length === 0 || p.length > 0)) {
      s = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < s.length && s[i] !== 0x2f; i++) {
        const t2 = matchChunk(chunk, s.slice(i + 1));
        if (t2 === null || (p.length === 0 && t2.length > 0)) continue;
        s = t2;
        continue outer;
      }
    }
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return s.length === 0;
}

/**
 * Parses `.helmignore` text (plus Helm's default rule `templates/.?*`, appended).
 * @throws BadPatternError naming the line (`line 3: …`) for `**` or a malformed pattern, as Helm does
 */
export function parseHelmIgnore(text: string): HelmIgnoreRules {
  const rules: Rule[] = [];
  const add = (line: string, n: number) => {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) throw new BadPatternError(`line ${n}: double-star (**) syntax is not supported`);
    try {
      goMatch(rule, 'abc');
    } catch {
      throw new BadPatternError(`line ${n}: "${rule}" is not a valid pattern`);
    }
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith('/');
    if (mustDir) rule = rule.slice(0, -1);
    const anchored = rule.startsWith('/');
    const pattern = anchored ? rule.slice(1) : rule;
    rules.push({ negate, mustDir, pattern, baseName: !anchored && !rule.includes('/') });
  };
  // Go's bufio.Scanner: lines end at \n (a \r before it is dropped; trimming drops it too).
  for (const [i, line] of text.split('\n').entries()) add(line, i + 1);
  add('templates/.?*', 0);
  const matches = (r: Rule, path: string) => {
    try {
      return goMatch(r.pattern, r.baseName ? path.slice(path.lastIndexOf('/') + 1) : path);
    } catch {
      return false; // Helm logs the error and treats it as no match
    }
  };
  return {
    ignores(path: string, isDir: boolean): boolean {
      if (path === '' || path === '.' || path === './') return false;
      for (const r of rules) {
        if (r.negate) {
          if (r.mustDir && !isDir) return true;
          if (!matches(r, path)) return true;
          continue;
        }
        if (r.mustDir && !isDir) continue;
        if (matches(r, path)) return true;
      }
      return false;
    },
  };
}
