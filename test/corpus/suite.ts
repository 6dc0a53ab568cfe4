/**
 * The corpus as a vitest suite: one test per row that runs where `where` says (engine or cluster), each
 * asserting the row's problems are none (verdict.ts). Row id → problems is written to
 * `.cache/bad-input-corpus-<where>.json` for the record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from './index.js';
import { type CorpusRow, type Needs, needsOf } from './rows.js';
import { CorpusRun } from './runner.js';
import { problems } from './verdict.js';

/**
 * Declares the suite.
 * @param tag unique per test run (names the run's repository)
 * @param cleanup removes what a failed row left (after all rows ran)
 */
export function corpusSuite(where: Needs, tag: string, cleanup: (run: CorpusRun) => void): void {
  const run = new CorpusRun(tag);
  const findings: Record<string, string[]> = {};
  const rows = CORPUS.map((row, index) => ({ row, index })).filter(({ row }) => needsOf(row) === where);

  afterAll(() => {
    mkdirSync('.cache', { recursive: true });
    writeFileSync(`.cache/bad-input-corpus-${where}.json`, `${JSON.stringify(findings, null, 2)}\n`);
    cleanup(run);
    run.close();
  });

  const check = async (row: CorpusRow, index: number) => {
    const result = await run.run(row, index);
    try {
      const found = problems(result);
      findings[row.id] = found;
      expect(found, `${found.join('\n')}\n--- log ---\n${result.job.logText().slice(-3000)}`).toEqual([]);
    } finally {
      await result.job.cleanup();
    }
  };

  describe(`bad-input corpus (${where})`, () => {
    const holding = rows.filter(({ row }) => !row.knownDefect);
    it.each(holding.map(({ row, index }) => [row.id, row, index] as const))('%s', (_id, row, index) =>
      check(row, index),
    );
    // Open defects, named: each must still fail its check; once fixed, the row fails here until its
    // knownDefect field is removed.
    for (const { row, index } of rows.filter(({ row }) => row.knownDefect))
      it.fails(`${row.id} (known defect: ${row.knownDefect})`, () => check(row, index));
  });
}
