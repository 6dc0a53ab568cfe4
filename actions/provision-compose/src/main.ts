import { runMain } from '../../shared/src/action.js';
import { provision } from './provision.js';

await runMain(() => provision());
