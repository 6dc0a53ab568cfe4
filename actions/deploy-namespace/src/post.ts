import { runPost } from '../../shared/src/action.js';
import { cleanup } from './cleanup.js';

await runPost(() => cleanup());
