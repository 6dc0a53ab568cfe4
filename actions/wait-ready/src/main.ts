import { reportFailures } from '../../shared/src/report/run-with-report.js';
import { runMain } from '../../shared/src/runtime/run.js';
import { waitReady } from './wait.js';

await runMain(() => reportFailures('wait-ready', () => waitReady()));
