/** Bad inputs of teardown, and the one success a missing environment must be. */
import { BAD_BOOLEANS, BAD_NAMES, BAD_PR_NUMBERS, each, githubRows } from './common.js';
import { bad, type CorpusRow, MARK } from './rows.js';

const A = 'teardown';
const NS = { mode: 'namespace' };
const SWEEP = { with: { mode: 'sweep' } };

export const TEARDOWN: CorpusRow[] = [
  ...each(A, 'name', BAD_NAMES),
  ...each(A, 'pr-number', BAD_PR_NUMBERS),
  ...each(A, 'mode', ['both', `compose${MARK}`]),
  ...each(A, 'down-timeout', ['x', '0s', `1m${MARK}`]),
  ...each(A, 'remove-images', ['all', `none${MARK}`]),
  ...each(A, 'upload-report', ['sometimes']),
  // Compose mode: an environment that never existed is gone, and the engine said so.
  { id: `${A}/compose-never-created`, action: A, with: {}, expect: 'succeed' },
  // Namespace mode (the test cluster).
  ...each(A, 'namespace', ['Bad_NS!', `ns${MARK}`, 'kube-system'], { with: NS }),
  ...each(A, 'kubeconfig', ['not: [yaml', 'just-a-token'], { with: NS }),
  ...each(A, 'context', ['no-such-context'], { with: NS }),
  { id: `${A}/namespace-never-created`, action: A, with: NS, expect: 'succeed' },
  ...githubRows(A),
  bad(A, 'comment', 'sometimes', {
    id: `${A}/github-admin-token=hostile`,
    with: { 'github-admin-token': `ghp_${MARK}` },
    names: 'Input "comment"',
  }),
  ...each(A, 'dry-run', BAD_BOOLEANS, SWEEP),
  ...each(A, 'max-deletions', ['-1', 'lots'], SWEEP),
  ...each(A, 'max-percentage', ['0', '101'], SWEEP),
  ...each(A, 'delete-not-found', BAD_BOOLEANS, SWEEP),
  ...each(A, 'closed-grace', ['10x', '-5s'], SWEEP),
  ...each(A, 'sweep-targets', ['both'], SWEEP),
  ...each(A, 'sweep-concurrency', ['0', '33'], SWEEP),
];
