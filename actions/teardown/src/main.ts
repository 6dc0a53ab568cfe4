import { runMain } from '../../shared/src/action.js';
import { teardown } from './teardown.js';

await runMain(() => teardown());
