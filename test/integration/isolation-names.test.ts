/**
 * Fixed names in real compose files (issue 8, defects 4 and 5), on the real engine:
 * - a network and a volume with a fixed `name:` get a per-environment name, so two PRs never share them and
 *   tearing one down removes its own and leaves the other's untouched;
 * - `container_name` is removed by default and the old name stays reachable as a network alias inside the
 *   PR's own network; `container-name: refuse` keeps the refusal and lists every offending service of the
 *   selected set in one error.
 * Names in the fixtures carry EPHEMERAL_TEST_RUN, unique to this run, so nothing collides on the shared engine.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, leftovers, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/names';
const RUN = `t${process.pid}`;
const env = { EPHEMERAL_TEST_RUN: RUN };
const names: string[] = [];

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function removeFixed(): void {
  for (const [kind, name] of [
    ['container', `legacy-web-${RUN}`],
    ['container', `legacy-cache-${RUN}`],
    ['container', `legacy-admin-${RUN}`],
    ['network', `shared-backend-${RUN}`],
    ['volume', `shared-data-${RUN}`],
  ] as const) {
    try {
      execFileSync('docker', kind === 'container' ? ['rm', '-f', name] : [kind, 'rm', name], {
        stdio: 'ignore',
      });
    } catch {
      // not there: the test passed
    }
  }
}

afterAll(() => {
  for (const name of names) forceRemove(name);
  removeFixed();
});

/** Networks and volumes of project `name`, by name. */
function resources(name: string): { networks: string[]; volumes: string[] } {
  const left = leftovers(name);
  return { networks: left.networks, volumes: left.volumes };
}

describe('fixed names', () => {
  it('a network and a volume with a fixed name: per-environment names, two PRs side by side, teardown of one leaves the other', async () => {
    const provision = (pr: number) =>
      runJob({
        repository,
        workspace: repoRoot,
        env: { ...env, PR_MARK: `pr-${pr}` },
        event: prEvent(pr, sha(`names${pr}`)),
        steps: [
          {
            id: 'env',
            uses: 'provision-compose',
            with: { 'working-directory': 'test/fixtures/compose/shared-names', keep: 'true' },
          },
        ],
      });
    const a = await provision(811);
    const b = await provision(812);
    const nameA = a.outputs('env')['environment-name']!;
    const nameB = b.outputs('env')['environment-name']!;
    names.push(nameA, nameB);
    expect(a.status, dump(a.logText())).toBe('success');
    expect(b.status, dump(b.logText())).toBe('success');
    // Nothing was created under the fixed names; each environment has its own network and volume.
    expect(docker(['network', 'ls', '-q', '--filter', `name=^shared-backend-${RUN}$`])).toBe('');
    expect(docker(['volume', 'ls', '-q', '--filter', `name=^shared-data-${RUN}$`])).toBe('');
    const ra = resources(nameA);
    const rb = resources(nameB);
    expect(ra.networks).toContain(`${nameA}_backend`);
    expect(ra.volumes).toContain(`${nameA}_data`);
    expect(rb.networks).toContain(`${nameB}_backend`);
    expect(rb.volumes).toContain(`${nameB}_data`);
    // The summary says so.
    expect(a.summary).toMatch(/shared-backend-t\d+.*→.*_backend/);
    expect(a.summary).toMatch(/shared-data-t\d+.*→.*_data/);
    // Each PR wrote to its own volume.
    const owner = (volume: string) =>
      docker(['run', '--rm', '-v', `${volume}:/data:ro`, 'busybox:1.35', 'cat', '/data/owner']);
    expect(owner(`${nameA}_data`)).toBe('pr-811');
    expect(owner(`${nameB}_data`)).toBe('pr-812');
    const before = leftovers(nameB);
    const down = await runJob({
      repository,
      event: prEvent(811, sha('names811'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(down.outputs('down').status, dump(down.logText())).toBe('removed');
    expect(nothingLeft(nameA)).toBe(true);
    expect(leftovers(nameB)).toEqual(before);
    const downB = await runJob({
      repository,
      event: prEvent(812, sha('names812'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(downB.outputs('down').status, dump(downB.logText())).toBe('removed');
    expect(nothingLeft(nameB)).toBe(true);
    for (const j of [a, b, down, downB]) await j.cleanup();
  });

  it('container_name: removed, the old name kept as a network alias, every such service listed', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      env,
      event: prEvent(813, sha('cname')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'test/fixtures/compose/container-names',
            services: 'web, client',
            'one-shots': 'client',
          },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('success');
    const services = JSON.parse(job.outputs('env').services!);
    // client reached web by its old container name, inside the PR's own network.
    expect(services.client).toMatchObject({ state: 'exited', exitCode: 0, verdict: 'done' });
    // The selected services and their dependencies only: admin is not started and not listed.
    expect(Object.keys(services).sort()).toEqual(['cache', 'client', 'web']);
    expect(job.summary).not.toMatch(/\badmin\b/);
    // Every service so treated is listed in the summary; no container has the fixed name.
    expect(job.summary).toMatch(/container_name/);
    expect(job.summary).toMatch(/\bweb\b.*legacy-web-t\d+/);
    expect(job.summary).toMatch(/\bcache\b.*legacy-cache-t\d+/);
    expect(docker(['ps', '-aq', '--filter', `name=legacy-web-${RUN}`])).toBe('');
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });

  it('container-name: refuse lists every offending service of the selected set in one error', async () => {
    const job = await runJob({
      repository,
      workspace: repoRoot,
      env,
      event: prEvent(814, sha('cname-refuse')),
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'test/fixtures/compose/container-names',
            services: 'client',
            'container-name': 'refuse',
          },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status).toBe('failure');
    const errors = job.steps[0]!.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors, dump(job.logText())).toHaveLength(1);
    // client depends on web and cache, which set container_name; admin is not selected.
    expect(errors[0]).toMatch(/Input "container-name"/);
    expect(errors[0]).toMatch(/web \(legacy-web-t\d+\)/);
    expect(errors[0]).toMatch(/cache \(legacy-cache-t\d+\)/);
    expect(errors[0]).not.toMatch(/admin/);
    expect(job.logText()).not.toMatch(/Container .* (Created|Started)/);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });
});
