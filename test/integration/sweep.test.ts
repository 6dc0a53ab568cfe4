/**
 * teardown `mode: sweep` through the bundled action, on the real Docker engine, against the fake GitHub:
 * a mix of open, closed, expired, stale, unparseable, not-found, foreign-repository and unlabelled
 * environments. Each run uses repositories of its own, so it never sees another test's environments as
 * its own (other helpers' environments on the shared engine are "foreign" to it and never touched).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LABELS, labelValue, MANAGED_BY } from '../../actions/shared/src/environment/labels.js';
import { pullRequestEvent } from '../harness/events.js';
import { FAULTS, type FakeGitHub, startFakeGitHub } from '../harness/github/fake-github.js';
import { type JobResult, runJob } from '../harness/job.js';
import { dump, repoRoot, sha } from './helpers.js';

let fake: FakeGitHub;
let round = 0;
const created: Array<{ kind: 'volume' | 'network' | 'container'; name: string }> = [];

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  for (const r of created.reverse())
    try {
      execFileSync('docker', r.kind === 'container' ? ['rm', '-f', r.name] : [r.kind, 'rm', r.name], {
        stdio: 'ignore',
      });
    } catch {
      // already gone (swept)
    }
  await fake.close();
});

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/**
 * A labelled volume + (stopped, default-bridge) container, and with `network` a labelled network, each
 * with Compose's project label: a Compose environment as the sweep sees it. Networks only where needed: the engine is shared and its address pools
 * are few.
 */
function environment(name: string, labels: Record<string, string>, network = false): void {
  // Compose puts its project label on everything it creates; teardown lists an environment by it.
  const flags = Object.entries({ ...labels, 'com.docker.compose.project': name }).flatMap(([k, v]) => [
    '--label',
    `${k}=${v}`,
  ]);
  if (network) {
    docker(['network', 'create', ...flags, `${name}_default`]);
    created.push({ kind: 'network', name: `${name}_default` });
  }
  docker(['volume', 'create', ...flags, `${name}_data`]);
  created.push({ kind: 'volume', name: `${name}_data` });
  docker(['container', 'create', '--name', `${name}-web-1`, ...flags, 'busybox:1.35', 'true']);
  created.push({ kind: 'container', name: `${name}-web-1` });
}

function exists(name: string): boolean {
  const containers = docker(['container', 'ls', '--all', '--quiet', '--filter', `name=^${name}-web-1$`]);
  return docker(['volume', 'ls', '--quiet', '--filter', `name=^${name}_data$`]) !== '' || containers !== '';
}

const NOW = () => Math.floor(Date.now() / 1000);

/** Sets up a fresh repository with eight kinds of environment; returns their names. */
function scenario() {
  round += 1;
  const repo = `acme/sweep-${process.pid}-${round}`;
  const other = `acme/other-${process.pid}-${round}`;
  const prefix = `sw${process.pid}r${round}`;
  const env = (pr: number | null, extra: Record<string, string> = {}, repository = repo) => ({
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.repository]: labelValue(repository),
    ...(pr === null ? {} : { [LABELS.pr]: String(pr) }),
    [LABELS.headSha]: sha(`${prefix}-${pr}`),
    [LABELS.lastDeployedAt]: String(NOW() - 600),
    [LABELS.expiresAt]: String(NOW() + 3600),
    ...extra,
  });
  const names = {
    open: `${prefix}-open`,
    closed: `${prefix}-closed`,
    expired: `${prefix}-expired`,
    stale: `${prefix}-stale`,
    garbled: `${prefix}-garbled`,
    notFound: `${prefix}-notfound`,
    foreign: `${prefix}-foreign`,
    unlabelled: `${prefix}-unlabelled`,
  };
  fake.pull(repo, 1, { headSha: sha(`${prefix}-1`) });
  fake.closePull(repo, 2);
  fake.pull(repo, 3, { headSha: sha(`${prefix}-3`) });
  fake.pull(repo, 4, { headSha: sha(`${prefix}-moved`) });
  fake.closePull(other, 6);
  environment(names.open, { ...env(1), [LABELS.environment]: names.open });
  environment(names.closed, { ...env(2), [LABELS.environment]: names.closed }, true);
  environment(names.expired, {
    ...env(3, { [LABELS.expiresAt]: String(NOW() - 60) }),
    [LABELS.environment]: names.expired,
  });
  environment(names.stale, { ...env(4), [LABELS.environment]: names.stale });
  environment(names.garbled, {
    ...env(5, { [LABELS.expiresAt]: 'tomorrow' }),
    [LABELS.environment]: names.garbled,
  });
  environment(names.notFound, { ...env(99), [LABELS.environment]: names.notFound });
  environment(names.foreign, { ...env(6, {}, other), [LABELS.environment]: names.foreign });
  // Same names and labels, but not managed-by: never listed, never touched.
  const { [LABELS.managedBy]: _managed, ...unmanaged } = env(2);
  environment(names.unlabelled, { ...unmanaged, [LABELS.environment]: names.unlabelled });
  return { repo, names };
}

