/**
 * The bad-input corpus (test/corpus/) on the test cluster: deploy-namespace and teardown's namespace mode,
 * from the bundled actions under the runner harness. Per row: failed or succeeded as it should, the error
 * names the input and the fix, the report path and status are set, no injected command ran, and no
 * namespace of this run exists afterwards.
 */
import { execFileSync } from 'node:child_process';
import { corpusSuite } from '../corpus/suite.js';

corpusSuite('cluster', `k${process.pid}`, (run) => {
  for (const ns of run.leftInCluster())
    execFileSync('kubectl', ['delete', ns, '--wait=false', '--ignore-not-found'], { stdio: 'ignore' });
});
