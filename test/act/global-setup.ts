/**
 * The act suite needs: nektos/act (built once into the tools cache by scripts/tools/build.sh act, about
 * 2 minutes cold), Node 24 (EPHEMERAL_TEST_NODE, from scripts/machine/setup.sh), a Docker engine with
 * Compose v2, and the Kubernetes test cluster (KUBECONFIG, EPHEMERAL_K8S_BIN: scripts/k8s/setup.sh) for the
 * namespace workflows. `npm test` provides all of them. If one is missing, or act cannot be built or
 * started, the run fails here and says why: nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the act binary. */
    act: string;
  }
}

const root = join(import.meta.dirname, '../..');
const fix = 'run `npm test` (it sets up Docker, Node 24 and the test cluster), or see test/act/README.md';

function fail(what: string, why: string): never {
  throw new Error(`The act suite cannot run: ${what} (${why}). Fix: ${fix}`);
}

export default function setup(project: TestProject): void {
  let act = '';
  try {
    act = execFileSync('bash', [join(root, 'scripts/tools/build.sh'), 'act'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    execFileSync(act, ['--version'], { encoding: 'utf8' });
  } catch (error) {
    fail('nektos/act could not be built or started', (error as Error).message.split('\n')[0] ?? '');
  }
  const node24 = process.env.EPHEMERAL_TEST_NODE ?? '';
  if (!node24 || !existsSync(node24))
    fail('EPHEMERAL_TEST_NODE is not set to a Node 24 binary', node24 || 'unset');
  const version = execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) fail('EPHEMERAL_TEST_NODE is not Node 24', version);
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch (error) {
    fail('no Docker engine with Compose v2 answers', (error as Error).message.split('\n')[0] ?? '');
  }
  const kubeconfig = process.env.KUBECONFIG ?? '';
  const k8sBin = process.env.EPHEMERAL_K8S_BIN ?? '';
  if (!kubeconfig || !existsSync(kubeconfig) || !k8sBin || !existsSync(join(k8sBin, 'kubectl')))
    fail('the Kubernetes test cluster is not set up', 'KUBECONFIG or EPHEMERAL_K8S_BIN missing');
  // The README's Kubernetes app workflows run their pods on the real node (scripts/test.sh brings it up
  // for the act project too).
  const socket = process.env.EPHEMERAL_K8S_REAL_NODE_CONTAINERD ?? '';
  if (!process.env.EPHEMERAL_K8S_REAL_NODE_NAME || !socket || !existsSync(socket))
    fail(
      'the test cluster has no real node',
      'EPHEMERAL_K8S_REAL_NODE_NAME or EPHEMERAL_K8S_REAL_NODE_CONTAINERD missing (EPHEMERAL_K8S_REAL_NODE=0?)',
    );
  project.provide('act', act);
}
