/**
 * The fake GitHub a harness job talks to: one shared by the process unless the test brings its own, prepared
 * with the job's token (read-only for a fork's PR under `pull_request`, as GitHub does) and the event's PR.
 */
import type { JobFacts } from '../env.js';
import { type FakeGitHub, READ_PERMISSIONS, startFakeGitHub } from './fake-github.js';

let sharedGitHub: Promise<FakeGitHub> | null = null;

/** The fake GitHub shared by every job of this process that brings none (started on first use). */
export function defaultGitHub(): Promise<FakeGitHub> {
  // unref: a process (the demo, a bench) may end while it still listens.
  sharedGitHub ??= startFakeGitHub().then((fake) => fake.unref());
  return sharedGitHub;
}

interface PullPayload {
  number?: number;
  state?: string;
  head?: { sha?: string; ref?: string; repo?: { full_name?: string } | null };
  base?: { ref?: string; repo?: { full_name?: string } | null };
  user?: { login?: string };
}

/**
 * Prepares the fake GitHub for a job: its token and the event's PR. `upsert`: the event is the truth (the
 * shared fake); else the PR is only added when the test did not set it up itself.
 */
export function seedGitHub(fake: FakeGitHub, facts: JobFacts, upsert: boolean): void {
  const { token, repository, event } = facts;
  const pr = event.payload.pull_request as PullPayload | undefined;
  const headRepo = pr?.head?.repo;
  const base = (pr?.base?.repo?.full_name ?? repository).toLowerCase();
  const fork =
    pr !== undefined &&
    (headRepo === null || (headRepo?.full_name !== undefined && headRepo.full_name.toLowerCase() !== base));
  const readOnly = fork && (event.name === 'pull_request' || event.name === 'pull_request_review');
  if (upsert || !fake.tokens.has(token))
    fake.addToken(token, readOnly ? { permissions: { ...READ_PERMISSIONS } } : {});
  const repo = fake.repo(repository);
  if (typeof pr?.number !== 'number') return;
  if (!upsert && repo.pulls.has(pr.number)) return;
  fake.pull(repository, pr.number, {
    state: pr.state === 'closed' ? 'closed' : 'open',
    ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
    ...(pr.head?.ref ? { headRef: pr.head.ref } : {}),
    ...(pr.base?.ref ? { baseRef: pr.base.ref } : {}),
    fork,
    ...(fork && headRepo?.full_name ? { author: headRepo.full_name.split('/')[0] } : {}),
  });
}
