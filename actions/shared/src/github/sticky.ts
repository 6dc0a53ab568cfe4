/**
 * One Lifecycle's handle on the environment's sticky comment (comment.ts). The comment it last wrote is
 * kept (id, text, stored state), so a later write of the same run is one PATCH by id, with no list of the
 * PR's comments first (issue 12: provision-compose's "ready" after its "deploying", on the step's critical
 * path). The look-up comes back when nothing is kept, for a guarded update (`only`: its point is to see
 * what another run wrote), and when a PATCH answers 404 (the comment was deleted meanwhile): then the PR's
 * comments are read again and the write is made once more on what that read found.
 *
 * A write by id merges into the state this run last wrote, not into what the comment holds now: a field
 * another writer changed in between and this update does not set is overwritten. Between one step's
 * "deploying" and its "ready" (or "failed", "superseded", "torn down") no other step of the run writes
 * the comment; another run's write in between would be overwritten by the look-up's merge as well, for
 * every field the update sets.
 */
import type { GitHub } from './client.js';
import {
  type CommentOutcome,
  type CommentState,
  type CommentWriteOptions,
  type FoundComment,
  readComment,
  writeComment,
} from './comment.js';
import type { Soft } from './errors.js';

/** What a write of the sticky comment did (`absent`: nothing to update, and not created). */
export type StickyOutcome = CommentOutcome | { action: 'absent' };

/** The environment's comment on one PR, as one Lifecycle reads and writes it. */
export class StickyComment {
  private known: FoundComment | null = null;

  /** @param author the login the comment must have been written by (`commentMarker` AND author) */
  constructor(
    private readonly pr: number,
    private readonly environment: string,
    private readonly author: string,
  ) {}

  /** Whether a write of this run is kept (a later unguarded write is then one PATCH by id, no list). */
  get kept(): boolean {
    return this.known !== null;
  }

  /** The comment as this run last wrote it (no request), else the PR's comments read (`readComment`). Never throws. */
  read(github: GitHub): Promise<Soft<FoundComment>> {
    if (this.known) return Promise.resolve({ ok: true, value: this.known });
    return readComment(github, this.pr, this.environment, this.author);
  }

  /**
   * Writes `update` onto what `read` found (`writeComment`). A PATCH answered 404 forgets the kept comment,
   * reads the PR's comments again and writes once more on that (a POST when the comment is gone and
   * `create`, else `absent`). Keeps what it wrote. Never throws.
   */
  async write(
    github: GitHub,
    found: FoundComment,
    update: Partial<CommentState> & Pick<CommentState, 'environment'>,
    options: CommentWriteOptions = {},
  ): Promise<StickyOutcome> {
    let outcome = await writeComment(github, this.pr, found, update, options);
    if (outcome.action === 'failed' && outcome.failure.status === 404 && found.comment) {
      this.known = null;
      const again = await readComment(github, this.pr, this.environment, this.author);
      outcome = again.ok
        ? await writeComment(github, this.pr, again.value, update, options)
        : { action: 'failed', failure: again.failure };
    }
    this.keep(outcome, options.only !== undefined);
    return outcome;
  }

  /**
   * Read, then write: the kept comment when there is one and the update is not guarded (`only`), else the
   * PR's comments listed first. Never throws.
   */
  async upsert(
    github: GitHub,
    update: Partial<CommentState> & Pick<CommentState, 'environment'>,
    options: CommentWriteOptions = {},
  ): Promise<StickyOutcome> {
    const found = options.only
      ? await readComment(github, this.pr, this.environment, this.author)
      : await this.read(github);
    if (!found.ok) return { action: 'failed', failure: found.failure };
    return this.write(github, found.value, update, options);
  }

  /** Keeps a comment this run created or updated (or found unchanged, unguarded); forgets an absent one. */
  private keep(outcome: StickyOutcome, guarded: boolean): void {
    if (outcome.action === 'absent') this.known = null;
    else if (outcome.action === 'failed' || (outcome.action === 'unchanged' && guarded)) return;
    else
      this.known = {
        comment: { id: outcome.id, body: outcome.body, html_url: outcome.url },
        state: outcome.state,
      };
  }
}