/**
 * A token with exactly the `permissions:` of a shipped workflow file (GitHub's names: pull-requests →
 * pull_requests), so a test proves the documented permissions are enough.
 */
function tokenOf(workflow: string): string {
  const { permissions } = parse(readFileSync(`${repoRoot}/${workflow}`, 'utf8')) as {
    permissions: Record<string, 'read' | 'write'>;
  };
  const granted = Object.fromEntries(Object.entries(permissions).map(([k, v]) => [k.replace(/-/g, '_'), v]));
  return fake.addToken(undefined, { permissions: granted });
}

/**
 * No GitHub call of the job was refused for want of a permission. A 403 is a status, not a time: the debug
 * marks' timings (`ephemeral at 403.7 ms: …`, `… in 403.2 ms`) are not one.
 */
function expectNoRefusal(job: JobResult): void {
  expect(job.logText()).not.toMatch(
    /Resource not accessible|X-Accepted-GitHub-Permissions|\b403\b(?!(\.\d+)? ms)/,
  );
}

async function sweep(repo: string, extra: Record<string, string> = {}, token?: string): Promise<JobResult> {
  return runJob({
    repository: repo,
    github: fake,
    ...(token ? { token } : {}),
    workspace: repoRoot,
    event: { name: 'schedule', payload: { schedule: '17 3 * * *' } },
    steps: [{ id: 'sweep', uses: 'teardown', with: { mode: 'sweep', 'sweep-targets': 'compose', ...extra } }],
  });
}

/** A real environment provision-compose left running (`keep: true`) for PR `pr` of a fresh repository. */
async function keptEnvironment(pr: number, tag: string) {
  round += 1;
  const repo = `acme/sweep-${process.pid}-${round}`;
  const head = sha(`${tag}-${round}`);
  fake.pull(repo, pr, { headSha: head });
  const up = await runJob({
    repository: repo,
    github: fake,
    workspace: repoRoot,
    event: pullRequestEvent(pr, head, { repository: repo }),
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        with: { 'working-directory': 'test/fixtures/compose/web', keep: 'true' },
      },
    ],
  });
  expect(up.status, dump(up.logText())).toBe('success');
  return { repo, head, up, name: up.outputs('env')['environment-name']! };
}

function reportOf(job: JobResult) {
  return JSON.parse(readFileSync(job.outputs('sweep')['report-path']!, 'utf8'));
}

