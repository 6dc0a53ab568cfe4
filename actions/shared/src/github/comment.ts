/**
 * The sticky PR comment: one per environment, found by a hidden marker AND the expected author (so another
 * user who pastes the marker cannot hijack it, as in marocchino/sticky-pull-request-comment), created or
 * updated, never duplicated, and not edited when the text would not change (no notification noise).
 *
 * Every action that touches the environment updates the same comment: the comment carries its own state
 * as JSON in a second hidden marker, each action merges its part (deploy, readiness, seed, teardown) and
 * re-renders. REST only (https://docs.github.com/en/rest/issues/comments): list (paginated, ascending id),
 * POST, PATCH. The read (`readComment`) and the write (`writeComment`) are apart, so a caller can read
 * early (a post step, while the engine removes) or not at all (a comment it wrote itself: PATCH by id). The rendered text goes through `redact`, so no registered secret can reach the PR.
 */
import { redact, redactValue } from '../runtime/secrets.js';
import type { GitHub } from './client.js';
import { type ApiFailure, type Soft, soft } from './errors.js';

/** The lifecycle states the comment shows. */
export type CommentStatus = 'deploying' | 'ready' | 'failed' | 'superseded' | 'torn-down';

/** The comment's state (also stored, as JSON, inside the comment). Times are epoch seconds. */
export interface CommentState {
  environment: string;
  status: CommentStatus;
  /** The SHA deployed (or being deployed). */
  sha: string;
  /** Why (failed: the error; superseded: the newer SHA; torn-down: closed | expired | swept | teardown). */
  reason?: string;
  urls?: Record<string, string>;
  /** Service → state / health summary. */
  services?: Record<string, string>;
  /** Readiness (wait-ready) and seed checks (verify-seed): one line each. */
  readiness?: string;
  seed?: string;
  expiresAt?: number | null;
  /** The run that wrote the latest state. */
  runUrl?: string;
  /** Where the report is (an artifact name or a path). */
  report?: string;
  /** GitHub deployment id, when one was created. */
  deploymentId?: number;
  updatedAt: number;
}

/** The login of GITHUB_TOKEN's comments. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** GitHub rejects comment bodies over 65,536 characters (422 "body is too long"). */
export const MAX_COMMENT_LENGTH = 65_536;
const STATE_PREFIX = '<!-- ephemeral:state ';

/** The marker that identifies an environment's comment. */
export function commentMarker(environment: string): string {
  return `<!-- ephemeral:comment env=${environment} -->`;
}

