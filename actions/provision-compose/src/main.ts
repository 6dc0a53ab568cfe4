import { reportFailures } from '../../shared/src/report/run-with-report.js';
import { runMain } from '../../shared/src/runtime/run.js';
import { provision } from './provision.js';

await runMain(() => reportFailures('provision-compose', () => provision()));
