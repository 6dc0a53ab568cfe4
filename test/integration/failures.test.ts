/**
 * Failure paths on a real Docker engine: an unhealthy service, a container_name, a foreign project of the
 * same name. Each fails clearly, and nothing is left behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, leftovers, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/failures';
const names: string[] = [];
afterAll(() => {
  for (const name of names) forceRemove(name);
});

describe('failures', () => {
  it('an unhealthy service: wait-ready fails within its deadline with diagnostics, and post leaves nothing', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(201, sha('unhealthy')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/unhealthy', wait: 'false' },
        },
        {
          id: 'ready',
          uses: 'wait-ready',
          with: {
            'compose-services': 'all',
            url: 'http://{web:80}/health',
            timeout: '8s',
            interval: '500ms',
          },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    const log = job.logText();
    expect(job.status, dump(log)).toBe('failure');
    const ready = job.steps.find((s) => s.id === 'ready' && s.phase === 'main')!;
    expect(ready.outcome).toBe('failure');
    expect(ready.durationMs).toBeLessThan(8000 + 15_000); // deadline + diagnostics + process start
    expect(ready.outputs.ready).toBe('false');
    // The last response of every probe, and the environment's diagnostics.
    expect(ready.stdout).toMatch(
      /url \(http:\/\/127\.0\.0\.1:\d+\/health\) not ready after \d+ attempt\(s\); last: status 404/,
    );
    expect(ready.stdout).toMatch(/compose .* not ready after .*(unhealthy|starting)/);
    const diagnostics = ready.outputs['diagnostics-path']!;
    for (const file of ['ps.json', 'containers.json', 'logs/web.log'])
      expect(existsSync(join(diagnostics, file)), file).toBe(true);
    const containers = JSON.parse(readFileSync(join(diagnostics, 'containers.json'), 'utf8'));
    expect(containers[0]).toMatchObject({ service: 'web', health: 'unhealthy' });
    expect(job.summary).toContain('Diagnostics excerpt');
    const report = JSON.parse(readFileSync(ready.outputs['report-path']!, 'utf8'));
    expect(report.result).toBe('failure');
    expect(report.probes.map((p: { ready: boolean }) => p.ready)).toEqual([false, false]);
    // post ran after the failure and removed everything
    expect(job.steps.find((s) => s.id === 'env' && s.phase === 'post')!.outcome).toBe('success');
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('provision-compose waiting on an unhealthy service fails fast with diagnostics, and post leaves nothing', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(202, sha('unhealthy2')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/unhealthy', 'wait-timeout': '60s' },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    const main = job.steps[0]!;
    expect(main.outcome, dump(job.logText())).toBe('failure');
    expect(main.durationMs).toBeLessThan(45_000);
    expect(main.stdout).toMatch(/::error.*Service\(s\) failed: web \(running, unhealthy[:)]/);
    expect(existsSync(join(main.outputs['diagnostics-path']!, 'logs/web.log'))).toBe(true);
    expect(JSON.parse(main.outputs.services!).web.verdict).toBe('failed');
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('container_name with container-name: refuse: a clear error before anything starts', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      event: prEvent(203, sha('named')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'test/fixtures/compose/named', 'container-name': 'refuse' },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status).toBe('failure');
    expect(job.steps[0]!.stdout).toMatch(
      /::error::Input "container-name": 1 selected service\(s\) set container_name: db \(shared-db\).*Fix: remove container_name/,
    );
    expect(job.logText()).not.toMatch(/Container .* (Created|Started)/);
    expect(nothingLeft(name)).toBe(true);
    expect(
      execFileSync('docker', ['ps', '-a', '--filter', 'name=shared-db', '--format', '{{.Names}}'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('');
    await job.cleanup();
  });

  it('teardown refuses a Compose project of the same name that it did not create, and leaves it alone', async () => {
    const pr = prEvent(204, sha('foreign'));
    const probe = await runJob({ repository, event: pr, steps: [{ id: 'down', uses: 'teardown' }] });
    const name = probe.outputs('down')['environment-name']!;
    names.push(name);
    // Someone else's project, started by hand under the same name.
    execFileSync(
      'docker',
      [
        'compose',
        '-p',
        name,
        '-f',
        join(repoRoot, 'test/fixtures/compose/slow/compose.yaml'),
        'up',
        '-d',
        'db',
      ],
      { stdio: 'pipe' },
    );
    const before = leftovers(name);
    expect(before.containers).toHaveLength(1);
    const job = await runJob({ repository, event: pr, steps: [{ id: 'down', uses: 'teardown' }] });
    expect(job.status).toBe('failure');
    expect(job.outputs('down').status).toBe('refused');
    expect(job.steps[0]!.stdout).toMatch(
      /::error::.*without the ephemeral\.dev\/managed-by=ephemeral label.*nothing was removed/,
    );
    expect(leftovers(name)).toEqual(before);
    // provision-compose refuses to deploy over it too, and its post leaves it in place.
    const provision = await runJob({
      repository,
      workspace: repoRoot,
      event: pr,
      steps: [
        { id: 'env', uses: 'provision-compose', with: { 'working-directory': 'test/fixtures/compose/web' } },
      ],
    });
    expect(provision.status).toBe('failure');
    expect(provision.steps[0]!.stdout).toMatch(/already runs containers these actions did not create/);
    expect(leftovers(name)).toEqual(before);
    for (const j of [probe, job, provision]) await j.cleanup();
  });
});
