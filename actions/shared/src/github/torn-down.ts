/**
 * "Torn down" (github/lifecycle.ts `Lifecycle.prepareTornDown`) in two halves: the reads, sent as soon as
 * it is prepared, and the writes, sent by `write` once the caller has proven the environment gone. A post
 * step prepares it while the engine removes (provision-compose, deploy-namespace: github/deploy.ts
 * `PostTornDown`; teardown), so after the removal only the writes are left: one round trip (the comment's
 * PATCH beside the deployments' `inactive` statuses: the client spaces writes by `writePauseMs`, 0 for a
 * per-PR step, and does not wait for one to be answered before the next starts) instead of three (the
 * deployments listed → their statuses read → the `inactive` status; the comments listed → the PATCH).
 *
 * Reads: the PR's comments listed and the environment's comment found (none when this run wrote it: the
 * kept comment, github/sticky.ts); the environment's deployments listed with their latest statuses
 * (github/deployment.ts `activeDeployments`). Writes: `setInactive` on the active ones; the comment
 * "torn down" by id (update only, never created; a 404 reads again, github/sticky.ts).
 */
import type { GitHub } from './client.js';
import type { CommentState } from './comment.js';
import { activeDeployments, type Soft, setInactive } from './deployment.js';
import type { StickyComment, StickyOutcome } from './sticky.js';

/** "Torn down" with its reads under way (`Lifecycle.prepareTornDown`). */
export interface PreparedTornDown {
  /** Settles once the reads have (never rejects): what is left for `write` is the writes. */
  read: Promise<void>;
  /**
   * The writes, after the reads: the deployments read as active set `inactive`, beside the comment "torn
   * down" (`reason`). Call it once, and only when the environment is proven gone. Soft: a failure, of a
   * read or a write, is a warning (through `TornDownParts`), never a rejection, except:
   * @throws Error when the GitHub client cannot be made (Octokit's chunk failed to load, twice)
   */
  write(reason: string): Promise<void>;
}

/** What "torn down" takes from its Lifecycle. */
export interface TornDownParts {
  /** The client, made on first use; null without a token. @throws Error when Octokit cannot be loaded */
  client: () => Promise<GitHub | null>;
  /** The sticky comment, or null when the comment's policy is off. */
  sticky: StickyComment | null;
  /** The GitHub environment of the Deployments, or null when the deployment's policy is off. */
  deploymentEnvironment: string | null;
  /** The comment's update for `reason`. */
  update: (reason: string) => Partial<CommentState> & Pick<CommentState, 'environment'>;
  /** Records the comment's outcome in the report (and warns a failure). */
  noteComment: (outcome: StickyOutcome) => void;
  /** The value of a soft result, or null after warning its failure (`what`: what failed). */
  soft: <T>(what: string, result: Soft<T>) => T | null;
}

/**
 * Sends the reads now (none for a part whose policy is off; no comment read when the comment is kept) and
 * returns the writes. Never throws; warns nothing before `write`.
 */
export function prepareTornDown(parts: TornDownParts): PreparedTornDown {
  const { sticky, deploymentEnvironment: environment } = parts;
  const comment = sticky
    ? early(async () => {
        const github = await parts.client();
        return github ? { github, found: await sticky.read(github) } : null;
      })
    : null;
  const deployments =
    environment !== null
      ? early(async () => {
          const github = await parts.client();
          return github ? { github, ids: await activeDeployments(github, environment) } : null;
        })
      : null;
  const writeComment = async (reason: string) => {
    const read = await comment?.value();
    if (!read || !sticky) return;
    if (!read.found.ok) return parts.noteComment({ action: 'failed', failure: read.found.failure });
    parts.noteComment(
      await sticky.write(read.github, read.found.value, parts.update(reason), { create: false }),
    );
  };
  const writeDeployments = async () => {
    const read = await deployments?.value();
    const ids = read ? parts.soft('deployments', read.ids) : null;
    if (read && ids) parts.soft('deployments', await setInactive(read.github, ids));
  };
  return {
    read: Promise.all([comment?.settled, deployments?.settled]).then(() => undefined),
    write: async (reason) => {
      await Promise.all([writeDeployments(), writeComment(reason)]);
    },
  };
}

/**
 * Starts `read` now. `settled` never rejects; `value()` is its result, or `read` made once more when the
 * first attempt threw (then the second attempt's error is thrown).
 */
function early<T>(read: () => Promise<T>): { settled: Promise<unknown>; value: () => Promise<T> } {
  const first = read().then(
    (value) => ({ ok: true as const, value }),
    () => ({ ok: false as const }),
  );
  const value = async () => {
    const r = await first;
    return r.ok ? r.value : read();
  };
  return { settled: first, value };
}
