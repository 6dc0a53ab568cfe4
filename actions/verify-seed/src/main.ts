import { reportFailures } from '../../shared/src/report/run-with-report.js';
import { runMain } from '../../shared/src/runtime/run.js';
import { verifySeed } from './verify.js';

await runMain(() => reportFailures('verify-seed', () => verifySeed()));
