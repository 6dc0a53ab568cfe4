/**
 * The main job for real: provision-compose → wait-ready → teardown on a real Docker engine, run from the
 * bundled dist under the runner harness, and nothing left behind. Also: teardown twice ("already gone").
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/lifecycle';
const head = sha('lifecycle');
const names: string[] = [];

afterAll(() => {
  for (const name of names) forceRemove(name);
});

describe('Compose lifecycle', () => {
  it('provisions, proves the new commit is live, tears down, and leaves nothing', async () => {
    const job = await runJob({
      repository,
      sha: head,
      workspace: repoRoot,
      event: prEvent(101, head),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/web', 'wait-timeout': '2m' },
        },
        {
          id: 'ready',
          uses: 'wait-ready',
          with: {
            url: 'http://{web:80}/health',
            'expect-json': '{"status": "ok"}',
            'expect-commit': head,
            timeout: '60s',
            interval: '250ms',
          },
        },
        { id: 'down', uses: 'teardown' },
      ],
    });
    const log = job.logText();
    const env = job.outputs('env');
    names.push(env['environment-name']!);
    expect(job.status, dump(log)).toBe('success');

    // identity
    expect(env['environment-name']).toMatch(/^lifecycle-pr-101-[0-9a-f]{6}$/);
    expect(env['project-name']).toBe(env['environment-name']);
    expect(env['concurrency-key']).toBe('ephemeral-acme/lifecycle-pr-101');
    expect(job.env.COMPOSE_PROJECT_NAME).toBe(env['environment-name']);
    expect(job.env.EPHEMERAL_ENVIRONMENT).toBe(env['environment-name']);

    // services: the one-shot counts as done, the fixed port 8080 became ephemeral
    const services = JSON.parse(env.services!);
    expect(services.init).toMatchObject({ state: 'exited', exitCode: 0, verdict: 'done' });
    expect(services.web).toMatchObject({ state: 'running', health: 'healthy', verdict: 'ready' });
    expect(services.web.ports['80/tcp']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(services.web.ports['80/tcp']).not.toBe('127.0.0.1:8080');

    // readiness, with the commit
    const ready = job.outputs('ready');
    expect(ready.ready).toBe('true');
    expect(JSON.parse(ready.probes!).url).toMatchObject({ ready: true });
    expect(Number(ready['time-to-ready-ms'])).toBeGreaterThanOrEqual(0);

    // teardown removed the containers, network and volume
    const down = job.outputs('down');
    expect(down.status).toBe('removed');
    const removed = JSON.parse(down.removed!);
    expect(removed.containers).toHaveLength(2);
    expect(removed.volumes).toEqual([`${env['environment-name']}_www`]);
    expect(removed.networks).toEqual([`${env['environment-name']}_default`]);
    expect(nothingLeft(env['environment-name']!)).toBe(true);

    // the post step ran last and found the environment already gone
    const post = job.steps.find((s) => s.id === 'env' && s.phase === 'post')!;
    expect(post.outcome).toBe('success');
    expect(post.stdout).toMatch(/already gone/);

    // reports: summary sections for each action, JSON reports on disk
    expect(job.summary).toContain(`ephemeral · provision-compose · \`${env['environment-name']}\``);
    expect(job.summary).toMatch(/\| web \| running \| healthy \| 80\/tcp → `127\.0\.0\.1:\d+` \|/);
    expect(job.summary).toContain('ephemeral · wait-ready');
    expect(job.summary).toContain('**Teardown:** removed');
    const report = JSON.parse(readFileSync(env['report-path']!, 'utf8'));
    expect(report).toMatchObject({
      schema: 'ephemeral-report/v1',
      action: 'provision-compose',
      result: 'success',
      environment: { pr: 101, headSha: head },
    });
    await job.cleanup();
  });

  it('keep leaves the environment for a closed-PR teardown; a second teardown says "already gone"', async () => {
    const pr = prEvent(102, head);
    const kept = await runJob({
      repository,
      workspace: repoRoot,
      event: pr,
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/web', keep: 'true' },
        },
      ],
    });
    const name = kept.outputs('env')['environment-name']!;
    names.push(name);
    expect(kept.status, dump(kept.logText())).toBe('success');
    expect(kept.steps.find((s) => s.phase === 'post')!.outcome).toBe('skipped');
    expect(nothingLeft(name)).toBe(false);

    // A closed-PR workflow: a new job, no checkout, only the event.
    const closed = prEvent(102, head, 'closed', 'closed');
    const first = await runJob({ repository, event: closed, steps: [{ id: 'down', uses: 'teardown' }] });
    expect(first.status, dump(first.logText())).toBe('success');
    expect(first.outputs('down')).toMatchObject({ 'environment-name': name, status: 'removed' });
    expect(nothingLeft(name)).toBe(true);

    const second = await runJob({ repository, event: closed, steps: [{ id: 'down', uses: 'teardown' }] });
    expect(second.status, dump(second.logText())).toBe('success');
    expect(second.outputs('down').status).toBe('already-gone');
    expect(second.logText()).toMatch(/already gone/);
    for (const job of [kept, first, second]) await job.cleanup();
  });
});
