/**
 * "Ready" means ready (issue 8, defects 2, 3 and 6; issue 9, defect 4), on the real engine through the
 * bundled actions:
 * - a one-shot that is still running is not ready, and the environment is not ready before it exited 0;
 * - a one-shot that exits non-zero fails the step at once, with its log tail (escape sequences stripped);
 * - a service in a crash loop (restart: always, exit 3) fails the step at once, not at the deadline;
 * - a container killed while wait-ready waits fails wait-ready at once, with its exit code and log tail;
 * - a TCP probe on a Compose service passes only when the service accepts connections, not when Docker's
 *   port proxy answers for a container in which nothing listens.
 * "At once" is asserted by what the step says (the service's failure, not the deadline message), never by
 * timing: every deadline here is minutes away.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/ready';
const names: string[] = [];
afterAll(() => {
  for (const name of names) forceRemove(name);
});

const ESC = '\u001b';

/** provision-compose alone on a fixture of test/fixtures/compose, as PR `pr`. */
async function provisionFixture(pr: number, fixture: string, extra: Record<string, string> = {}) {
  const job = await runJob({
    repository,
    workspace: repoRoot,
    event: prEvent(pr, sha(fixture)),
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        with: { 'working-directory': `test/fixtures/compose/${fixture}`, ...extra },
      },
    ],
  });
  const name = job.outputs('env')['environment-name']!;
  names.push(name);
  return { job, name, main: job.steps[0]! };
}

describe('ready means ready', () => {
  it('a running one-shot is not ready: provision-compose waits until it exited 0', async () => {
    const { job, name } = await provisionFixture(801, 'one-shot', {
      'one-shots': 'wait-for-services',
      'wait-timeout': '5m',
    });
    expect(job.status, dump(job.logText())).toBe('success');
    const services = JSON.parse(job.outputs('env').services!);
    // Reported ready only once the one-shot had finished: it exited 0 (the app answered it).
    expect(services['wait-for-services']).toMatchObject({
      state: 'exited',
      exitCode: 0,
      verdict: 'done',
      oneShot: true,
    });
    expect(services.app).toMatchObject({ state: 'running', verdict: 'ready', oneShot: false });
    expect(job.summary).toMatch(/wait-for-services/);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it("wait-ready's compose probe is not ready while a one-shot runs", async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(802, sha('oneshot2')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'test/fixtures/compose/one-shot',
            'one-shots': 'wait-for-services',
            wait: 'false',
          },
        },
        { id: 'ready', uses: 'wait-ready', with: { 'compose-services': 'all', timeout: '5m' } },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    const ready = job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!;
    const report = JSON.parse(readFileSync(ready.outputs['report-path']!, 'utf8'));
    // The probe's last answer, when it turned ready, shows the one-shot done (exited 0), not running.
    expect(report.probes[0].last).toMatch(/wait-for-services: exited exit 0/);
    expect(report.probes[0].last).not.toMatch(/wait-for-services: running/);
    await job.cleanup();
  });

  it('a one-shot that exits non-zero fails the step at once with its log tail, without escape sequences', async () => {
    const { job, name, main } = await provisionFixture(803, 'one-shot-fails', { 'wait-timeout': '10m' });
    expect(main.outcome, dump(job.logText())).toBe('failure');
    expect(main.stdout).toMatch(/::error.*migrate.*exit(ed)? 2/);
    expect(main.stdout).not.toMatch(/did not happen within/);
    // The ordered start (compose/ordered-start.ts) ran it, and left api, which needs it done, unstarted.
    expect(main.stdout).toMatch(/Starting the services in dependency order/);
    expect(main.stdout).toMatch(/completed successfully was required\); not started: api/);
    expect(main.stdout).not.toMatch(/during the wait/); // it failed during `up`, before any wait
    // The log tail is in the annotation and the summary, with the terminal escape sequences stripped.
    expect(main.stdout).toMatch(/ERROR: relation "users" already exists/);
    expect(job.summary).toMatch(/ERROR: relation "users" already exists/);
    for (const text of [job.summary, ...main.annotations.map((a) => a.message)]) {
      expect(text).not.toContain(ESC);
      expect(text).not.toContain('[2K');
    }
    expect(JSON.parse(main.outputs.services!).migrate).toMatchObject({ verdict: 'failed', exitCode: 2 });
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('a crash loop (restart: always, exit 3) fails the step at once with its log tail', async () => {
    const { job, name, main } = await provisionFixture(804, 'crash-loop', { 'wait-timeout': '10m' });
    expect(main.outcome, dump(job.logText())).toBe('failure');
    expect(main.stdout).toMatch(/::error.*worker \((restarting|exited|running)[^)]*exit 3/);
    expect(main.stdout).not.toMatch(/did not happen within/);
    expect(main.stdout).toMatch(/worker: cannot reach the queue/);
    expect(JSON.parse(main.outputs.services!).worker.verdict).toBe('failed');
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('a container killed during the wait fails wait-ready at once with its exit code and log tail', async () => {
    let killed = false;
    let project = '';
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(805, sha('killed')),
      onLine: (step, phase, line) => {
        if (killed || step !== 'ready' || phase !== 'main' || !line.includes('Waiting up to')) return;
        killed = true;
        const id = execFileSync(
          'docker',
          [
            'ps',
            '-q',
            '--filter',
            `label=com.docker.compose.project=${project}`,
            '--filter',
            'label=com.docker.compose.service=web',
          ],
          { encoding: 'utf8' },
        ).trim();
        if (id) execFileSync('docker', ['kill', id], { stdio: 'ignore' });
      },
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/killed', wait: 'false' },
        },
        {
          id: 'ready',
          uses: 'wait-ready',
          with: (ctx) => {
            project = ctx.env.EPHEMERAL_ENVIRONMENT ?? '';
            return { 'compose-services': 'web', url: 'http://{web:80}/', timeout: '10m' };
          },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(project).not.toBe('');
    expect(killed).toBe(true);
    const ready = job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!;
    expect(ready.outcome, dump(job.logText())).toBe('failure');
    expect(ready.stdout).toMatch(/::error.*web.*(exited|died).*137/);
    expect(ready.stdout).not.toMatch(/did not happen within/);
    expect(ready.stdout).toMatch(/web: starting/);
    expect(ready.outputs.ready).toBe('false');
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('a TCP probe passes only when the service listens, not when the port proxy answers', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(806, sha('tcp')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/tcp' },
        },
        { id: 'listening', uses: 'wait-ready', with: { tcp: '{listener:5432}', timeout: '2m' } },
        { id: 'silent', uses: 'wait-ready', with: { tcp: '{silent:5432}', timeout: '5s' } },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    const listening = job.steps.find((s) => s.id === 'listening' && s.phase === 'main')!;
    expect(listening.outcome, dump(job.logText())).toBe('success');
    const silent = job.steps.find((s) => s.id === 'silent' && s.phase === 'main')!;
    expect(silent.outcome, dump(job.logText())).toBe('failure');
    expect(silent.outputs.ready).toBe('false');
    expect(silent.stdout).not.toMatch(/✔ tcp/);
    expect(silent.stdout).toMatch(/tcp#1 .*not ready.*(refused|nothing listens)/i);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });
});
