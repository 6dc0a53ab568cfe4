import { runMain } from '../../shared/src/action.js';
import { deploy } from './deploy.js';

await runMain(() => deploy());