describe('teardown mode: sweep (Compose)', () => {
  it('dry-run deletes nothing, decides every environment, and spends pages + one call per candidate', async () => {
    const { repo, names } = scenario();
    const callsBefore = fake.calls.length;
    const job = await sweep(repo, { 'dry-run': 'true' });
    expect(job.status, dump(job.logText())).toBe('success');
    expect(job.outputs('sweep').status).toBe('dry-run');
    for (const name of Object.values(names)) expect(exists(name), name).toBe(true);
    const mine = fake.calls.slice(callsBefore);
    expect(mine.filter((c) => c.method !== 'GET')).toEqual([]);
    // one page of open PRs + PR 2 (closed) + PR 99 (not found); PR 5's labels do not parse
    expect(mine.map((c) => c.operationId).sort()).toEqual(['pulls/get', 'pulls/get', 'pulls/list']);
    const report = reportOf(job);
    const byName = Object.fromEntries(
      (report.sweep.environments as Array<{ environment: string; decision: string; result: string }>).map(
        (e) => [e.environment, e],
      ),
    );
    expect(byName[names.open]).toMatchObject({ decision: 'keep', result: 'kept' });
    expect(byName[names.closed]).toMatchObject({ decision: 'orphan', result: 'would-delete' });
    expect(byName[names.expired]).toMatchObject({ decision: 'expired', result: 'would-delete' });
    expect(byName[names.stale]).toMatchObject({ decision: 'stale', result: 'kept' });
    expect(byName[names.garbled]).toMatchObject({ decision: 'unparseable', result: 'kept' });
    expect(byName[names.notFound]).toMatchObject({ decision: 'unknown', result: 'kept' });
    expect(byName[names.foreign]).toMatchObject({ decision: 'foreign', result: 'kept' });
    expect(byName[names.unlabelled]).toBeUndefined();
    expect(report.sweep.api.decisionRequests).toBe(3);
    expect(job.summary).toMatch(/Sweep:\*\* dry-run/);
    expect(job.summary).toMatch(/GitHub API:\*\* 3 call\(s\) to decide/);
    await job.cleanup();
  });

  it('removes exactly the orphaned and the expired environments, and marks their comments torn down', async () => {
    const { repo, names } = scenario();
    // The closed PR's sticky comment, as provision-compose left it.
    const { renderComment } = await import('../../actions/shared/src/github/comment.js');
    fake.repo(repo).comments.push({
      id: fake.id(),
      issue: 2,
      body: renderComment({ environment: names.closed, status: 'ready', sha: 'a'.repeat(40), updatedAt: 1 }),
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    // With exactly the permissions examples/workflows/orphan-sweep.yml grants.
    const job = await sweep(repo, {}, tokenOf('examples/workflows/orphan-sweep.yml'));
    expect(job.status, dump(job.logText())).toBe('success');
    expectNoRefusal(job);
    expect(job.outputs('sweep').status).toBe('swept');
    expect(exists(names.closed)).toBe(false);
    expect(exists(names.expired)).toBe(false);
    for (const keep of [
      names.open,
      names.stale,
      names.garbled,
      names.notFound,
      names.foreign,
      names.unlabelled,
    ])
      expect(exists(keep), keep).toBe(true);
    expect(
      JSON.parse(job.outputs('sweep').removed!)
        .map((r: { environment: string }) => r.environment)
        .sort(),
    ).toEqual([names.closed, names.expired].sort());
    expect(fake.repo(repo).comments.find((c) => c.issue === 2)?.body).toMatch(/Torn down/);
    expect(fake.repo(repo).comments.filter((c) => c.issue === 3)).toEqual([]); // never a new comment
    await job.cleanup();
  });

  it('a sweep over the cap deletes nothing, reports what would have gone, and fails', async () => {
    const { repo, names } = scenario();
    const job = await sweep(repo, { 'max-deletions': '1' });
    expect(job.status).toBe('failure');
    expect(job.outputs('sweep').status).toBe('capped');
    expect(exists(names.closed)).toBe(true);
    expect(exists(names.expired)).toBe(true);
    expect(reportOf(job).sweep.capped).toMatch(/2 environments would be deleted \(max-deletions 1\)/);
    await job.cleanup();
  });

  it('aborts with nothing deleted when GitHub answers 5xx on a confirmation', async () => {
    const { repo, names } = scenario();
    fake.fault({ ...FAULTS.serverError('pulls/get', 503), times: 10 });
    const job = await sweep(repo);
    expect(job.status).toBe('failure');
    expect(job.outputs('sweep').status).toBe('aborted');
    expect(exists(names.closed)).toBe(true);
    expect(exists(names.expired)).toBe(true);
    expect(job.logText()).toMatch(/Sweep aborted, nothing was deleted/);
    await job.cleanup();
  });

  it('removes an environment provision-compose created once its PR is closed', async () => {
    const { repo, up, name } = await keptEnvironment(11, 'real');
    fake.closePull(repo, 11);
    const job = await sweep(repo, {}, tokenOf('examples/workflows/orphan-sweep.yml'));
    expect(job.status, dump(job.logText())).toBe('success');
    expectNoRefusal(job);
    expect(
      docker(['container', 'ls', '--all', '--quiet', '--filter', `label=${LABELS.environment}=${name}`]),
    ).toBe('');
    expect(fake.repo(repo).comments.find((c) => c.issue === 11)?.body).toMatch(/Torn down/);
    expect(fake.deploymentsOf(repo, name)[0]?.statuses.at(-1)?.state).toBe('inactive');
    // the fingerprint the deploy recorded on its containers is reported for the swept environment
    const fingerprint = up.outputs('env').fingerprint!;
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const swept = (
      reportOf(job).sweep.environments as Array<{ environment: string; fingerprint: string }>
    ).find((e) => e.environment === name);
    expect(swept?.fingerprint).toBe(fingerprint);
    expect(job.summary).toContain(`\`${fingerprint.slice(7, 19)}\``);
    await up.cleanup();
    await job.cleanup();
  });

  it('the closed-PR cleanup does its GitHub part with exactly the permissions pr-cleanup.yml grants', async () => {
    const { repo, head, up, name } = await keptEnvironment(12, 'cleanup');
    fake.closePull(repo, 12);
    const closed = pullRequestEvent(12, head, { repository: repo, action: 'closed', state: 'closed' });
    const down = await runJob({
      repository: repo,
      github: fake,
      token: tokenOf('examples/workflows/pr-cleanup.yml'),
      event: { ...closed, name: 'pull_request_target' },
      steps: [{ id: 'down', uses: 'teardown' }],
    });
    expect(down.status, dump(down.logText())).toBe('success');
    expectNoRefusal(down);
    expect(down.outputs('down').status).toBe('removed');
    expect(fake.repo(repo).comments.find((c) => c.issue === 12)?.body).toMatch(/Torn down/);
    expect(fake.deploymentsOf(repo, name)[0]?.statuses.at(-1)?.state).toBe('inactive');
    await up.cleanup();
    await down.cleanup();
  });
});
