import { runMain } from '../../shared/src/action.js';
import { verifySeed } from './verify.js';

await runMain(() => verifySeed());
