/**
 * YAML given as an action input (wait-ready's `probes` and `expect-json`), parsed with the `yaml` package
 * (https://eemeli.org/yaml/#parsing-documents) so that every error names the input, the line and the
 * column: `probes:3:11`. YAML 1.2 core schema: `on`/`off`/`yes` stay strings, timestamps stay strings,
 * duplicate keys are errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { UserInputError } from './errors.js';

/** A parsed YAML input: its plain value and a way to say where a node of it starts. */
export interface YamlInput {
  /** The data (`null` for empty text). */
  readonly value: unknown;
  /**
   * `<input>:<line>:<column>` (1-based) of the node at `path` (mapping keys and sequence indexes), or of
   * its nearest existing ancestor when the path goes further than the document.
   */
  where(path: ReadonlyArray<string | number>): string;
}

/**
 * Parses `text`, the value of `input`.
 * @param fix what the user should write instead, for the syntax-error message
 * @throws UserInputError naming `input:line:column` when the text is not valid YAML (JSON is YAML)
 */
export function parseYamlInput(input: string, text: string, fix: string): YamlInput {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    throw new UserInputError(
      `${input}:${pos.line}:${pos.col}`,
      `is not valid JSON or YAML (${error.message.split('\n')[0]})`,
      fix,
    );
  }
  const root = (doc.contents as Node | null) ?? null;
  return {
    value: doc.toJS({ maxAliasCount: 100 }) ?? null,
    where(path) {
      let node: unknown = root;
      let offset = root?.range?.[0] ?? 0;
      for (const step of path) {
        let next: Node | undefined;
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
          );
          next = (pair?.value ?? pair?.key) as Node | undefined;
        } else if (isSeq(node)) next = node.items[Number(step)] as Node | undefined;
        if (!next?.range) break;
        offset = next.range[0];
        node = next;
      }
      const pos = lines.linePos(offset);
      return `${input}:${pos.line}:${pos.col}`;
    },
  };
}
