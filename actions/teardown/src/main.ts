import { runMain } from '../../shared/src/runtime/run.js';
import { teardown } from './teardown.js';

await runMain(() => teardown());
