/**
 * A cancelled run leaves nothing (SIGINT mid-`up`, then the post step), and two PRs of the same
 * fixed-port compose file run side by side; tearing one down leaves the other untouched.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, leftovers, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/isolation';
const names: string[] = [];
afterAll(() => {
  for (const name of names) forceRemove(name);
});

describe('cancel and isolation', () => {
  it('cancel mid-provision: the step stops, and post leaves nothing', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(301, sha('cancel')),
      cancel: { step: 'env', when: /Container \S+-db-1\s+(Started|Waiting|Healthy)/ },
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/slow', 'wait-timeout': '10m' },
        },
        { id: 'ready', uses: 'wait-ready', with: { 'compose-services': 'all' } },
      ],
    });
    const name = job.env.EPHEMERAL_ENVIRONMENT ?? '';
    names.push(name);
    expect(name).toMatch(/^isolation-pr-301-/);
    expect(job.status, dump(job.logText())).toBe('cancelled');
    const main = job.steps.find((s) => s.id === 'env' && s.phase === 'main')!;
    expect(main.outcome).toBe('cancelled');
    expect(main.stdout).toMatch(/Received SIGINT/);
    expect(job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!.outcome).toBe('skipped');
    expect(job.steps.find((s) => s.id === 'env' && s.phase === 'post')!.outcome).toBe('success');
    expect(leftovers(name)).toEqual({ containers: [], networks: [], volumes: [] });
    await job.cleanup();
  });

  it('two PRs of one fixed-port compose file side by side; tearing one down leaves the other', async () => {
    const run = (pr: number) =>
      runJob({
        repository,
        workspace: repoRoot,
        event: prEvent(pr, sha(`pr${pr}`)),
        steps: [
          {
            id: 'env',
            uses: 'provision-compose',
            with: { 'working-directory': 'test/fixtures/compose/web', keep: 'true' },
          },
        ],
      });
    const [a, b] = await Promise.all([run(302), run(303)]);
    const nameA = a.outputs('env')['environment-name']!;
    const nameB = b.outputs('env')['environment-name']!;
    names.push(nameA, nameB);
    expect(a.status, dump(a.logText())).toBe('success');
    expect(b.status, dump(b.logText())).toBe('success');
    expect(nameA).not.toBe(nameB);
    const portA = JSON.parse(a.outputs('env').services!).web.ports['80/tcp'];
    const portB = JSON.parse(b.outputs('env').services!).web.ports['80/tcp'];
    expect(portA).not.toBe(portB);
    for (const hostPort of [portA, portB]) {
      const response = await fetch(`http://${hostPort}/health`);
      expect(response.status).toBe(200);
    }
    const before = leftovers(nameB);
    const down = await runJob({
      repository,
      event: prEvent(302, sha('pr302'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(down.outputs('down')).toMatchObject({ 'environment-name': nameA, status: 'removed' });
    expect(nothingLeft(nameA)).toBe(true);
    expect(leftovers(nameB)).toEqual(before);
    expect((await fetch(`http://${portB}/health`)).status).toBe(200);
    const downB = await runJob({
      repository,
      event: prEvent(303, sha('pr303'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(downB.outputs('down').status).toBe('removed');
    expect(nothingLeft(nameB)).toBe(true);
    for (const j of [a, b, down, downB]) await j.cleanup();
  });
});
