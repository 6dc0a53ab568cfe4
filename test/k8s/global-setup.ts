/**
 * The Kubernetes tests run against the real control plane scripts/k8s/setup.sh brings up (kwok's binary
 * runtime: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, one kwok node). `npm test`
 * starts it and exports KUBECONFIG, PATH (the cluster's kubectl first) and EPHEMERAL_HELM3/4 before
 * vitest runs. If the cluster does not answer, the run fails here and says why: nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  const kubeconfig = process.env.KUBECONFIG ?? '';
  const fix = 'run `npm test` (it runs scripts/k8s/setup.sh), or eval "$(bash scripts/k8s/setup.sh)" first';
  if (!kubeconfig || !existsSync(kubeconfig))
    throw new Error(`Kubernetes tests cannot run: KUBECONFIG is not set to an existing file. Fix: ${fix}`);
  for (const name of ['EPHEMERAL_HELM3', 'EPHEMERAL_HELM4', 'EPHEMERAL_K8S_BIN']) {
    const value = process.env[name];
    if (!value || !existsSync(value))
      throw new Error(`Kubernetes tests cannot run: ${name} is not set to an existing path. Fix: ${fix}`);
  }
  try {
    const ready = execFileSync(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz', '--request-timeout=10s'],
      { encoding: 'utf8' },
    );
    if (ready.trim() !== 'ok') throw new Error(`/readyz said ${ready.trim()}`);
  } catch (error) {
    throw new Error(
      `Kubernetes tests cannot run: the API server does not answer (${(error as Error).message.split('\n')[0]}). Fix: ${fix}`,
    );
  }
}
