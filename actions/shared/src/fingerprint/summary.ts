/**
 * The fingerprint in the JSON report (`fingerprint`, documented in docs/report-schema.md) and in the job
 * summary: the value, what changed since the environment's last deploy, the lock outcome (with the diff
 * when verify refused), drift after `up`, tool versions (shown, not hashed unless asked), and every entry
 * in a collapsed table.
 */
import type { ReportSection } from '../report/model.js';
import { cell } from '../report/summary.js';
import type { Fingerprint } from './canonical.js';
import { type Drift, formatDrift } from './drift.js';
import { type EntryChange, formatChanges, type LockMode, shortenDigests } from './lock-file.js';
import { LockMismatchError, type LockOutcome } from './lock-phase.js';
import type { PreviousDeploy, SinceLastDeploy } from './record.js';

/** The report's `fingerprint` object. */
export interface FingerprintReport {
  /** `sha256:<hex>`. */
  value: string;
  kind: string;
  entries: Record<string, string>;
  /** Tool versions; in `entries` too only when `toolsHashed`. */
  tools: Record<string, string>;
  toolsHashed: boolean;
  notes: string[];
  lock: {
    mode: LockMode;
    /** `off`, `verified`, `updated`, or `mismatch` (verify refused). */
    status: 'off' | 'verified' | 'updated' | 'mismatch';
    /** The lock file, absolute ('' when off). */
    file: string;
    /** The differences: what verify refused, or what update changed. */
    changes: EntryChange[];
  };
  sinceLastDeploy: SinceLastDeploy;
  /** Containers found running another image than fingerprinted (provision-compose, after `up`). */
  drift?: Drift[];
}

/** The report object (pure). */
export function fingerprintReport(
  fingerprint: Fingerprint,
  toolsHashed: boolean,
  lock: FingerprintReport['lock'],
  since: SinceLastDeploy,
): FingerprintReport {
  return {
    value: fingerprint.value,
    kind: fingerprint.document.kind,
    entries: fingerprint.document.entries,
    tools: fingerprint.tools,
    toolsHashed,
    notes: fingerprint.notes,
    lock,
    sinceLastDeploy: since,
  };
}

/** The summary section (Markdown, pure). */
export function renderFingerprint(f: FingerprintReport): string[] {
  const lines: string[] = [];
  const since = f.sinceLastDeploy;
  const change =
    since.previous === null
      ? 'first deploy of this environment (nothing recorded before)'
      : since.unchanged
        ? 'unchanged since the last deploy'
        : since.changed.length > 0
          ? `changed since the last deploy: ${since.changed.map((k) => `\`${k}\``).join(', ')}`
          : `changed since the last deploy (was \`${shortenDigests(since.previous)}\`)`;
  lines.push(`**Fingerprint** \`${f.value}\` (${f.kind}): ${change}.`, '');
  const lock = f.lock;
  if (lock.status === 'mismatch') {
    lines.push(
      `**Lock mismatch** — \`${lock.file}\` (nothing was started):`,
      '',
      '| Entry | Locked | Now |',
      '|---|---|---|',
    );
    for (const c of lock.changes)
      lines.push(
        `| \`${cell(c.key)}\` | ${c.change === 'added' ? '(none)' : `\`${cell(shortenDigests(c.old))}\``} | ${c.change === 'removed' ? '(removed)' : `\`${cell(shortenDigests(c.new))}\``} |`,
      );
    lines.push(
      '',
      'If the change is intended, run once with `lock: update` and commit the new `ephemeral.lock.json`.',
      '',
    );
  } else if (lock.status === 'verified') lines.push(`**Lock:** verified against \`${lock.file}\`.`, '');
  else if (lock.status === 'updated')
    lines.push(
      `**Lock:** \`${lock.file}\` written${
        lock.changes.length > 0
          ? ` (${lock.changes.length} entr${lock.changes.length === 1 ? 'y' : 'ies'} changed: ${formatChanges(
              lock.changes,
            )
              .map((l) => `\`${cell(l)}\``)
              .join(', ')})`
          : ', unchanged'
      }; commit it (a copy is in the report artifact).`,
      '',
    );
  if (f.drift && f.drift.length > 0)
    lines.push('**Drift after up:**', '', ...formatDrift(f.drift).map((l) => `- ❌ ${cell(l)}`), '');
  const tools = Object.entries(f.tools).map(([k, v]) => `${k} ${v}`);
  if (tools.length > 0)
    lines.push(`Tools: ${tools.join(', ')} (${f.toolsHashed ? 'hashed' : 'shown, not hashed'}).`, '');
  for (const note of f.notes) lines.push(`- ℹ️ ${cell(note)}`);
  if (f.notes.length > 0) lines.push('');
  const entries = Object.entries(f.entries);
  lines.push(
    `<details><summary>Fingerprint entries (${entries.length})</summary>`,
    '',
    '| Entry | Value |',
    '|---|---|',
  );
  for (const [key, value] of entries) lines.push(`| \`${cell(key)}\` | \`${cell(shortenDigests(value))}\` |`);
  lines.push('', '</details>', '');
  return lines;
}

/**
 * The report's `fingerprint` section (provision-compose, deploy-namespace): empty until the phase has a
 * fingerprint; set also when the lock phase refuses, so the report shows the diff.
 */
export class FingerprintSection implements ReportSection {
  value: FingerprintReport | undefined;

  /** Records a phase that finished: its fingerprint, lock outcome and what changed since the last deploy. */
  finished(
    result: { fingerprint: Fingerprint; lock: LockOutcome; since: SinceLastDeploy },
    mode: LockMode,
    toolsHashed: boolean,
  ): void {
    const { status, file, changes } = result.lock;
    this.value = fingerprintReport(
      result.fingerprint,
      toolsHashed,
      { mode, status, file, changes },
      result.since,
    );
  }

  /**
   * Records a refused lock (the fingerprint that was refused and the diff); returns its value, or null when
   * `error` is anything else (then nothing is recorded).
   */
  refused(
    error: unknown,
    mode: LockMode,
    toolsHashed: boolean,
    previous: PreviousDeploy | null,
  ): string | null {
    if (!(error instanceof LockMismatchError)) return null;
    const since = error.since ?? { previous: previous?.fingerprint ?? null, unchanged: false, changed: [] };
    const lock = { mode, status: 'mismatch' as const, file: error.file, changes: error.changes };
    this.value = fingerprintReport(error.fingerprint, toolsHashed, lock, since);
    return error.fingerprint.value;
  }

  fields(): Record<string, unknown> {
    return this.value ? { fingerprint: this.value } : {};
  }

  summary(): string[] {
    return this.value ? renderFingerprint(this.value) : [];
  }
}
