/**
 * The GitHub half of a deploy, through the bundled actions against a real Docker engine and the fake GitHub
 * (every request and response checked against GitHub's OpenAPI description): the sticky comment's states as
 * one comment, Deployments in_progress → success → inactive, a PR closed during the deploy (also one whose
 * closing reaches the re-check before up only while up runs), a push during the
 * deploy, and a fork's PR (read-only token).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_BOT_LOGIN } from '../../actions/shared/src/github/comment.js';
import { pullRequestEvent } from '../harness/events.js';
import { type FakeGitHub, startFakeGitHub } from '../harness/github/fake-github.js';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, leftovers, repoRoot, sha } from './helpers.js';

let fake: FakeGitHub;
const names: string[] = [];
// Its own repository per run: nothing here can touch another test's environments.
const repository = `acme/lifecycle-${process.pid}`;

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  for (const name of names) forceRemove(name);
  await fake.close();
});

const event = (pr: number, head: string, fork = false) => pullRequestEvent(pr, head, { repository, fork });
const provision = (extra: Record<string, string> = {}) => ({
  id: 'env',
  uses: 'provision-compose',
  with: { 'working-directory': 'test/fixtures/compose/web', ...extra },
});

describe('GitHub lifecycle of a Compose environment', () => {
  it('one comment goes deploying → ready → torn down; the deployment in_progress → success → inactive', async () => {
    const head = sha('lifecycle-1');
    fake.pull(repository, 401, { headSha: head });
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(401, head),
      steps: [provision()],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('env').status).toBe('ready');
    const deploymentId = Number(job.outputs('env')['deployment-id']);
    expect(deploymentId).toBeGreaterThan(0);
    expect(job.env.EPHEMERAL_DEPLOYMENT_ID).toBe(String(deploymentId));
    const comments = fake.repo(repository).comments.filter((c) => c.issue === 401);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.user.login).toBe(ACTIONS_BOT_LOGIN);
    expect(comments[0]?.body).toMatch(/Torn down/); // post removed it at the end of the job
    const bodies = fake
      .callsOf()
      .filter((c) => c.operationId === 'issues/create-comment' || c.operationId === 'issues/update-comment')
      .map((c) => String((c.body as { body: string }).body).split('\n')[0]);
    expect(bodies).toEqual([
      expect.stringMatching(/Deploying/),
      expect.stringMatching(/Ready/),
      expect.stringMatching(/Torn down/),
    ]);
    const [deployment] = fake.deploymentsOf(repository, name);
    expect(deployment).toMatchObject({ id: deploymentId, sha: head, transient: true, production: false });
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive']);
    expect(leftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(job.summary).toMatch(/GitHub:.*comment/);
    await job.cleanup();
  });

  it('a PR closed during the deploy ends aborted-closed, exit 0, with nothing left', async () => {
    const head = sha('lifecycle-2');
    fake.pull(repository, 402, { headSha: head });
    // The first re-check (before up) sees it open; it is closed right after.
    const before = fake.callsOf('pulls/get').length;
    fake.after('pulls/get', before + 1, () => fake.closePull(repository, 402));
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(402, head),
      steps: [provision({ keep: 'true' })],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('env').status).toBe('aborted-closed');
    expect(leftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    const [deployment] = fake.deploymentsOf(repository, name);
    expect(deployment?.statuses.at(-1)?.state).toBe('inactive');
    expect(fake.repo(repository).comments.find((c) => c.issue === 402)?.body).toMatch(
      /Torn down[\s\S]*closed during deploy/,
    );
    await job.cleanup();
  });

  it('a PR closed while up runs ("before up" answered late) is torn down once up returned: nothing left', async () => {
    const head = sha('lifecycle-5');
    fake.pull(repository, 405, { headSha: head });
    // GitHub's answer to the re-check before up is held until Compose has created a container of the
    // project (its progress in the step's log), and the PR is closed meanwhile: the refusal comes late.
    let created = () => {};
    const upCreated = new Promise<void>((resolve) => {
      created = resolve;
    });
    fake.hold(
      'pulls/get',
      fake.callsOf('pulls/get').length + 1,
      upCreated.then(() => fake.closePull(repository, 405)),
    );
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(405, head),
      steps: [provision({ keep: 'true' })],
      onLine: (_step, _phase, line) => {
        if (/Container \S+\s+(Created|Started)/.test(line)) created();
      },
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('env').status).toBe('aborted-closed');
    // keep: true, so the post step removed nothing: the main step's teardown did.
    expect(leftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(job.logText()).toMatch(/closed during the deploy \(before up, answered after up had started\)/);
    const report = JSON.parse(readFileSync(job.outputs('env')['report-path']!, 'utf8'));
    expect(report.github.guard).toEqual([{ phase: 'before up', verdict: 'closed' }]);
    expect(report.removed.status).toBe('removed');
    expect(report.warnings.join('\n')).toMatch(/answered after up had started/);
    // No Deployment and no "deploying" comment for a PR that was closed: nothing to mark torn down either.
    expect(fake.deploymentsOf(repository, name)).toEqual([]);
    expect(fake.repo(repository).comments.filter((c) => c.issue === 405)).toEqual([]);
    await job.cleanup();
  });

  it('a push during the deploy ends superseded and leaves the environment for the newer run', async () => {
    const head = sha('lifecycle-3');
    const newer = sha('lifecycle-3-newer');
    fake.pull(repository, 403, { headSha: head });
    const before = fake.callsOf('pulls/get').length;
    fake.after('pulls/get', before + 1, () => fake.pull(repository, 403, { headSha: newer }));
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(403, head),
      steps: [provision({ keep: 'true' })],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('env').status).toBe('superseded');
    expect(leftovers(name).containers.length).toBeGreaterThan(0);
    expect(fake.repo(repository).comments.find((c) => c.issue === 403)?.body).toMatch(
      new RegExp(`Superseded[\\s\\S]*${newer.slice(0, 12)}`),
    );
    // fail-on-superseded turns it into a failure
    fake.pull(repository, 403, { headSha: head });
    const again = fake.callsOf('pulls/get').length;
    fake.after('pulls/get', again + 1, () => fake.pull(repository, 403, { headSha: newer }));
    const strict = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(403, head),
      steps: [provision({ keep: 'true', 'fail-on-superseded': 'true' })],
    });
    expect(strict.status, dump(strict.logText())).toBe('failure');
    expect(strict.outputs('env').status).toBe('superseded');
    await job.cleanup();
    await strict.cleanup();
  });

  it('a fork’s PR gets its job summary and no comment or deployment call, and does not fail', async () => {
    const head = sha('lifecycle-4');
    const writesBefore = fake.writes().length;
    const job = await runJob({
      repository,
      github: fake,
      workspace: repoRoot,
      event: event(404, head, true),
      steps: [provision()],
    });
    names.push(job.outputs('env')['environment-name']!);
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('env').status).toBe('ready');
    expect(fake.writes().slice(writesBefore)).toEqual([]);
    expect(job.summary).toMatch(/comment skipped.*fork/);
    expect(job.steps.flatMap((s) => s.annotations).filter((a) => a.level === 'error')).toEqual([]);
    await job.cleanup();
  });
});
