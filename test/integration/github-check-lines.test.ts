/**
 * wait-ready's readiness line and verify-seed's seed line in the sticky PR comment, through the bundled
 * actions against a real Docker engine and the fake GitHub (every request and response checked against
 * GitHub's OpenAPI description): the deploy's one comment gains both lines (updated, never duplicated), an
 * unchanged line is not edited again, a refused write (403) is a warning, and a fork's PR under `auto` makes
 * no comment call at all.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommentState } from '../../actions/shared/src/github/comment.js';
import { pullRequestEvent } from '../harness/events.js';
import { FAULTS, type FakeGitHub, startFakeGitHub } from '../harness/github/fake-github.js';
import { runJob } from '../harness/job.js';
import type { JobResult } from '../harness/types.js';
import { dump, forceRemove, repoRoot, sha } from './helpers.js';

let fake: FakeGitHub;
const names: string[] = [];
// Its own repository per run: nothing here can touch another test's environments.
const repository = `acme/check-lines-${process.pid}`;

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  for (const name of names) forceRemove(name);
  await fake.close();
});

const provision = {
  id: 'env',
  uses: 'provision-compose',
  with: { 'working-directory': 'test/fixtures/compose/web' },
};
const waitReady = (extra: Record<string, string> = {}) => ({
  id: 'ready',
  uses: 'wait-ready',
  with: { url: 'http://{web:80}/health', 'expect-json': '{"status": "ok"}', timeout: '60s', ...extra },
});
const verifySeed = (id: string) => ({
  id,
  uses: 'verify-seed',
  with: {
    checks: `
connections:
  api: { kind: http, url: "http://{web:80}" }
checks:
  - { name: health page, kind: http, connection: api, path: /health, expect: { json: { status: ok } } }
`,
  },
});
/** The comment creations and updates GitHub accepted, in order. */
const commentWrites = () =>
  fake
    .callsOf()
    .filter(
      (c) =>
        (c.operationId === 'issues/create-comment' || c.operationId === 'issues/update-comment') &&
        c.status < 300,
    );
/** The `github` section of a step's JSON report. */
const githubOf = (job: JobResult, id: string) =>
  JSON.parse(readFileSync(job.outputs(id)['report-path']!, 'utf8')).github as {
    comment: { action: string; reason?: string } | null;
  };

describe('wait-ready and verify-seed in the sticky PR comment', () => {
  it('add their lines to the deploy’s one comment; an unchanged line is not edited again', async () => {
    const head = sha('check-lines-1');
    fake.pull(repository, 501, { headSha: head });
    const writesBefore = commentWrites().length;
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: pullRequestEvent(501, head, { repository }),
      steps: [provision, waitReady(), verifySeed('seed'), verifySeed('seed-again')],
    });
    names.push(job.outputs('env')['environment-name']!);
    expect(job.status, dump(job.logText())).toBe('success');
    const comments = fake.repo(repository).comments.filter((c) => c.issue === 501);
    expect(comments).toHaveLength(1);
    const states = commentWrites()
      .slice(writesBefore)
      .map((c) => parseCommentState(String((c.body as { body: string }).body)));
    // deploying, ready, + readiness, + seed, (seed again: nothing), torn down by the post step.
    expect(states.map((s) => s?.status)).toEqual(['deploying', 'ready', 'ready', 'ready', 'torn-down']);
    expect(states[2]?.readiness).toMatch(/^ready in .*: url/);
    expect(states[3]).toMatchObject({ seed: '1 of 1 checks passed', sha: head });
    expect(states[3]?.readiness).toBe(states[2]?.readiness);
    const bodyWithLines = String(
      (commentWrites().slice(writesBefore)[3]?.body as { body: string } | undefined)?.body,
    );
    expect(bodyWithLines).toMatch(/\*\*Readiness:\*\* ready in/);
    expect(bodyWithLines).toMatch(/\*\*Seed checks:\*\* 1 of 1 checks passed/);
    expect(githubOf(job, 'ready').comment?.action).toBe('updated');
    // Both verify-seed steps write one report path (the environment's), so the second's is the one read;
    // the first one's update is proven by the writes above.
    expect(githubOf(job, 'seed-again').comment?.action).toBe('unchanged');
    expect(job.summary).toMatch(/GitHub:.*comment unchanged/);
    await job.cleanup();
  });

  it('a refused write (403) is a warning, and a fork’s PR under auto makes no comment call', async () => {
    const head = sha('check-lines-2');
    fake.pull(repository, 502, { headSha: head });
    // provision's two writes go through; wait-ready's update is refused as a fork's token would be.
    const updates = fake.callsOf('issues/update-comment').length;
    fake.after('issues/update-comment', updates + 1, () =>
      fake.fault(FAULTS.forkToken('issues/update-comment')),
    );
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: pullRequestEvent(502, head, { repository }),
      steps: [provision, waitReady()],
    });
    names.push(job.outputs('env')['environment-name']!);
    expect(job.status, dump(job.logText())).toBe('success');
    const ready = job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!;
    expect(ready.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(ready.annotations.map((a) => `${a.level}: ${a.message}`).join('\n')).toMatch(
      /warning: GitHub comment: .*Resource not accessible by integration/,
    );
    expect(fake.repo(repository).comments.filter((c) => c.issue === 502)).toHaveLength(1);
    await job.cleanup();

    const forkHead = sha('check-lines-3');
    const callsBefore = fake.callsOf().length;
    const fork = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: pullRequestEvent(503, forkHead, { repository, fork: true }),
      steps: [provision, waitReady({ comment: 'auto' }), verifySeed('seed')],
    });
    names.push(fork.outputs('env')['environment-name']!);
    expect(fork.status, dump(fork.logText())).toBe('success');
    const commentCalls = fake
      .callsOf()
      .slice(callsBefore)
      .filter((c) => c.operationId.startsWith('issues/'));
    expect(commentCalls).toEqual([]);
    expect(githubOf(fork, 'ready').comment).toMatchObject({ action: 'skipped' });
    expect(githubOf(fork, 'ready').comment?.reason).toMatch(/fork/);
    expect(githubOf(fork, 'seed').comment).toMatchObject({ action: 'skipped' });
    await fork.cleanup();
  });
});
