/** The pause between a client's writes: GitHub's 1 s for the sweep, none for a per-PR step's few writes. */
import Bottleneck from 'bottleneck/light.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGitHub,
  loadOctokit,
  PER_PR_WRITE_PAUSE_MS,
  writeLimiters,
} from '../../../../actions/shared/src/github/client.js';
import { type FakeGitHub, startFakeGitHub } from '../../../harness/github/fake-github.js';

let fake: FakeGitHub;
beforeAll(async () => {
  await loadOctokit();
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});

describe('write pacing', () => {
  it('per-PR limiters: one write at a time, no pause', () => {
    expect(PER_PR_WRITE_PAUSE_MS).toBe(0);
    const { write, notifications } = writeLimiters(Bottleneck, PER_PR_WRITE_PAUSE_MS);
    for (const group of [write, notifications])
      expect((group as unknown as { limiterOptions: object }).limiterOptions).toMatchObject({
        maxConcurrent: 1,
        minTime: 0,
      });
  });

  it('a client with no pause still sends its writes one after the other, and each arrives', async () => {
    fake.repo('acme/pacing');
    fake.pull('acme/pacing', 3);
    const token = fake.addToken();
    const gh = createGitHub({ token, repository: 'acme/pacing', apiUrl: fake.url, writePauseMs: 0 });
    await Promise.all(
      [1, 2, 3].map((n) =>
        gh.octokit.rest.issues.createComment({
          owner: 'acme',
          repo: 'pacing',
          issue_number: 3,
          body: `c${n}`,
        }),
      ),
    );
    expect(fake.repo('acme/pacing').comments.map((c) => c.body)).toEqual(['c1', 'c2', 'c3']);
    fake.assertValid();
  });
});
