/**
 * Canary secrets: unique secret values put in every input that can carry a secret, then searched for in
 * every file the actions wrote — raw, base64 (each of the three byte alignments, standard and URL-safe
 * alphabets, so a canary inside a larger encoded blob is found too) and URL-encoded — and in the job log
 * as GitHub shows it (masked). A canary with separators (`,` `=` `:` `@` `/`) is also searched for by its
 * alphanumeric fragments, so a value split at a comma still shows.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobResult } from '../harness/job.js';

/** One canary: where it went, and its value. */
export interface Canary {
  /** What carried it, e.g. `a set value with an escaped comma`. */
  carrier: string;
  /** The action inputs it went through, as `<action> <input>` (test/corpus/secret-inputs.ts). */
  inputs: string[];
  value: string;
}

/** A found canary: which, in what form, where. */
export interface Finding {
  carrier: string;
  form: string;
  where: string;
}

/**
 * A new canary for `carrier` through `inputs`: `Cny` + 20 random alphanumerics, then `tail` (e.g.
 * `,after-comma` to test Helm's comma escaping). Alphanumeric core, so it survives every quoting.
 */
export function makeCanary(carrier: string, inputs: string[], tail = ''): Canary {
  const core = randomBytes(15)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 20);
  return { carrier, inputs, value: `Cny${core.padEnd(20, 'q')}${tail}` };
}

/** base64 of `value` as it appears inside any larger base64 text (alignment-independent middles). */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = Math.ceil((shift * 4) / 3);
    const end = encoded.length - 4; // the last group may mix in what follows
    if (end - start >= 8) out.push(encoded.slice(start, end));
  }
  return [...out, ...out.map((b) => b.replace(/\+/g, '-').replace(/\//g, '_'))];
}

/** Every form a canary is searched for in: name → text. */
export function forms(canary: Canary): Array<{ form: string; text: string }> {
  const pieces = [canary.value, ...canary.value.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 8)];
  const out: Array<{ form: string; text: string }> = [];
  for (const [i, piece] of [...new Set(pieces)].entries()) {
    const label = i === 0 ? '' : ` (fragment "${piece.slice(0, 6)}…")`;
    out.push({ form: `raw${label}`, text: piece });
    for (const b of base64Forms(piece)) out.push({ form: `base64${label}`, text: b });
    const encoded = encodeURIComponent(piece);
    if (encoded !== piece) out.push({ form: `url-encoded${label}`, text: encoded });
    const form = encoded.replace(/%20/g, '+');
    if (form !== encoded) out.push({ form: `form-encoded${label}`, text: form });
  }
  return out;
}

/** Every file under `dir` (recursively), as absolute paths; symlinks are not followed. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Size and modification time of every file under `dir`, to tell later which ones a job wrote. */
export function snapshot(dir: string): Map<string, string> {
  return new Map(
    filesUnder(dir).map((f) => {
      const s = statSync(f);
      return [f, `${s.size}:${s.mtimeMs}`] as const;
    }),
  );
}

/** The files under `dir` that are new or changed since `before`. */
export function writtenSince(dir: string, before: Map<string, string>): string[] {
  const now = snapshot(dir);
  return [...now].filter(([f, sig]) => before.get(f) !== sig).map(([f]) => f);
}

/**
 * Searches `files` and `texts` for every form of every canary.
 * @param texts extra named texts (e.g. `{ 'job log': job.logText() }`)
 * @param base paths in findings are shown relative to it
 */
export function findCanaries(
  canaries: readonly Canary[],
  files: readonly string[],
  texts: Record<string, string>,
  base: string,
): Finding[] {
  const sources: Array<{ where: string; text: string }> = [
    ...files.map((f) => ({ where: relative(base, f) || f, text: readFileSync(f).toString('latin1') })),
    ...Object.entries(texts).map(([where, text]) => ({ where, text: Buffer.from(text).toString('latin1') })),
  ];
  const findings: Finding[] = [];
  for (const canary of canaries) {
    for (const { form, text } of forms(canary)) {
      const needle = Buffer.from(text).toString('latin1');
      for (const source of sources)
        if (source.text.includes(needle))
          findings.push({ carrier: canary.carrier, form, where: source.where });
    }
  }
  return findings;
}

/** The `<action> <input>` pairs the canaries went through. */
export function inputsCovered(canaries: readonly Canary[]): string[] {
  return [...new Set(canaries.flatMap((c) => c.inputs))].sort();
}

/**
 * Searches everything `job` wrote — RUNNER_TEMP (reports, diagnostics, summary, outputs, env and state
 * files, the artifact folders) and the files of `workspace` new or changed since `before` — and its log
 * and summary as GitHub shows them.
 */
export function scanJob(
  job: JobResult,
  canaries: readonly Canary[],
  workspace: string,
  before: Map<string, string>,
): Finding[] {
  const files = [...filesUnder(job.runnerTemp), ...writtenSince(workspace, before)];
  return findCanaries(canaries, files, { 'job log': job.logText(), summary: job.summary }, job.runnerTemp);
}
