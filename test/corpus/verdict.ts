/**
 * What a corpus row must show, as a list of problems (empty when the row holds): the step failed or
 * succeeded as it should; a failure's error names the input (or file:line) and the fix; the report path
 * (and, where the action has it, `status`) is set; no injected command ran; nothing is left behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../harness/env.js';
import type { CaseRun } from './runner.js';

/** The outputs an action declares (from its action.yml). */
export function declaredOutputs(action: string): string[] {
  const doc = parseYaml(readFileSync(join(repoRoot, action, 'action.yml'), 'utf8')) as {
    outputs?: Record<string, unknown>;
  };
  return Object.keys(doc.outputs ?? {});
}

/** The problems of one row's run; empty when it behaved as it should. */
export function problems(run: CaseRun): string[] {
  const { row, main, errors } = run;
  const out: string[] = [];
  const wanted = row.expect ?? 'fail';
  const got = main.outcome === 'success' ? 'succeed' : 'fail';
  if (got !== wanted) out.push(`expected the step to ${wanted}, it did ${got} (${main.outcome})`);
  const error = errors.join('\n');
  if (wanted === 'fail' && got === 'fail') {
    const names = row.names ?? `Input "${Object.keys(row.with)[0] ?? ''}`;
    const named = typeof names === 'string' ? error.includes(names) : names.test(error);
    if (!named) out.push(`the error does not name ${String(names)}: ${error.slice(0, 400) || '(no error)'}`);
    if (!/Fix:|\bfix\b/i.test(error)) out.push(`the error gives no fix: ${error.slice(0, 400)}`);
  }
  const outputs = declaredOutputs(row.action);
  if (outputs.includes('report-path')) {
    const path = main.outputs['report-path'] ?? '';
    if (!path || !existsSync(path))
      out.push(`output report-path is not set to a report (${JSON.stringify(path)})`);
  }
  if (outputs.includes('status') && !main.outputs.status) out.push('output status is not set');
  if (run.injected.length > 0) out.push(`an injected command ran: ${run.injected.join(', ')}`);
  if (run.left.length > 0) out.push(`left behind: ${run.left.join(', ')}`);
  return out;
}
