/**
 * wait-ready's and verify-seed's part of the sticky PR comment: one line each (`readiness`, `seed`) in the
 * environment's comment the deploy action created (Lifecycle.checked: updated, never created, never
 * duplicated, not edited when the text is unchanged), and the `github` report section saying what happened.
 * Soft like the rest of the GitHub side: a fork's read-only token (403) or any API failure is a warning.
 */
import type { ResolvedEnvironment } from '../environment/resolve.js';
import type { ActionReport } from '../report/action-report.js';
import { Lifecycle } from './lifecycle.js';
import { GitHubSection } from './report.js';
import type { GitHubSettings } from './settings.js';

/** Most characters of one line in the comment (the comment bounds each field to 2,000 anyway). */
export const MAX_LINE = 500;

/** Joins `parts` with ", " and cuts the text at `max` characters with "…" (pure). */
export function boundedList(parts: readonly string[], max = MAX_LINE): string {
  const text = parts.join(', ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One action's line in the environment's comment. */
export class CheckLine {
  private readonly section: GitHubSection;
  private readonly lifecycle: Lifecycle;

  /** Adds the `github` section to `report` (filled in once the line is written, unless `comment: never`). */
  constructor(
    private readonly settings: GitHubSettings,
    environment: ResolvedEnvironment,
    report: ActionReport,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.section = report.add(new GitHubSection());
    this.lifecycle = Lifecycle.create(settings, environment, (m) => report.warn(m), env);
  }

  /** Writes `line` as the comment's `part`. Never throws (failures are warnings in the report). */
  async write(part: 'readiness' | 'seed', line: string): Promise<void> {
    if (this.settings.comment === 'never') return;
    await this.lifecycle.checked(part, line);
    this.section.value = this.lifecycle.finishReport();
  }
}
