import { runMain } from '../../shared/src/runtime/run.js';
import { verifySeed } from './verify.js';

await runMain(() => verifySeed());
