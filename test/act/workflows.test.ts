/**
 * Every workflow the project ships or documents, run unmodified by nektos/act (an independent runner; see
 * act.ts for how it is set up): .github/workflows/e2e.yml, examples/workflows/*.yml and every workflow of
 * the README, against this commit's bundled actions, this machine's Docker engine and the Kubernetes test
 * cluster. The scheduled orphan sweep runs on a `schedule` event against the fake GitHub
 * (test/harness/github, checked against GitHub's OpenAPI description), reached through GITHUB_API_URL. Each run must succeed, and afterwards nothing of the environments it created may remain
 * (act's exit code says nothing about leaks): the check is scoped to this run's repository
 * (acme/act-<pid>), so other test runs on the shared engine are never looked at.
 *
 * Remote actions: actions/checkout is act's own (it copies this checkout); azure/setup-helm@v4 is a local
 * stand-in that puts helm on PATH from the test cluster's tool cache (test/act/stand-ins/setup-helm).
 *
 * What act does not model, and the runner harness (test/harness, test/unit/harness.test.ts,
 * test/integration/cancel-and-isolation.test.ts) keeps testing: cancellation (SIGINT, then SIGTERM 7.5 s
 * later, and post steps after it), `concurrency` groups, the event `types:` filter (act runs a workflow for
 * any action of the event), `permissions:` (act issues no GITHUB_TOKEN scopes), and GITHUB_SHA (act sets
 * the checkout's HEAD, GitHub the merge commit: either way not the PR head).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { deriveIdentity } from '../../actions/shared/src/environment/identity.js';
import { markdownWorkflows } from '../harness/documented-workflows.js';
import { type FakeGitHub, startFakeGitHub } from '../harness/github/fake-github.js';
import { runJob } from '../harness/job.js';
import { forceRemove, leftovers, prEvent, repoRoot, sha } from '../integration/helpers.js';
import { onRealNode } from '../k8s/fixtures/real-node.js';
import { type ActRun, actionsRepository, runAct } from './act.js';

const act = inject('act');
const node24 = process.env.EPHEMERAL_TEST_NODE ?? '';
const repository = `acme/act-${process.pid}`;
const checkoutHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
const password = `Pw-act-${process.pid}-never-logged`;
const created: string[] = [];
/** Images this run built (Docker) and imported into the real node: removed afterwards. */
const images: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'act-workflows-'));
let actions = '';
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(() => {
  actions = actionsRepository();
});

const readme = Object.fromEntries(
  markdownWorkflows('README.md')
    .filter((w) => w.kind === 'workflow')
    .map((w) => [/^name: (\S+)/m.exec(w.text)?.[1] ?? `README.md:${w.line}`, w.text]),
);
const file = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The environment (Compose project and namespace) name the actions derive for PR `pr`. */
function environment(pr: number): string {
  const name = deriveIdentity({ repository, prNumber: pr, ref: '', explicitName: '' }).name;
  created.push(name);
  return name;
}

/** A pull_request event as GitHub sends it, its head not the checkout's HEAD. */
function event(pr: number, action: string) {
  const head = sha(`act-${process.pid}-${pr}`);
  expect(head).not.toBe(checkoutHead);
  const [owner, name] = repository.split('/');
  return {
    head,
    payload: {
      action,
      number: pr,
      pull_request: {
        number: pr,
        state: action === 'closed' ? 'closed' : 'open',
        merged: false,
        head: { sha: head, ref: `feature-${pr}` },
        base: { sha: checkoutHead, ref: 'main' },
      },
      repository: { full_name: repository, name, owner: { login: owner }, default_branch: 'main' },
    },
  };
}

