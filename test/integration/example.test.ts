/**
 * The example stack (PostgreSQL, Redis, migration and seed one-shots, a Node API built from source):
 * `npm run demo` itself under Node 24 and Node 20, and a failing run whose password appears nowhere —
 * not in the log, the job summary, the reports or the diagnostics bundle.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const node24 = process.env.EPHEMERAL_TEST_NODE || process.execPath;
const runtimes: Array<[string, string]> = [
  [`Node 24 (${execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim()})`, node24],
  [`Node 20 (${process.version})`, process.execPath],
];
const names: string[] = [];
afterAll(() => {
  for (const name of names) forceRemove(name);
});

describe('examples/compose-app', () => {
  it.each(runtimes)('npm run demo passes with the actions on %s and leaves nothing', (_, node) => {
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/demo.ts', '--node', node], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const out = result.stdout + result.stderr;
    expect(result.status, out.slice(-5000)).toBe(0);
    const name = /environment:\s+(\S+)/.exec(out)?.[1] ?? '';
    names.push(name);
    expect(name).toMatch(/^webapp-pr-42-[0-9a-f]{6}$/);
    expect(out).toMatch(/services:\s+.*api 8080\/tcp → 127\.0\.0\.1:\d+/);
    expect(out).toMatch(/ready:\s+true in \d+ ms \(commit [0-9a-f]{12} live\)/);
    expect(out).toMatch(/teardown:\s+removed .*"volumes":\["webapp-pr-42-[0-9a-f]{6}_db-data"\]/);
    expect(out).toContain('left behind:   nothing');
    expect(out).toMatch(/\| migrate \| exited \(exit 0\)( · one-shot)? \|/);
    expect(nothingLeft(name)).toBe(true);
  });

  it('a failing run never writes the database password anywhere', async () => {
    const password = 'Pw-9f3b7c1e-never-in-logs';
    const job = await runJob({
      repository: 'acme/secrets',
      workspace: repoRoot,
      event: prEvent(401, sha('secrets')),
      env: { POSTGRES_PASSWORD: password },
      steps: [
        {
          id: 'env',
          uses: 'provision-compose',
          with: {
            'working-directory': 'examples/compose-app',
            'compose-files': 'compose.yaml\ncompose.unhealthy.yaml',
            'wait-timeout': '90s',
            'upload-report': 'always',
          },
        },
      ],
    });
    const name = job.outputs('env')['environment-name']!;
    names.push(name);
    expect(job.status, dump(job.logText())).toBe('failure');
    expect(job.steps[0]!.stdout).toMatch(/Service\(s\) failed: api \(running, unhealthy[:)]/);
    // the seed and migration ran with the password, so it was really in play
    const diagnostics = job.outputs('env')['diagnostics-path']!;
    const config = readFileSync(join(diagnostics, 'config.redacted.yaml'), 'utf8');
    expect(config).toMatch(/POSTGRES_PASSWORD: "\*\*\*"/);
    expect(config).toMatch(/PGPASSWORD: "\*\*\*"/);
    expect(readFileSync(join(diagnostics, 'logs/api.log'), 'utf8').length).toBeGreaterThan(0);
    expect(
      JSON.parse(readFileSync(join(diagnostics, 'containers.json'), 'utf8')).find(
        (c: { service: string }) => c.service === 'api',
      ).healthOutput,
    ).toMatch(/404/);
    // nowhere: the log as the runner shows it, the summary, any file the job wrote
    expect(job.logText()).not.toContain(password);
    expect(job.summary).not.toContain(password);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(job.runnerTemp);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8').includes(password), file).toBe(false);
    expect(nothingLeft(name)).toBe(true);
    await job.cleanup();
  });
});
