/**
 * Bad values by input type, shared by the action lists: each becomes one row refusing it for one input.
 * A value is the raw text of `with:`; `${MARK}` is an injection (see rows.ts).
 */
import { type ActionName, bad, type CorpusRow, MARK } from './rows.js';

/** Not a duration, below any minimum, or hostile. */
export const BAD_DURATIONS = ['10x', '-5s', `5s${MARK}`];
/** Not a boolean. */
export const BAD_BOOLEANS = ['yes please', `true${MARK}`];
/** Not a whole number, negative, too large. */
export const BAD_INTEGERS = ['-1', 'lots', '1.5', '99999999999999999999'];
/** Not a pull request number. */
export const BAD_PR_NUMBERS = ['-1', 'abc', '1.5', `7${MARK}`];
/** Not an environment name (Compose project name and DNS-1123 label, at most 63 characters). */
export const BAD_NAMES = ['UPPER_case', 'a'.repeat(64), '-leading-dash', `name${MARK}`];

/** One row per value, all for `input` of `action`. */
export function each(
  action: ActionName,
  input: string,
  values: readonly string[],
  extra: Omit<Partial<CorpusRow>, 'action'> = {},
): CorpusRow[] {
  return values.map((value) => bad(action, input, value, extra));
}

/**
 * The GitHub inputs provision-compose, deploy-namespace and teardown share. `base` makes the row fail only on
 * its GitHub input (e.g. a chart for deploy-namespace). The token is not checked before use: a hostile one
 * rides along a row that fails on `comment`, so it must neither run nor show in the error.
 */
export function githubRows(action: ActionName, base: Record<string, string> = {}): CorpusRow[] {
  const extra = { with: base };
  return [
    ...each(action, 'comment', ['sometimes', `auto${MARK}`], extra),
    ...each(action, 'github-deployment', ['maybe'], extra),
    ...each(action, 'comment-author', ['not a login!', `bot${MARK}`], extra),
    ...each(action, 'deployment-environment', ['e'.repeat(256)], extra),
    bad(action, 'comment', 'sometimes', {
      id: `${action}/github-token=hostile`,
      with: { ...base, 'github-token': `ghs_${MARK}` },
      names: 'Input "comment"',
    }),
  ];
}

/** The comment inputs wait-ready and verify-seed share with the deploy actions (a token rides along a bad `comment`). */
export function commentRows(action: ActionName, base: Record<string, string> = {}): CorpusRow[] {
  const extra = { with: base };
  return [
    ...each(action, 'comment', ['sometimes'], extra),
    ...each(action, 'comment-author', ['not a login!'], extra),
    bad(action, 'comment', 'sometimes', {
      id: `${action}/github-token=hostile`,
      with: { ...base, 'github-token': `ghs_${MARK}` },
      names: 'Input "comment"',
    }),
  ];
}
