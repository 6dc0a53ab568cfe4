import { runMain } from '../../shared/src/runtime/run.js';
import { waitReady } from './wait.js';

await runMain(() => waitReady());
