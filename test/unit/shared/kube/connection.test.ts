/** Which cluster and namespace a Kubernetes step talks to: inputs, then what deploy-namespace handed off. */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultNamespace,
  handedOffKubeconfig,
  kubeTarget,
  withKubectl,
} from '../../../../actions/shared/src/kube/connection.js';
import { clearSecretsForTests } from '../../../../actions/shared/src/runtime/secrets.js';

const KUBECONFIG =
  'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: https://127.0.0.1:6443 } }]\n';

afterEach(() => {
  clearSecretsForTests();
  vi.restoreAllMocks();
});

describe('connection', () => {
  it('the namespace: the input, else EPHEMERAL_NAMESPACE, else EPHEMERAL_ENVIRONMENT, else the fallback', () => {
    const env = { EPHEMERAL_NAMESPACE: 'handed', EPHEMERAL_ENVIRONMENT: 'env' };
    expect(defaultNamespace('mine', env)).toBe('mine');
    expect(defaultNamespace('', env)).toBe('handed');
    expect(defaultNamespace('', { EPHEMERAL_ENVIRONMENT: 'env' })).toBe('env');
    expect(defaultNamespace('', {}, 'derived')).toBe('derived');
    expect(defaultNamespace('', {})).toBe('');
  });

  it('the target carries only what is set', () => {
    expect(kubeTarget('', '')).toEqual({});
    expect(kubeTarget('/k', 'ctx')).toEqual({ kubeconfig: '/k', context: 'ctx' });
  });

  it('a kubeconfig given as content lives in a 0600 file for exactly the length of the work', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const runnerTemp = mkdtempSync(join(tmpdir(), 'conn-'));
    let seen = '';
    await withKubectl(
      // No context: a context is first checked against the file by kubectl (kubectl-context.test.ts).
      { kubeconfig: KUBECONFIG, context: '' },
      runnerTemp,
      async (kubectl, target) => {
        seen = target.kubeconfig ?? '';
        expect(statSync(seen).mode & 0o777).toBe(0o600);
        expect(kubectl.argv(['get', 'ns'])).toEqual(['kubectl', '--kubeconfig', seen, 'get', 'ns']);
      },
      {},
    );
    expect(seen.startsWith(runnerTemp)).toBe(true);
    expect(existsSync(seen)).toBe(false);
  });

  it('without content, the file deploy-namespace handed off (when it still exists), else kubectl’s own lookup', async () => {
    const handed = join(mkdtempSync(join(tmpdir(), 'conn-')), 'config');
    writeFileSync(handed, KUBECONFIG);
    const runnerTemp = tmpdir();
    const files: Array<string | undefined> = [];
    const look = async (env: NodeJS.ProcessEnv) =>
      withKubectl(
        { kubeconfig: '', context: '' },
        runnerTemp,
        async (_, target) => {
          files.push(target.kubeconfig);
        },
        env,
      );
    await look({ EPHEMERAL_KUBECONFIG: handed });
    await look({ EPHEMERAL_KUBECONFIG: '/gone/config' });
    await look({});
    expect(files).toEqual([handed, undefined, undefined]);
    expect(existsSync(handed)).toBe(true);
  });

  it('a vcluster hand-off: the workload steps take the virtual cluster, the host steps and explicit inputs do not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conn-'));
    const [host, virtual] = [join(dir, 'host'), join(dir, 'virtual')];
    writeFileSync(host, KUBECONFIG);
    writeFileSync(virtual, KUBECONFIG);
    const env = { EPHEMERAL_KUBECONFIG: host, EPHEMERAL_VCLUSTER_KUBECONFIG: virtual };
    expect(handedOffKubeconfig(env, 'workload')).toBe(virtual);
    expect(handedOffKubeconfig(env, 'host')).toBe(host);
    // A context input names a context of the host's kubeconfig: the virtual one is not taken.
    expect(handedOffKubeconfig(env, 'workload', 'ctx')).toBe(host);
    // Only the virtual one (no kubeconfig input on deploy-namespace): the host is kubectl's own lookup.
    expect(handedOffKubeconfig({ EPHEMERAL_VCLUSTER_KUBECONFIG: virtual }, 'workload')).toBe(virtual);
    expect(handedOffKubeconfig({ EPHEMERAL_VCLUSTER_KUBECONFIG: virtual }, 'host')).toBe('');
    // Its file removed (deploy-namespace's post ran): back to the host's.
    expect(handedOffKubeconfig({ ...env, EPHEMERAL_VCLUSTER_KUBECONFIG: '/gone/config' }, 'workload')).toBe(
      host,
    );
    expect(handedOffKubeconfig({ ...env, EPHEMERAL_VCLUSTER_KUBECONFIG: '' }, 'workload')).toBe(host);

    const targets: Array<string | undefined> = [];
    const look = (kubeconfig: string, reach?: 'workload' | 'host') =>
      withKubectl(
        { kubeconfig, context: '' },
        dir,
        async (_, t) => void targets.push(t.kubeconfig),
        env,
        reach,
      );
    await look('', 'workload');
    await look('');
    await look(KUBECONFIG, 'workload');
    expect(targets.slice(0, 2)).toEqual([virtual, host]);
    // An explicit kubeconfig input wins over every hand-off.
    expect(targets[2]?.startsWith(join(dir, 'ephemeral-kube-'))).toBe(true);
  });
});
