import { reportFailures } from '../../shared/src/report/run-with-report.js';
import { runMain } from '../../shared/src/runtime/run.js';
import { teardown } from './teardown.js';

await runMain(() => reportFailures('teardown', () => teardown()));
