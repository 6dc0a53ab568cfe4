import { runMain } from '../../shared/src/runtime/run.js';
import { deploy } from './deploy.js';

await runMain(() => deploy());
