/**
 * Where an action writes its files, and what is there: `<RUNNER_TEMP>/ephemeral/<environment>/<action>/`
 * holding `report.json` and `diagnostics/`. RUNNER_TEMP is emptied by the runner after each job
 * (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { redactValue } from '../runtime/secrets.js';
import type { FileEntry, Report } from './model.js';

/**
 * The per-action output directory (created).
 * @param runnerTemp RUNNER_TEMP (`RunContext.runnerTemp`)
 */
export function actionDir(runnerTemp: string, action: string, environment: string): string {
  const dir = join(runnerTemp, 'ephemeral', environment || 'unnamed', action);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes the report as pretty JSON (redacted) to `<dir>/report.json` and returns the path. */
export function writeReport(dir: string, report: Report): string {
  const path = join(dir, 'report.json');
  writeFileSync(path, `${JSON.stringify(redactValue(report), null, 2)}\n`);
  return path;
}

/** Every file under `dir` with its size in bytes, paths relative to `dir`, sorted; [] when `dir` is missing. */
export function listFiles(dir: string): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (current: string) => {
    for (const name of readdirSafe(current)) {
      const full = join(current, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else out.push({ path: relative(dir, full), bytes: stat.size });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
