/**
 * A push always runs the code of its commit (issue 8, defect 1), on the real engine: a second push to the
 * same pull request, whose build input changed, serves the new code with the default inputs; teardown then
 * removes the images this environment built and never an image it did not build (the base image stays).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/rebuild';
const names: string[] = [];
const dirs: string[] = [];

/** Images named after the environment's Compose project, or labelled with its environment. */
function imagesOf(name: string): string[] {
  const out = new Set<string>();
  for (const filter of [`reference=${name}-*`, `label=ephemeral.dev/environment=${name}`]) {
    for (const line of execFileSync(
      'docker',
      ['image', 'ls', '--filter', filter, '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'],
      { encoding: 'utf8' },
    ).split('\n'))
      if (line.trim()) out.add(line.trim());
  }
  return [...out].sort();
}

afterAll(() => {
  for (const name of names) {
    forceRemove(name);
    for (const image of imagesOf(name))
      execFileSync('docker', ['image', 'rm', '-f', image.split(' ')[0]!], { stdio: 'ignore' });
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a push runs the code of its commit', () => {
  it('push 2 serves push 2, and teardown removes the images this environment built', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ephemeral-rebuild-'));
    dirs.push(workspace);
    cpSync(join(repoRoot, 'test/fixtures/compose/push-build'), workspace, { recursive: true });
    const push = async (n: number) => {
      writeFileSync(join(workspace, 'version.txt'), `push ${n}\n`);
      const job = await runJob({
        repository,
        workspace,
        event: prEvent(821, sha(`push${n}`)),
        steps: [{ id: 'env', uses: 'provision-compose', with: { keep: 'true' } }],
      });
      expect(job.status, dump(job.logText())).toBe('success');
      const port = JSON.parse(job.outputs('env').services!).web.ports['80/tcp'];
      const body = (await (await fetch(`http://${port}/version`)).text()).trim();
      return { job, body, name: job.outputs('env')['environment-name']! };
    };
    const first = await push(1);
    names.push(first.name);
    expect(first.body).toBe('push 1');
    const second = await push(2);
    expect(second.name).toBe(first.name);
    expect(second.body).toBe('push 2');
    expect(imagesOf(first.name).length).toBeGreaterThan(0);
    const down = await runJob({
      repository,
      event: prEvent(821, sha('push2'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(down.outputs('down').status, dump(down.logText())).toBe('removed');
    expect(nothingLeft(first.name)).toBe(true);
    // No image this environment built is left (push 1's, untagged by push 2's build, included)…
    expect(imagesOf(first.name)).toEqual([]);
    expect(JSON.parse(down.outputs('down').removed!).images.length).toBeGreaterThan(0);
    // …and the base image, which it did not build, is still there.
    expect(
      execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', 'busybox:1.35'], {
        encoding: 'utf8',
      }).trim(),
    ).toMatch(/^sha256:/);
    for (const j of [first.job, second.job, down]) await j.cleanup();
  });
});