const HEADLINE: Record<CommentStatus, string> = {
  deploying: '🚧 Deploying',
  ready: '✅ Ready',
  failed: '❌ Failed',
  superseded: '⏭️ Superseded',
  'torn-down': '🧹 Torn down',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function date(epochS: number): string {
  return `${new Date(epochS * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

const MAX_FIELD = 2000;
const MAX_ENTRIES = 50;

function clip(text: string | undefined): string | undefined {
  return text === undefined || text.length <= MAX_FIELD ? text : `${text.slice(0, MAX_FIELD - 1)}…`;
}

function clipMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map) return map;
  return Object.fromEntries(
    Object.entries(map)
      .slice(0, MAX_ENTRIES)
      .map(([k, v]) => [clip(k) as string, clip(v) as string]),
  );
}

/** The state with every text bounded (2,000 characters a field, 50 URLs / services), so it fits a comment. */
export function boundState(state: CommentState): CommentState {
  const bounded: CommentState = { ...state };
  for (const key of ['reason', 'readiness', 'seed', 'report', 'runUrl'] as const)
    if (state[key] !== undefined) bounded[key] = clip(state[key]);
  if (state.urls) bounded.urls = clipMap(state.urls);
  if (state.services) bounded.services = clipMap(state.services);
  return bounded;
}

/** Renders the comment body (pure, apart from `redact`), at most MAX_COMMENT_LENGTH characters. */
export function renderComment(full: CommentState): string {
  const state = boundState(full);
  const lines = [`### ${HEADLINE[state.status]} · \`${state.environment}\``, ''];
  const facts: Array<[string, string]> = [['Commit', state.sha ? `\`${state.sha.slice(0, 12)}\`` : '—']];
  if (state.reason) facts.push([state.status === 'superseded' ? 'Superseded by' : 'Reason', state.reason]);
  if (state.expiresAt) facts.push(['Expires', date(state.expiresAt)]);
  if (state.deploymentId) facts.push(['Deployment', String(state.deploymentId)]);
  if (state.runUrl) facts.push(['Run', `[logs and job summary](${state.runUrl})`]);
  if (state.report) facts.push(['Report', `\`${state.report}\``]);
  lines.push('| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${cell(v)} |`), '');
  const live = state.status !== 'torn-down' && state.status !== 'superseded';
  if (live && state.urls && Object.keys(state.urls).length > 0) {
    lines.push('| URL | |', '|---|---|');
    for (const [name, url] of Object.entries(state.urls)) lines.push(`| ${cell(name)} | ${cell(url)} |`);
    lines.push('');
  }
  if (live && state.services && Object.keys(state.services).length > 0) {
    lines.push('| Service | State |', '|---|---|');
    for (const [name, s] of Object.entries(state.services)) lines.push(`| ${cell(name)} | ${cell(s)} |`);
    lines.push('');
  }
  if (live && state.readiness) lines.push(`**Readiness:** ${state.readiness}`, '');
  if (live && state.seed) lines.push(`**Seed checks:** ${state.seed}`, '');
  lines.push(`<sub>ephemeral · updated ${date(state.updatedAt)}</sub>`);
  let text = redact(lines.join('\n'));
  const tail = `\n${commentMarker(state.environment)}\n${STATE_PREFIX}${Buffer.from(JSON.stringify(redactValue(state))).toString('base64')} -->`;
  const room = MAX_COMMENT_LENGTH - tail.length - 20;
  if (text.length > room) text = `${text.slice(0, room)}\n\n… (truncated)`;
  return `${text}${tail}`;
}

/** The state stored in a comment body, or null when it has none or it does not parse (pure). */
export function parseCommentState(body: string): CommentState | null {
  const at = body.lastIndexOf(STATE_PREFIX);
  if (at < 0) return null;
  const end = body.indexOf(' -->', at);
  try {
    const json = Buffer.from(
      body.slice(at + STATE_PREFIX.length, end < 0 ? undefined : end),
      'base64',
    ).toString('utf8');
    const state = JSON.parse(json) as CommentState;
    return typeof state.environment === 'string' && typeof state.status === 'string' ? state : null;
  } catch {
    return null;
  }
}

/** A comment as listed. */
export interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login?: string } | null;
  html_url?: string;
}

/** The environment's comment among `comments`: marker in the body AND written by `author` (pure; oldest wins). */
export function findComment(
  comments: CommentLike[],
  environment: string,
  author: string,
): CommentLike | null {
  const marker = commentMarker(environment);
  const expected = author.toLowerCase();
  return (
    comments.find(
      (c) => (c.body ?? '').includes(marker) && (c.user?.login ?? '').toLowerCase() === expected,
    ) ?? null
  );
}

/** What a comment write did; `body` is the text the comment has now (for a later write by id). */
export type CommentOutcome =
  | {
      action: 'created' | 'updated' | 'unchanged';
      id: number;
      url: string;
      state: CommentState;
      body: string;
    }
  | { action: 'failed'; failure: ApiFailure };

/** The environment's comment as read: the comment (null when the PR has none) and the state stored in it. */
export interface FoundComment {
  comment: CommentLike | null;
  /** The stored state (null without a comment, or when its state does not parse). */
  state: CommentState | null;
}

/**
 * The read of `upsertComment`: lists PR `pr`'s comments (all pages, 100 a page) and finds the
 * environment's (marker AND `author`). Sends no write. Never throws.
 */
