import { runMain } from '../../shared/src/action.js';
import { waitReady } from './wait.js';

await runMain(() => waitReady());
