/**
 * A spec's YAML text as data plus source positions. Parsed with the `yaml` package's `parseDocument`
 * (https://eemeli.org/yaml/#parsing-documents), whose nodes carry `range` offsets that a `LineCounter`
 * turns into 1-based line and column (https://eemeli.org/yaml/#linecounter). YAML 1.2 core schema, so
 * `on`/`off`/`yes` stay strings (Redis flag values) and duplicate keys are errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { UserInputError } from '../../../shared/src/runtime/errors.js';
import type { SourceLocation } from './types.js';

/** One problem found in a spec, located. */
export interface SpecIssue {
  at: SourceLocation;
  /** Dotted path to the node, e.g. `checks[1].expect.row-count` (`(document)` for the root). */
  path: string;
  /** What is wrong and what was expected, e.g. `expected a number, got a string ("three")`. */
  message: string;
}

/** `file:line:col: path: message`. */
export function formatIssue(issue: SpecIssue): string {
  return `${issue.at.label}:${issue.at.line}:${issue.at.column}: ${issue.path}: ${issue.message}`;
}

/**
 * An invalid spec: every issue found, each with file, line and column. A `UserInputError`, so the action
 * fails with the message alone.
 */
export class SpecError extends UserInputError {
  constructor(
    input: string,
    readonly issues: readonly SpecIssue[],
  ) {
    const problem = `${issues[0]?.at.label ?? 'the spec'} is not a valid checks spec (${issues.length} error${issues.length === 1 ? '' : 's'})`;
    const fix = 'correct the spec at the lines shown; action-docs/verify-seed.md documents every key';
    super(input, problem, fix);
    // One issue per line, each with file:line:column, then the fix.
    this.message = `Input "${input}": ${problem}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\nFix: ${fix}.`;
  }
}

/** A path inside the document: keys and sequence indexes. */
export type DocPath = ReadonlyArray<string | number>;

/** `['checks', 1, 'expect']` → `checks[1].expect`. */
export function pathText(path: DocPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out || '(document)';
}

/** The parsed document: its plain value, and where each node starts. */
export class SpecDocument {
  private constructor(
    /** The data (`toJS`), or undefined when the text had syntax errors. */
    readonly value: unknown,
    readonly syntaxIssues: SpecIssue[],
    private readonly root: Node | null,
    private readonly lines: LineCounter,
    readonly file: string | null,
    readonly label: string,
  ) {}

  /**
   * Parses `text`.
   * @param file the repository-relative path of the spec file, or null for an inline spec
   * @param label how messages name it (the file, or `input "checks"`)
   */
  static parse(text: string, file: string | null, label: string): SpecDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const issues: SpecIssue[] = doc.errors.map((error) => {
      const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      return {
        at: { file, label, line: pos.line, column: pos.col },
        path: '(yaml)',
        message: `not valid YAML: ${error.message.split('\n')[0]}`,
      };
    });
    const value = issues.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
    return new SpecDocument(value, issues, (doc.contents as Node | null) ?? null, lines, file, label);
  }

  /**
   * Where the node at `path` starts; with `key`, where that key of the mapping at `path` starts. Falls
   * back to the nearest existing ancestor (a missing key is reported at its parent).
   */
  locate(path: DocPath, key?: string): SourceLocation {
    let node: unknown = this.root;
    let offset = this.root?.range?.[0] ?? 0;
    const steps = key === undefined ? path : [...path, key];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const lastIsKey = key !== undefined && i === steps.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
        );
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (lastIsKey) {
          offset = keyNode.range?.[0] ?? offset;
          break;
        }
        const valueNode = pair.value as Node | null;
        offset = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? offset;
        node = valueNode;
      } else if (isSeq(node)) {
        const item = node.items[Number(step)] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    const pos = this.lines.linePos(offset);
    return { file: this.file, label: this.label, line: pos.line, column: pos.col };
  }

  /** An issue at `path` (or at its `key`). */
  issue(path: DocPath, message: string, key?: string): SpecIssue {
    return {
      at: this.locate(path, key),
      path: pathText(key === undefined ? path : [...path, key]),
      message,
    };
  }
}