export async function readComment(
  github: GitHub,
  pr: number,
  environment: string,
  author: string,
): Promise<Soft<FoundComment>> {
  const { octokit, owner, repo } = github;
  return soft(async () => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pr,
      per_page: 100,
    });
    const comment = findComment(comments as CommentLike[], environment, author);
    return { comment, state: comment ? parseCommentState(comment.body ?? '') : null };
  });
}

/** Options of a comment write. */
export interface CommentWriteOptions {
  /** false: only update an existing comment (teardown and sweep never start a new one). Default true. */
  create?: boolean;
  /** The clock, epoch seconds. */
  now?: () => number;
  /** Update only when this holds for the stored state (a superseded run leaves a newer run's comment alone). */
  only?: (previous: CommentState | null) => boolean;
}

/**
 * The write of `upsertComment`: merges `update` into `found`'s state and PATCHes `found.comment` by id, or
 * POSTs a new comment when there is none (and `create`); no request when the text would not change. A
 * PATCH of a comment deleted meanwhile fails with 404 (`failure.status`), which the caller may answer with
 * a fresh read. Never throws. An update without `status` keeps the stored one (a new comment without one
 * says `deploying`).
 */
export async function writeComment(
  github: GitHub,
  pr: number,
  found: FoundComment,
  update: Partial<CommentState> & Pick<CommentState, 'environment'>,
  options: CommentWriteOptions = {},
): Promise<CommentOutcome | { action: 'absent' }> {
  const { octokit, owner, repo } = github;
  const { create = true, now = () => Math.floor(Date.now() / 1000), only = () => true } = options;
  const { comment: existing, state: previous } = found;
  if (!existing && !create) return { action: 'absent' };
  const kept = (state: CommentState, body: string) =>
    ({ action: 'unchanged', id: existing?.id ?? 0, url: existing?.html_url ?? '', state, body }) as const;
  if (existing && !only(previous)) return kept(previous ?? ({} as CommentState), existing.body ?? '');
  const merged: CommentState = {
    sha: '',
    status: 'deploying',
    ...previous,
    ...update,
    updatedAt: previous?.updatedAt ?? now(),
  };
  // The time changes only with the content, so a re-run with the same facts changes nothing.
  const same =
    previous !== null &&
    renderComment(merged) === renderComment({ ...previous, updatedAt: merged.updatedAt });
  if (!same) merged.updatedAt = now();
  const body = renderComment(merged);
  if (existing && (existing.body ?? '') === body) return kept(merged, body);
  const written = await soft(async () => {
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body,
      });
      return { action: 'updated', id: data.id, url: data.html_url } as const;
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body });
    return { action: 'created', id: data.id, url: data.html_url } as const;
  });
  return written.ok
    ? { ...written.value, state: merged, body }
    : { action: 'failed', failure: written.failure };
}

/**
 * Finds the environment's comment on PR `pr` (`readComment`), merges `update` into its stored state, and
 * creates or updates it (`writeComment`); no PATCH when the text is unchanged. Never throws.
 * @param author the login the comment must have been written by (`github-actions[bot]` for GITHUB_TOKEN)
 * @param create false: only update an existing comment (teardown and sweep never start a new one)
 * @param only update only when this holds for the stored state (a superseded run leaves a newer run's comment alone)
 */
export async function upsertComment(
  github: GitHub,
  pr: number,
  author: string,
  update: Partial<CommentState> & Pick<CommentState, 'environment'>,
  create = true,
  now = () => Math.floor(Date.now() / 1000),
  only: (previous: CommentState | null) => boolean = () => true,
): Promise<CommentOutcome | { action: 'absent' }> {
  const found = await readComment(github, pr, update.environment, author);
  if (!found.ok) return { action: 'failed', failure: found.failure };
  return writeComment(github, pr, found.value, update, { create, now, only });
}
