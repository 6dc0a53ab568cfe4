#!/usr/bin/env node
// Merges the JSON reports of several vitest runs into one, as if one run had produced it: scripts/test.sh
// runs the projects that need no cluster while the cluster is set up, then k8s and act, and its timing
// summary and closing "tests: N passed, N failed" line read the one merged report.
//
//   node scripts/lib/vitest-merge.mjs <out.json> <part.json>...
//
// Each part is vitest's JSON reporter output (numTotalTests, numPassedTests, ..., success, startTime,
// testResults[], snapshot). Counts (every `num*` field, and the snapshot's numbers) are summed,
// `success` is true only when every part exists and succeeded, `startTime` (ms since the epoch) is the
// earliest, testResults are concatenated in part order. A part that is missing or unreadable (its run
// crashed before writing it) is named on stderr and makes `success` false; the merge still writes what
// the other parts hold. Exit status: 0 when <out.json> was written, 2 on a usage error.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Merges vitest JSON reports.
 * @param {Array<object | undefined>} parts parsed reports; `undefined` for a part that is missing
 * @returns {object} one report of the same shape (counts summed, success only if every part succeeded)
 */
export function mergeReports(parts) {
  const present = parts.filter((p) => p !== undefined);
  const out = { success: present.length === parts.length && present.every((p) => p.success === true) };
  for (const p of present)
    for (const [k, v] of Object.entries(p))
      if (k.startsWith('num') && typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  const starts = present.map((p) => p.startTime).filter((t) => typeof t === 'number');
  if (starts.length > 0) out.startTime = Math.min(...starts);
  out.snapshot = mergeSnapshots(present.map((p) => p.snapshot).filter(Boolean));
  out.testResults = present.flatMap((p) => p.testResults ?? []);
  return out;
}

function mergeSnapshots(snaps) {
  const out = {};
  for (const s of snaps)
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
      else if (typeof v === 'boolean') out[k] = (out[k] ?? false) || v;
      else if (Array.isArray(v)) out[k] = [...(out[k] ?? []), ...v];
    }
  return out;
}

function read(path) {
  if (!existsSync(path)) {
    console.error(`[vitest-merge] ${path} is missing: that part of the run wrote no report`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    console.error(`[vitest-merge] ${path} is not a vitest JSON report (${error.message})`);
    return undefined;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, ...inputs] = process.argv.slice(2);
  if (!out || inputs.length === 0) {
    console.error('usage: node scripts/lib/vitest-merge.mjs <out.json> <part.json>...');
    process.exit(2);
  }
  writeFileSync(out, `${JSON.stringify(mergeReports(inputs.map(read)))}\n`);
}
