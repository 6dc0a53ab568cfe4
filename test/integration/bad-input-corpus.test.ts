/**
 * The bad-input corpus (test/corpus/) on the Docker engine: every row that needs no cluster, run from the
 * bundled action under the runner harness. Per row: failed or succeeded as it should, the error names the
 * input and the fix, the report path is set, no injected command ran, nothing of this run is left.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus/index.js';
import { needsOf } from '../corpus/rows.js';
import { CorpusRun } from '../corpus/runner.js';
import { problems } from '../corpus/verdict.js';
import { forceRemove } from './helpers.js';

const run = new CorpusRun(`e${process.pid}`);
/** Row id → its problems, written to .cache/bad-input-corpus-engine.json for the record. */
const findings: Record<string, string[]> = {};
const rows = CORPUS.map((row, index) => ({ row, index })).filter(({ row }) => needsOf(row) === 'engine');

afterAll(() => {
  mkdirSync('.cache', { recursive: true });
  writeFileSync('.cache/bad-input-corpus-engine.json', `${JSON.stringify(findings, null, 2)}\n`);
  for (const line of run.leftOnEngine()) forceRemove(line.split(' ')[1]!);
  run.close();
});

describe('bad-input corpus on the engine', () => {
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
