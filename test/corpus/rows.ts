/**
 * The bad-input corpus: one row per hostile or wrong input, run against the bundled actions by
 * test/integration/bad-input-corpus.test.ts (Docker engine) and test/k8s/bad-input-corpus.test.ts (test
 * cluster). Each row asserts: the step failed (or succeeded) as it should, the error names the input (or
 * file:line) and the fix, nothing is left behind, and no injected command ran.
 *
 * Adding a row: append to the action's list in test/corpus/<action>.ts — `bad(input, value)` for a value
 * that must be refused naming that input, or a full `CorpusRow` for files, other inputs or a success. The
 * token `${MARK}` in any input, env value or file is replaced by a command that would create a marker file
 * if any shell ran it (test/corpus/runner.ts checks that none exists afterwards).
 */

/** The five actions. */
export type ActionName = 'provision-compose' | 'deploy-namespace' | 'wait-ready' | 'verify-seed' | 'teardown';

/** Where a row runs: `engine` (integration project: Docker, no cluster reachable) or `cluster` (k8s project). */
export type Needs = 'engine' | 'cluster';

/** One case. */
export interface CorpusRow {
  /** Unique id, `<action>/<what>`; also names the marker file of the row's injection. */
  id: string;
  action: ActionName;
  /** The step's `with:`. */
  with: Record<string, string>;
  /** Step env (e.g. a secret the compose file interpolates). */
  env?: Record<string, string>;
  /** Files written into the row's fresh workspace before the run, over the action's base files. */
  files?: Record<string, string>;
  /** Default 'fail'. */
  expect?: 'fail' | 'succeed';
  /**
   * What the error must name: default `Input "<the first key of with>"`. A string is matched as text, a
   * RegExp as is (e.g. /bad\.yaml:3/ for a file and line).
   */
  names?: string | RegExp;
  /** Default: `engine`, or `cluster` for deploy-namespace and teardown's namespace mode. */
  needs?: Needs;
  /**
   * An open defect this row still shows (what is wrong, and the issue). The row runs as `it.fails`: it
   * passes while the defect is there and fails, asking for this field to go, once it is fixed.
   */
  knownDefect?: string;
}

/** The marker token; see the module comment. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the token rows write, replaced by the runner
export const MARK = '${MARK}';

/** Shell forms of "create the marker" that a row's `${MARK}` can take (the runner picks by row index). */
export function injections(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `x; touch ${marker}`,
    `x && touch ${marker}`,
    `x | touch ${marker}`,
    `x\ntouch ${marker}`,
  ];
}

/**
 * A row refusing `value` for `input` of `action`, naming that input.
 * @param extra more inputs (e.g. a mode the input belongs to) and overrides
 */
export function bad(
  action: ActionName,
  input: string,
  value: string,
  extra: Omit<Partial<CorpusRow>, 'action'> = {},
): CorpusRow {
  const slug = value
    .replace(/\$\{MARK\}/g, 'inject')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 24);
  const { with: more, ...rest } = extra;
  return {
    id: `${action}/${input}=${slug || 'empty'}`,
    action,
    with: { [input]: value, ...(more ?? {}) },
    names: `Input "${input}`,
    ...rest,
  };
}

/** Where a row runs. */
export function needsOf(row: CorpusRow): Needs {
  if (row.needs) return row.needs;
  if (row.action === 'deploy-namespace') return 'cluster';
  if (row.action === 'teardown' && row.with.mode === 'namespace') return 'cluster';
  return 'engine';
}
