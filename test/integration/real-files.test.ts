/**
 * A real compose file from a public project, unedited, run for two pull requests side by side on one engine
 * (issue 8): Airbyte's docker-compose.yaml, test/fixtures/compose/real/airbyte/, reproduced from
 * https://github.com/airbytehq/airbyte/blob/0264e35818fd704629936918f4b30043a6fdda4e/docker-compose.yaml
 * with its .env (https://github.com/airbytehq/airbyte/blob/0013a12b3a4bc3081052011a5df867cdcc64f78e/.env)
 * and flags.yml. It carries every hazard at once: fixed host ports (8000, 8001, 8003), container_name on all
 * eleven services, two named networks, three volumes with fixed names (`name: ${WORKSPACE_DOCKER_MOUNT}` …)
 * and two one-shots (init, bootloader) that gate the rest through `service_completed_successfully`.
 *
 * Adapted only where an image cannot exist here: the airbyte/* images are stand-ins built from local bases
 * (standin/, tagged airbyte/<role>:<VERSION> and removed at the end), and the host paths the file
 * bind-mounts (LOCAL_ROOT, HACK_LOCAL_ROOT_PARENT) are set in the job's env, as a workflow would, so they
 * point into a temporary directory instead of the machine's /tmp.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../harness/job.js';
import { dump, forceRemove, leftovers, nothingLeft, prEvent, repoRoot, sha } from './helpers.js';

const repository = 'acme/airbyte';
const FIXTURE = 'test/fixtures/compose/real/airbyte';
const VERSION = '0.39.39-alpha';
const ROLES: Record<string, string> = {
  init: 'busybox:1.35',
  bootloader: 'postgres:15',
  db: 'postgres:15',
  worker: 'busybox:1.35',
  server: 'busybox:1.35',
  webapp: 'busybox:1.35',
  temporal: 'busybox:1.35',
  cron: 'busybox:1.35',
  'connector-builder-server': 'busybox:1.35',
  proxy: 'busybox:1.35',
};
const FIXED_NAMES = ['airbyte_workspace', 'airbyte_data', 'airbyte_db'];
/** The file's container_name values. */
const CONTAINER_NAMES = [
  'init',
  'airbyte-bootloader',
  'airbyte-db',
  'airbyte-worker',
  'airbyte-server',
  'airbyte-webapp',
  'airbyte-temporal',
  'airbyte-cron',
  'airbyte-connector-builder-server',
  'airbyte-proxy',
];
const names: string[] = [];
const dirs: string[] = [];

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

beforeAll(() => {
  for (const [role, base] of Object.entries(ROLES)) {
    const tag = `airbyte/${role}:${VERSION}`;
    let label = '';
    try {
      label = docker([
        'image',
        'inspect',
        '--format',
        '{{index .Config.Labels "org.ephemeral.stand-in"}}',
        tag,
      ]);
    } catch {
      // absent: build it
    }
    if (label !== '' && label !== 'true')
      throw new Error(
        `${tag} exists and is not a stand-in; this test will not overwrite it. Remove it first.`,
      );
    execFileSync(
      'docker',
      ['build', '-q', '--build-arg', `ROLE=${role}`, '--build-arg', `BASE=${base}`, '-t', tag, '.'],
      { cwd: join(repoRoot, FIXTURE, 'standin'), stdio: 'ignore' },
    );
  }
});

