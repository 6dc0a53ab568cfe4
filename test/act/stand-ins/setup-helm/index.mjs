// azure/setup-helm stand-in for the act suite: see action.yml. Plain Node, no dependencies: the file
// commands are appended as the runner documents them
// (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
import { appendFileSync, existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

const version = (process.env.INPUT_VERSION || 'latest').trim();
const major = version === 'latest' ? '4' : /^v?(\d+)\./.exec(version)?.[1];
const bin = process.env.EPHEMERAL_K8S_BIN;
const dir = bin && major ? join(dirname(bin), `helm-v${major}`) : '';
const helm = join(dir, 'helm');
if (!dir || !existsSync(helm)) {
  console.log(
    `::error::setup-helm stand-in: no helm ${major ? `v${major}` : `for version "${version}"`} in the test cluster's tool cache (${dir || 'EPHEMERAL_K8S_BIN is not set'}); run scripts/k8s/setup.sh`,
  );
  process.exit(1);
}
appendFileSync(process.env.GITHUB_PATH, `${dir}\n`);
appendFileSync(process.env.GITHUB_OUTPUT, `helm-path=${realpathSync(helm)}\n`);
console.log(`helm v${major} on PATH from ${dir} (stand-in for azure/setup-helm@v4)`);
