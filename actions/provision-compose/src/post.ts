import { runPost } from '../../shared/src/runtime/run.js';
import { cleanup } from './cleanup.js';

await runPost(() => cleanup());