function kubectl(args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Namespaces labelled as this environment's. */
function namespacesOf(name: string): string[] {
  return kubectl(['get', 'namespaces', '-l', `ephemeral.dev/environment=${name}`, '-o', 'name'])
    .split('\n')
    .filter(Boolean);
}

/** Everything of environment `name` still there: containers, networks, volumes, namespaces. */
function left(name: string): string[] {
  const docker = leftovers(name);
  return [...docker.containers, ...docker.networks, ...docker.volumes, ...namespacesOf(name)];
}

function log(run: ActRun): string {
  return `\n$ ${run.argv.join(' ')}\n--- act output (last 8000 characters) ---\n${run.output.slice(-8000)}`;
}

/** act exited 0 and says every job succeeded. */
function expectSucceeded(run: ActRun): void {
  expect(run.exitCode, log(run)).toBe(0);
  expect(run.output, log(run)).toMatch(/🏁 {2}Job succeeded/);
  expect(run.output, log(run)).not.toMatch(/Job failed/);
  expect(run.output, log(run)).not.toContain(password);
}

/** verify-seed's rows of examples/k8s-app/seed-checks.yaml in the job summary: SQL, Redis, fixture version, HTTP. */
function expectSeedVerified(run: ActRun): void {
  for (const check of ['five orders', 'fixture version (Redis)', 'catalog SKUs', 'API counts the orders'])
    expect(run.output, log(run)).toMatch(
      new RegExp(`\\| ${literal(check)} \\| [\\w-]+ \\| .* \\| ✅ pass \\|`),
    );
}

/** The pull request event a workflow listens to: `pull_request`, or `pull_request_target` (closed-PR cleanup). */
function prEventName(workflow: string): string {
  const on = (parse(workflow) as { on?: unknown }).on;
  const names = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  return names.includes('pull_request') ? 'pull_request' : 'pull_request_target';
}

async function run(
  workflow: string,
  pr: number,
  action: string,
  secrets: Record<string, string> = {},
  vars: Record<string, string> = {},
) {
  const { head, payload } = event(pr, action);
  const eventName = prEventName(workflow);
  const result = await runAct({
    act,
    actions,
    node24,
    workflow,
    repository,
    event: payload,
    eventName,
    secrets,
    vars,
  });
  return { head, result };
}

/**
 * An environment a job left running (provision-compose with keep: true) for pull request `pr`, as the
 * closed-PR cleanup and the sweep find it; `github` is the fake GitHub when the job talks to one.
 */
async function keptEnvironment(pr: number, github?: FakeGitHub): Promise<void> {
  const kept = await runJob({
    repository,
    ...(github ? { github } : {}),
    workspace: repoRoot,
    event: prEvent(pr, sha(`kept-${pr}`)),
    steps: [
      {
        id: 'env',
        uses: 'provision-compose',
        with: { 'working-directory': 'test/fixtures/compose/web', keep: 'true' },
      },
    ],
  });
  await kept.cleanup();
  expect(kept.status, kept.logText().slice(-4000)).toBe('success');
}

afterAll(() => {
  rmSync(actions, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  // The images the build-push-action stand-in built and imported into the real node.
  const socket = process.env.EPHEMERAL_K8S_REAL_NODE_CONTAINERD ?? '';
  for (const image of images) {
    spawnSync('docker', ['image', 'rm', image], { stdio: 'ignore' });
    if (socket)
      spawnSync('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'rm', image], { stdio: 'ignore' });
  }
  for (const name of created) {
    forceRemove(name);
    for (const ns of namespacesOf(name)) kubectl(['delete', ns, '--wait=false']);
  }
});

describe('act runs the shipped and documented workflows', () => {
  it('covers every workflow of the README', () => {
    expect(Object.keys(readme).sort()).toEqual([
      'orphan-sweep',
      'pr-app',
      'pr-environment',
      'pr-environment-cleanup',
      'pr-preview',
      'pr-preview-cleanup',
      'pr-vcluster',
    ]);
  });

  it('.github/workflows/e2e.yml: provisions, proves the PR head is live, tears down; a failed upload is a bounded warning', async () => {
    const name = environment(1);
    const { head, result } = await run(file('.github/workflows/e2e.yml'), 1, 'synchronize');
    expectSucceeded(result);
    expect(result.output).toContain(`| Head SHA | \`${head.slice(0, 12)}\` |`);
    expect(result.output).toMatch(/Ready in \d+ ms: url/);
    // act's artifact server refuses the upload (nektos/act#6022): a warning at the bound, never a failure.
    expect(result.output).toMatch(/upload-report: the artifact service did not take the upload within 10 s/);
    expect(result.output).toContain(`Tear down ${name}`);
    expect(result.output).toMatch(/Teardown: removed — \d+ container\(s\)/);
    expect(left(name)).toEqual([]);
  });

  it.each([
    ['examples/workflows/pr-environment.yml', () => file('examples/workflows/pr-environment.yml'), 2],
    ['README: pr-environment', () => readme['pr-environment']!, 3],
  ])('%s: provision, ready at the PR head, seed verified, e2e, torn down by post', async (_, text, pr) => {
    const name = environment(pr);
    const { result } = await run(text(), pr, 'opened', { POSTGRES_PASSWORD: password });
    expectSucceeded(result);
    expect(result.output).toMatch(/Ready in \d+ ms: url/);
    expect(result.output).toMatch(/e2e: GET \/api\/orders\/count ok/);
    expect(result.output).toMatch(
      /\| API serves this pull request's commit \| isolation \| .* \| ✅ pass \|/,
    );
    expect(result.output).toMatch(/Success - Post org\/ephemeral\/provision-compose@v1/);
    expect(left(name)).toEqual([]);
  });

  it.each([
    ['examples/workflows/pr-cleanup.yml', () => file('examples/workflows/pr-cleanup.yml'), 4],
    ['README: pr-environment-cleanup', () => readme['pr-environment-cleanup']!, 5],
  ])('%s: removes what a kept environment left on this host', async (_, text, pr) => {
    const name = environment(pr);
    // An environment a job left running (keep: true), as the closed-PR cleanup finds it.
    await keptEnvironment(pr);
    expect(leftovers(name).containers.length).toBeGreaterThan(0);
    const { result } = await run(text(), pr, 'closed');
    expectSucceeded(result);
    expect(result.output).toContain(`Tear down ${name}`);
    expect(result.output).toMatch(/Teardown: removed — \d+ container\(s\)/);
    expect(left(name)).toEqual([]);
  });

  it('README: pr-preview deploys a namespace that stays (cleanup: never); pr-preview-cleanup removes it', async () => {
    const name = environment(6);
    const kubeconfig = readFileSync(process.env.KUBECONFIG ?? '', 'utf8');
    const { result } = await run(readme['pr-preview']!, 6, 'opened', { KUBECONFIG: kubeconfig });
    expectSucceeded(result);
    expect(result.output).toMatch(/stand-in for azure\/setup-helm@v4/);
    expect(result.output).toMatch(/Ready in \d+ ms: .*deployment\/web/);
    expect(namespacesOf(name)).toEqual([`namespace/${name}`]);
    const closed = await run(readme['pr-preview-cleanup']!, 6, 'closed', { KUBECONFIG: kubeconfig });
    expectSucceeded(closed.result);
    expect(left(name)).toEqual([]);
  });
  it('README: pr-app builds the PR image onto the real node, deploys the example app, proves the commit live, verifies the seed; the post step removes it', async () => {
    const name = environment(11);
    const kubeconfig = readFileSync(process.env.KUBECONFIG ?? '', 'utf8');
    // The cluster's placement, as a repository variable names it: the real node (the kwok node runs nothing).
    const placement = join(work, 'placement.json');
    writeFileSync(placement, JSON.stringify(onRealNode()));
    const registry = 'registry.invalid';
    const { head, result } = await run(
      readme['pr-app']!,
      11,
      'opened',
      { KUBECONFIG: kubeconfig, POSTGRES_PASSWORD: password },
      { REGISTRY: registry, PREVIEW_VALUES: placement },
    );
    images.push(`${registry}/${repository}/example-api:${head}`);
    expectSucceeded(result);
    expect(result.output).toMatch(/no login to registry\.invalid: .*stand-in for docker\/login-action@v3/);
    expect(result.output).toContain(`${images.at(-1)} imported into the real node`);
    expect(result.output).toMatch(/Ready in \d+ ms: .*url/);
    expectSeedVerified(result);
    expect(result.output).toMatch(/Success - Post org\/ephemeral\/deploy-namespace@v1/);
    expect(left(name)).toEqual([]);
  });

  it('README: pr-vcluster deploys the example app into a virtual cluster on the real node, proves the commit live, verifies the seed; the post step removes the vcluster with the namespace', async () => {
    const name = environment(12);
    const kubeconfig = readFileSync(process.env.KUBECONFIG ?? '', 'utf8');
    const registry = 'registry.invalid';
    const { head, result } = await run(
      readme['pr-vcluster']!,
      12,
      'opened',
      { KUBECONFIG: kubeconfig, POSTGRES_PASSWORD: password },
      { REGISTRY: registry },
    );
    images.push(`${registry}/${repository}/example-api:${head}`);
    expectSucceeded(result);
    expect(result.output).toMatch(/on PATH \(stand-in for loft-sh\/setup-vcluster@main\)/);
    expect(result.output).toContain(`${images.at(-1)} imported into the real node`);
    expect(result.output).toMatch(/Ready in \d+ ms: .*deployment\/api/);
    expect(result.output).toMatch(/Ready in \d+ ms: .*url/);
    expectSeedVerified(result);
    expect(result.output).toMatch(/Success - Post org\/ephemeral\/deploy-namespace@v1/);
    expect(left(name)).toEqual([]);
    // The vcluster chart's cluster-scoped RBAC is named after the host namespace: gone with it.
    expect(
      kubectl(['get', 'clusterroles,clusterrolebindings', '-o', 'name'])
        .split('\n')
        .filter((line) => line.includes(name)),
    ).toEqual([]);
  });

  it.each([
    ['examples/workflows/orphan-sweep.yml', () => file('examples/workflows/orphan-sweep.yml'), 7],
    ['README: orphan-sweep', () => readme['orphan-sweep']!, 9],
  ])(
    "%s: on schedule, removes the closed pull request's environment and keeps the open one",
    async (_, text, pr) => {
      // GitHub is the fake on loopback (requests and responses checked against GitHub's OpenAPI description).
      const fake = await startFakeGitHub();
      try {
        const token = fake.addToken();
        const [open, closed] = [pr, pr + 1].map((n) => {
          fake.pull(repository, n, { headSha: sha(`kept-${n}`) });
          return environment(n);
        });
        // Environments a job left running (keep: true), as the sweep finds them.
        for (const n of [pr, pr + 1]) await keptEnvironment(n, fake);
        fake.closePull(repository, pr + 1);
        const kubeconfig = readFileSync(process.env.KUBECONFIG ?? '', 'utf8');
        const result = await runAct({
          act,
          actions,
          node24,
          workflow: text(),
          repository,
          eventName: 'schedule',
          event: { schedule: '17 3 * * *' },
          env: { GITHUB_API_URL: fake.url },
          secrets: { GITHUB_TOKEN: token, KUBECONFIG: kubeconfig },
        });
        expectSucceeded(result);
        expect(fake.violations).toEqual([]);
        expect(left(closed!)).toEqual([]);
        expect(leftovers(open!).containers.length).toBeGreaterThan(0);
        expect(result.output).toContain(closed!);
      } finally {
        await fake.close();
      }
    },
  );
});
