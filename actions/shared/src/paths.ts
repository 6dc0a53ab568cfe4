/**
 * Where an action writes its files: `$RUNNER_TEMP/ephemeral/<environment>/<action>/` holding `report.json`
 * and `diagnostics/`. RUNNER_TEMP is emptied by the runner after each job
 * (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The per-action output directory (created). */
export function actionDir(action: string, environment: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.RUNNER_TEMP && env.RUNNER_TEMP !== '' ? env.RUNNER_TEMP : tmpdir();
  const dir = join(root, 'ephemeral', environment || 'unnamed', action);
  mkdirSync(dir, { recursive: true });
  return dir;
}
