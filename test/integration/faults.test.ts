/**
 * Faults and foreign objects on the Docker engine (issue 9): a teardown that cannot reach the engine never
 * says "already gone" (defect 3); every action sets `status` and `report-path` when the engine is
 * unreachable (defect 5); an existing network or volume with the environment's name that lacks our labels
 * is refused before `up`, named, and left as it was (defect 6).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JobResult, runJob } from '../harness/job.js';
import { dump, errorText, forceRemove, leftovers, prEvent, sha } from './helpers.js';

const repository = `acme/faults${process.pid}`;
const workspace = mkdtempSync(join(tmpdir(), 'faults-ws-'));
const jobs: JobResult[] = [];
const names: string[] = [];
const foreign: Array<['network' | 'volume', string]> = [];
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/ephemeral-faults.sock' };

mkdirSync(join(workspace, 'stack'), { recursive: true });
writeFileSync(
  join(workspace, 'stack/compose.yaml'),
  'services:\n  app:\n    image: busybox:1.35\n    command: ["sh", "-c", "echo hi > /data/x; sleep 300"]\n    volumes: [data:/data]\nvolumes:\n  data: {}\n',
);
writeFileSync(
  join(workspace, 'checks.yaml'),
  'connections:\n  db: { kind: postgres, exec: { service: db } }\nchecks:\n  - { kind: sql, connection: db, query: SELECT 1 }\n',
);

async function job(pr: number, steps: Parameters<typeof runJob>[0]['steps'], env = {}): Promise<JobResult> {
  const result = await runJob({ repository, workspace, event: prEvent(pr, sha(`faults-${pr}`)), env, steps });
  jobs.push(result);
  return result;
}

/** The environment name of PR `pr` (from a teardown that finds nothing). */
async function nameOf(pr: number): Promise<string> {
  const probe = await job(pr, [{ id: 'down', uses: 'teardown' }]);
  const name = probe.outputs('down')['environment-name']!;
  names.push(name);
  return name;
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

afterAll(async () => {
  for (const name of names) forceRemove(name);
  for (const [kind, name] of foreign) {
    try {
      docker(kind, 'rm', name);
    } catch {
      // already gone
    }
  }
  for (const j of jobs) await j.cleanup();
  rmSync(workspace, { recursive: true, force: true });
});

describe('faults on the engine', () => {
  it('defect 3: teardown that cannot reach the engine fails with what docker said and status=error, never "already gone"', async () => {
    const result = await job(31, [{ id: 'down', uses: 'teardown' }], NO_ENGINE);
    const main = result.steps[0]!;
    expect(main.outcome).toBe('failure');
    expect(main.outputs.status).toBe('error');
    expect(result.logText()).not.toMatch(/already gone/i);
    const error = errorText(main);
    expect(error).toMatch(/ephemeral-faults\.sock|Cannot connect to the Docker daemon/);
    expect(existsSync(main.outputs['report-path'] ?? '')).toBe(true);
  });

  it.each([
    ['provision-compose', { 'working-directory': 'stack' }],
    ['wait-ready', { 'compose-services': 'app', project: 'faults-none', timeout: '5s' }],
    ['verify-seed', { spec: 'checks.yaml', project: 'faults-none', timeout: '10s' }],
    ['teardown', {}],
  ])(
    'defect 5: %s sets status=error and report-path when the engine is unreachable',
    async (uses, inputs) => {
      const result = await job(32, [{ id: 'step', uses, with: inputs }], NO_ENGINE);
      const main = result.steps.find((s) => s.phase === 'main')!;
      expect(main.outcome, dump(result.logText())).toBe('failure');
      expect(main.outputs.status).toBe('error');
      expect(existsSync(main.outputs['report-path'] ?? '')).toBe(true);
    },
  );

  it.each([
    ['volume', 'data'],
    ['network', 'default'],
  ] as const)(
    "defect 6: an unlabelled %s with the environment's name is refused before up, named, and left alone",
    async (kind, suffix) => {
      const pr = kind === 'volume' ? 33 : 34;
      const name = await nameOf(pr);
      const object = `${name}_${suffix}`;
      docker(kind, 'create', object);
      foreign.push([kind, object]);
      const result = await job(pr, [
        {
          id: 'env',
          uses: 'provision-compose',
          with: { 'working-directory': 'stack', 'wait-timeout': '30s' },
        },
      ]);
      const main = result.steps.find((s) => s.id === 'env' && s.phase === 'main')!;
      expect(main.outcome).toBe('failure');
      const error = errorText(main);
      expect(error).toContain(`${kind} "${object}"`);
      expect(error).toMatch(/Fix: /);
      expect(result.logText()).not.toMatch(/Container .* (Created|Started)/);
      // Left as it was: still there, still unlabelled, used by no container.
      expect(docker(kind, 'inspect', object, '--format', '{{json .Labels}}')).toMatch(/^(null|\{\})$/);
      const left = leftovers(name);
      expect(left.containers).toEqual([]);
      if (kind === 'volume')
        expect(docker('ps', '-a', '--filter', `volume=${object}`, '--format', '{{.Names}}')).toBe('');
    },
  );
});
