/**
 * The bad-input corpus (test/corpus/) on the test cluster: deploy-namespace and teardown's namespace mode,
 * from the bundled actions under the runner harness. Per row: failed or succeeded as it should, the error
 * names the input and the fix, the report path and status are set, no injected command ran, and no
 * namespace of this run exists afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus/index.js';
import { needsOf } from '../corpus/rows.js';
import { CorpusRun } from '../corpus/runner.js';
import { problems } from '../corpus/verdict.js';

const run = new CorpusRun(`k${process.pid}`);
/** Row id → its problems, written to .cache/bad-input-corpus-cluster.json for the record. */
const findings: Record<string, string[]> = {};
const rows = CORPUS.map((row, index) => ({ row, index })).filter(({ row }) => needsOf(row) === 'cluster');

afterAll(() => {
  mkdirSync('.cache', { recursive: true });
  writeFileSync('.cache/bad-input-corpus-cluster.json', `${JSON.stringify(findings, null, 2)}\n`);
  for (const ns of run.leftInCluster())
    execFileSync('kubectl', ['delete', ns, '--wait=false', '--ignore-not-found'], { stdio: 'ignore' });
  run.close();
});

describe('bad-input corpus on the test cluster', () => {
  it.each(rows.map(({ row, index }) => [row.id, row, index] as const))('%s', async (_id, row, index) => {
    const result = await run.run(row, index);
    try {
      const found = problems(result);
      findings[row.id] = found;
      expect(found, `${found.join('\n')}\n--- log ---\n${result.job.logText().slice(-3000)}`).toEqual([]);
    } finally {
      await result.job.cleanup();
    }
  });
});