afterAll(() => {
  for (const name of names) forceRemove(name);
  for (const role of Object.keys(ROLES)) {
    try {
      execFileSync('docker', ['image', 'rm', `airbyte/${role}:${VERSION}`], { stdio: 'ignore' });
    } catch {
      // in use elsewhere or gone
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function provision(pr: number) {
  const host = mkdtempSync(join(tmpdir(), `ephemeral-airbyte-${pr}-`));
  dirs.push(host);
  return runJob({
    repository,
    workspace: repoRoot,
    env: {
      HACK_LOCAL_ROOT_PARENT: host,
      LOCAL_ROOT: join(host, 'airbyte_local'),
      LOCAL_DOCKER_MOUNT: join(host, 'airbyte_local'),
    },
    event: prEvent(pr, sha(`airbyte${pr}`)),
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        with: { 'working-directory': FIXTURE, keep: 'true', 'wait-timeout': '5m' },
      },
    ],
  });
}

async function page(services: Record<string, { ports: Record<string, string> }>): Promise<string> {
  return (await (await fetch(`http://${services['airbyte-proxy']!.ports['8000/tcp']}/`)).text()).trim();
}

describe('a real compose file, two pull requests side by side', () => {
  it("Airbyte's docker-compose.yaml: both PRs isolated, one torn down without touching the other", async () => {
    const [a, b] = await Promise.all([provision(841), provision(842)]);
    const nameA = a.outputs('env')['environment-name']!;
    const nameB = b.outputs('env')['environment-name']!;
    names.push(nameA, nameB);
    expect(a.status, dump(a.logText())).toBe('success');
    expect(b.status, dump(b.logText())).toBe('success');
    const sa = JSON.parse(a.outputs('env').services!);
    const sb = JSON.parse(b.outputs('env').services!);
    // The one-shots finished before the environment was called ready.
    for (const s of [sa, sb]) {
      expect(s.init).toMatchObject({ verdict: 'done', exitCode: 0, oneShot: true });
      expect(s.bootloader).toMatchObject({ verdict: 'done', exitCode: 0, oneShot: true });
      expect(s['airbyte-proxy'].verdict).toBe('ready');
    }
    // Fixed host ports became ephemeral: each PR has its own.
    expect(sa['airbyte-proxy'].ports['8000/tcp']).not.toBe(sb['airbyte-proxy'].ports['8000/tcp']);
    // Each proxy reached its own PR's webapp by the container name "airbyte-webapp" (a network alias now).
    const webappA = docker([
      'ps',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${nameA}`,
      '--filter',
      'label=com.docker.compose.service=webapp',
    ]);
    const webappB = docker([
      'ps',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${nameB}`,
      '--filter',
      'label=com.docker.compose.service=webapp',
    ]);
    expect(await page(sa)).toBe(`airbyte-webapp stand-in ${webappA.slice(0, 12)}`);
    expect(await page(sb)).toBe(`airbyte-webapp stand-in ${webappB.slice(0, 12)}`);
    // No container took a fixed name, and no volume was created under a fixed name.
    const containers = [...leftovers(nameA).containers, ...leftovers(nameB).containers];
    expect(containers).toHaveLength(20);
    expect(containers.filter((c) => CONTAINER_NAMES.includes(c))).toEqual([]);
    for (const volume of FIXED_NAMES)
      expect(docker(['volume', 'ls', '-q', '--filter', `name=^${volume}$`]), volume).toBe('');
    expect(leftovers(nameA).volumes).toEqual([`${nameA}_data`, `${nameA}_db`, `${nameA}_workspace`]);
    // The summary lists what was changed to isolate the PR.
    expect(a.summary).toMatch(/airbyte-proxy.*8000/);
    expect(a.summary).toMatch(/container_name/);
    expect(a.summary).toMatch(/airbyte_workspace.*→.*_workspace/);

    const before = leftovers(nameB);
    const downA = await runJob({
      repository,
      event: prEvent(841, sha('airbyte841'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(downA.outputs('down').status, dump(downA.logText())).toBe('removed');
    expect(nothingLeft(nameA)).toBe(true);
    expect(leftovers(nameB)).toEqual(before);
    expect(await page(sb)).toBe(`airbyte-webapp stand-in ${webappB.slice(0, 12)}`);
    const downB = await runJob({
      repository,
      event: prEvent(842, sha('airbyte842'), 'closed', 'closed'),
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(downB.outputs('down').status, dump(downB.logText())).toBe('removed');
    expect(nothingLeft(nameB)).toBe(true);
    for (const j of [a, b, downA, downB]) await j.cleanup();
  });
});
