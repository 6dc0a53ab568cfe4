/** The whole bad-input corpus: every action's rows (see rows.ts for the row format and how to add one). */
import { DEPLOY_NAMESPACE } from './deploy-namespace.js';
import { PROVISION_COMPOSE } from './provision-compose.js';
import type { CorpusRow } from './rows.js';
import { TEARDOWN } from './teardown.js';
import { VERIFY_SEED } from './verify-seed.js';
import { WAIT_READY } from './wait-ready.js';

export const CORPUS: readonly CorpusRow[] = [
  ...PROVISION_COMPOSE,
  ...DEPLOY_NAMESPACE,
  ...WAIT_READY,
  ...VERIFY_SEED,
  ...TEARDOWN,
];
