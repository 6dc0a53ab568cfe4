/**
 * The demo: a pull request's environment for examples/compose-app, run by the bundled actions exactly as
 * the GitHub runner runs them — provision-compose → wait-ready (health, including the commit SHA) →
 * verify-seed (examples/compose-app/seed-checks.yaml) → teardown — then proof that nothing is left.
 * Prints the job summary; exits 0 on success.
 *
 * Usage: tsx scripts/demo.ts [--node <path>]   (default: $EPHEMERAL_TEST_NODE, else this Node)
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { repoRoot } from '../test/harness/env.js';
import { pullRequestEvent } from '../test/harness/events.js';
import { runJob } from '../test/harness/job.js';

const nodeFlag = process.argv.indexOf('--node');
const node = nodeFlag > 0 ? process.argv[nodeFlag + 1] : process.env.EPHEMERAL_TEST_NODE || process.execPath;
const repository = 'acme/webapp';
const pr = 42;
const sha = createHash('sha1').update(`demo-${Date.now()}`).digest('hex');
// GITHUB_SHA of a pull_request run is the merge commit; the PR head reaches the app as APP_COMMIT_SHA.
const merge = createHash('sha1').update(`demo-merge-${Date.now()}`).digest('hex');
const nodeVersion = execFileSync(node!, ['--version'], { encoding: 'utf8' }).trim();

const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

console.log(
  bold(
    `ephemeral demo: PR #${pr} of ${repository}, head ${sha.slice(0, 12)}, actions on Node ${nodeVersion}`,
  ),
);
const started = Date.now();
const job = await runJob({
  repository,
  sha: merge,
  workspace: repoRoot,
  node: node!,
  event: pullRequestEvent(pr, sha, { headRef: 'feature/checkout' }),
  steps: [
    {
      id: 'env',
      uses: 'provision-compose',
      env: { APP_COMMIT_SHA: sha },
      with: { 'working-directory': 'examples/compose-app', 'wait-timeout': '3m' },
    },
    {
      id: 'ready',
      uses: 'wait-ready',
      with: {
        url: 'http://{api:8080}/health',
        'expect-json': '{"status": "ok", "db": "up", "cache": "up"}',
        'expect-commit': sha,
        tcp: '{db:5432}\n{cache:6379}',
        timeout: '2m',
        interval: '500ms',
      },
    },
    {
      id: 'verify',
      uses: 'verify-seed',
      // As in a workflow: seed-command: docker compose exec -T cache redis-cli SET fixture:environment ${{ env.EPHEMERAL_ENVIRONMENT }}
      with: (ctx) => ({
        spec: 'examples/compose-app/seed-checks.yaml',
        'seed-command': `docker compose exec -T cache redis-cli SET fixture:environment ${ctx.env.EPHEMERAL_ENVIRONMENT}`,
        timeout: '2m',
      }),
    },
    { id: 'teardown', uses: 'teardown' },
  ],
  onLine: (step, phase, line) => {
    if (line.startsWith('::debug::') || line.startsWith('::endgroup::')) return;
    const text = line
      .replace(/^::group::/, '▸ ')
      .replace(/^::(error|warning|notice)[^:]*::/, (_, level: string) => `${level.toUpperCase()}: `);
    console.log(`${dim(`[${step}${phase === 'post' ? ' post' : ''}]`)} ${text}`);
  },
});

const name = job.outputs('env')['environment-name'] ?? '';
const left = ['container', 'network', 'volume'].flatMap((kind) =>
  execFileSync(
    'docker',
    [
      kind,
      'ls',
      ...(kind === 'container' ? ['--all'] : []),
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${name}`,
    ],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean)
    .map((id) => `${kind} ${id}`),
);
console.log(`\n${bold('Job summary')}\n${job.summary}`);
console.log(bold('Result'));
console.log(`  environment:   ${name}`);
console.log(
  `  services:      ${Object.entries(
    JSON.parse(job.outputs('env').services || '{}') as Record<string, { ports: Record<string, string> }>,
  )
    .flatMap(([s, v]) => Object.entries(v.ports).map(([p, h]) => `${s} ${p} → ${h}`))
    .join(', ')}`,
);
console.log(
  `  ready:         ${job.outputs('ready').ready} in ${job.outputs('ready')['time-to-ready-ms']} ms (commit ${sha.slice(0, 12)} live)`,
);
console.log(
  `  verify-seed:   ${job.outputs('verify').passed ?? 0} passed, ${job.outputs('verify').failed ?? '?'} failed (${job.outputs('verify')['report-path'] ?? 'no report'})`,
);
console.log(`  teardown:      ${job.outputs('teardown').status} ${job.outputs('teardown').removed ?? ''}`);
console.log(`  left behind:   ${left.length === 0 ? 'nothing' : left.join(', ')}`);
console.log(`  job:           ${job.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await job.cleanup();
process.exit(job.status === 'success' && left.length === 0 ? 0 : 1);
