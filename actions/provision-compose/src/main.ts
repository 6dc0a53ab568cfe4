import { runMain } from '../../shared/src/runtime/run.js';
import { provision } from './provision.js';

await runMain(() => provision());
