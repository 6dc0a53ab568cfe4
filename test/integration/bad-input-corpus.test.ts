/**
 * The bad-input corpus (test/corpus/) on the Docker engine: every row that needs no cluster, run from the
 * bundled action under the runner harness. Per row: failed or succeeded as it should, the error names the
 * input and the fix, the report path (and status) is set, no injected command ran, nothing of this run
 * is left.
 */
import { corpusSuite } from '../corpus/suite.js';
import { forceRemove } from './helpers.js';

corpusSuite('engine', `e${process.pid}`, (run) => {
  for (const line of run.leftOnEngine()) forceRemove(line.split(' ')[1]!);
});
