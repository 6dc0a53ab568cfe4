/**
 * A step's file commands, as the runner handles them (FileCommandManager): fresh `GITHUB_PATH`,
 * `GITHUB_ENV`, `GITHUB_OUTPUT`, `GITHUB_STATE` and `GITHUB_STEP_SUMMARY` files under
 * `$RUNNER_TEMP/_runner_file_commands` per step, processed after the process exits (also after a failure or
 * a cancellation); a malformed file fails the step. The summary is re-masked line by line and capped at
 * 1 MiB, as the runner uploads it.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addToPrependPath, maskSecrets, parseKeyValueFile, parsePathFile } from './commands.js';
import type { CommandFiles } from './env.js';
import type { Annotation } from './types.js';

/** Creates the empty command files of one step in `commandDir`. */
export function createCommandFiles(commandDir: string): CommandFiles {
  const suffix = randomUUID();
  const files: CommandFiles = {
    path: path.join(commandDir, `add_path_${suffix}`),
    env: path.join(commandDir, `set_env_${suffix}`),
    output: path.join(commandDir, `set_output_${suffix}`),
    state: path.join(commandDir, `save_state_${suffix}`),
    summary: path.join(commandDir, `step_summary_${suffix}`),
  };
  for (const f of Object.values(files)) fs.writeFileSync(f, '');
  return files;
}

/** What the job keeps across steps, and what one step's files go into. */
export interface FileCommandTargets {
  /** `GITHUB_PATH` entries, newest first. */
  prependPath: string[];
  /** `GITHUB_ENV` exports so far. */
  exported: Record<string, string>;
  outputs: Record<string, string>;
  state: Record<string, string>;
  /** Masks registered so far (for the summary). */
  masks: readonly string[];
  /** Step summaries so far. */
  summaries: string[];
}

/**
 * Processes the files after the step's process exited.
 * @param note records a runner annotation
 * @returns false when a file was malformed (the step then fails)
 */
export function processCommandFiles(
  files: CommandFiles,
  t: FileCommandTargets,
  note: (level: Annotation['level'], message: string) => void,
): boolean {
  let ok = true;
  const fileCommand = (name: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      note('error', `Unable to process file command '${name}' successfully.\n${(e as Error).message}`);
      ok = false;
    }
  };
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  fileCommand('path', () => addToPrependPath(t.prependPath, parsePathFile(read(files.path))));
  fileCommand('env', () => {
    for (const [k, v] of parseKeyValueFile(read(files.env))) {
      if (k.toUpperCase() === 'NODE_OPTIONS') {
        note('error', "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
        continue;
      }
      t.exported[k] = v;
    }
  });
  fileCommand('output', () => {
    for (const [k, v] of parseKeyValueFile(read(files.output))) t.outputs[k] = v;
  });
  fileCommand('state', () => {
    for (const [k, v] of parseKeyValueFile(read(files.state))) t.state[k] = v;
  });
  collectSummary(read(files.summary), t, note);
  return ok;
}

/** The runner re-writes the summary line by line through the secret masker before uploading it. */
function collectSummary(
  text: string,
  t: FileCommandTargets,
  note: (level: Annotation['level'], message: string) => void,
): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > 1024 * 1024) {
    note(
      'error',
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.floor(bytes / 1024)}k.`,
    );
    return;
  }
  if (text === '') return;
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  t.summaries.push(lines.map((l) => `${maskSecrets(l, t.masks)}\n`).join(''));
}
