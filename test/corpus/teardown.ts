/** Bad inputs of teardown, and the one success a missing environment must be. */
import { BAD_NAMES, BAD_PR_NUMBERS, each } from './common.js';
import { type CorpusRow, MARK } from './rows.js';

const A = 'teardown';
const NS = { mode: 'namespace' };

export const TEARDOWN: CorpusRow[] = [
  ...each(A, 'name', BAD_NAMES),
  ...each(A, 'pr-number', BAD_PR_NUMBERS),
  ...each(A, 'mode', ['both', `compose${MARK}`]),
  ...each(A, 'down-timeout', ['x', '0s', `1m${MARK}`]),
  ...each(A, 'upload-report', ['sometimes']),
  // Compose mode: an environment that never existed is gone, and the engine said so.
  { id: `${A}/compose-never-created`, action: A, with: {}, expect: 'succeed' },
  // Namespace mode (the test cluster).
  ...each(A, 'namespace', ['Bad_NS!', `ns${MARK}`, 'kube-system'], { with: NS }),
  ...each(A, 'kubeconfig', ['not: [yaml', 'just-a-token'], { with: NS }),
  ...each(A, 'context', ['no-such-context'], { with: NS }),
  { id: `${A}/namespace-never-created`, action: A, with: NS, expect: 'succeed' },
];
