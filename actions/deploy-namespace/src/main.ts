import { reportFailures } from '../../shared/src/report/run-with-report.js';
import { runMain } from '../../shared/src/runtime/run.js';
import { deploy } from './deploy.js';

await runMain(() => reportFailures('deploy-namespace', () => deploy()));
