/**
 * What the actions say when something is wrong (issue 8, the smaller items), on the real engine:
 * - a missing `env_file` names the file and the service that needs it, with a fix;
 * - a service that never became healthy shows its healthcheck output, not "(no output)".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/messages';
const names: string[] = [];
afterAll(() => {
  for (const name of names) forceRemove(name);
});

describe('messages', () => {
  it('a missing env_file names the file and the service, before anything starts', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(831, sha('envfile')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/env-file' },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status).toBe('failure');
    const error = job.steps[0]!.annotations.find((a) => a.level === 'error')!.message;
    expect(error, dump(job.logText())).toMatch(/services\.api\.env_file/);
    expect(error).toMatch(/api\.env/);
    expect(error).toMatch(/Fix: create .*api\.env|Fix: .*create it/);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('a service that never became healthy: the healthcheck output, not "(no output)"', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(832, sha('neverhealthy')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/slow', services: 'db', wait: 'false' },
        },
        { id: 'ready', uses: 'wait-ready', with: { 'compose-services': 'db', timeout: '4s' } },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    const ready = job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!;
    expect(ready.outcome, dump(job.logText())).toBe('failure');
    expect(job.summary).toMatch(/db .*starting/);
    expect(job.summary).toMatch(/healthcheck exit 1/);
    expect(job.summary).not.toMatch(/\(no output\)/);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });
});
