// loft-sh/setup-vcluster stand-in for the act suite: see action.yml. Plain Node, no dependencies: the file
// commands are appended as the runner documents them
// (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const fail = (message) => {
  console.log(`::error::setup-vcluster stand-in: ${message}`);
  process.exit(1);
};
const [cli, chart, values] = ['', '_CHART', '_VALUES'].map(
  (s) => process.env[`EPHEMERAL_VCLUSTER${s}`] ?? '',
);
if (!cli || !existsSync(cli) || !chart || !values)
  fail(
    'EPHEMERAL_VCLUSTER, _CHART or _VALUES is not set: the test cluster has no real node (scripts/k8s/setup.sh --real-node)',
  );
const wanted = (process.env.INPUT_VERSION || 'latest').trim();
const have = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
if (wanted !== 'latest' && !have.includes(wanted.replace(/^v/, '')))
  fail(`version ${wanted} asked for; the test cluster has ${have}`);
const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const dir = join(process.env.RUNNER_TEMP, 'setup-vcluster-stand-in');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'vcluster'),
  `#!/bin/sh
# setup-vcluster stand-in: the test cluster's CLI; create gets the cached chart and the real node's values.
if [ "$1" = create ]; then
  exec ${quote(cli)} "$@" --local-chart-dir ${quote(chart)} --values ${quote(values)}
fi
exec ${quote(cli)} "$@"
`,
  { mode: 0o755 },
);
appendFileSync(process.env.GITHUB_PATH, `${dir}\n`);
console.log(`${have} on PATH (stand-in for loft-sh/setup-vcluster@main)`);
