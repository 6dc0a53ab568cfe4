/** `isolation: vcluster`: the CLI's argv, and the start-up flow (create → connect → /readyz) over a scripted CLI and kubectl. */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeploySection } from '../../../actions/deploy-namespace/src/report.js';
import {
  removeCliConfig,
  startVcluster,
  VclusterCli,
  vclusterConnectArgs,
  vclusterCreateArgs,
  writeCliConfig,
} from '../../../actions/deploy-namespace/src/vcluster.js';
import type { RunOptions, RunResult } from '../../../actions/shared/src/exec/cli.js';
import { Kubectl } from '../../../actions/shared/src/kube/kubectl.js';
import { DeadlineError, ToolError } from '../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests, redact } from '../../../actions/shared/src/runtime/secrets.js';

const settings = { vcluster: 'vcluster', vclusterChart: '', vclusterValues: [], vclusterServer: '' };

describe('vcluster argv', () => {
  it('create: idempotent, helm driver, no connect, proxy or platform; chart and values when given', () => {
    expect(vclusterCreateArgs('pr-1', settings)).toEqual([
      'create',
      'vcluster',
      '--namespace',
      'pr-1',
      '--upgrade',
      '--driver',
      'helm',
      '--connect=false',
      '--background-proxy=false',
      '--add=false',
    ]);
    const full = vclusterCreateArgs('pr-1', {
      ...settings,
      vclusterChart: '/c',
      vclusterValues: ['/a.yaml', '/b.yaml'],
    });
    expect(full.slice(-6)).toEqual(['--local-chart-dir', '/c', '--values', '/a.yaml', '--values', '/b.yaml']);
  });

  it('connect prints the kubeconfig for the server; the CLI gets the private config and the context', () => {
    expect(vclusterConnectArgs('pr-1', 'https://10.0.0.9:443')).toEqual([
      'connect',
      'vcluster',
      '--namespace',
      'pr-1',
      '--print',
      '--server',
      'https://10.0.0.9:443',
    ]);
    const cli = new VclusterCli('/bin/vcluster', { kubeconfig: '/k', context: 'ci' }, '/cfg.json');
    expect(cli.argv(['list'])).toEqual(['/bin/vcluster', 'list', '--config', '/cfg.json', '--context', 'ci']);
  });

  it('the CLI config: telemetry off, helm driver, 0600; removed with its folder', () => {
    const path = writeCliConfig(mkdtempSync(join(tmpdir(), 'vc-')));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      telemetryDisabled: true,
      driver: { type: 'helm' },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    removeCliConfig(path);
    expect(existsSync(join(path, '..'))).toBe(false);
  });
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: vc
  cluster: {server: "https://10.0.0.9:443", certificate-authority-data: Q0EtREFUQQ==}
users:
- name: vc
  user: {client-certificate-data: Y2VydC1kYXRhLXZjMTIz, client-key-data: a2V5LWRhdGEtdmMtc2VjcmV0}
contexts:
- name: vc
  context: {cluster: vc, user: vc}
current-context: vc
`;

/** A scripted CLI and kubectl: `answer` by argv; records every call with its env. */
function scripted(answer: (argv: string[]) => Partial<RunResult>) {
  const calls: Array<{ argv: string[]; env?: RunOptions['env'] }> = [];
  const runner = async (argv: readonly string[], o?: RunOptions): Promise<RunResult> => {
    calls.push({ argv: [...argv], env: o?.env });
    return {
      argv: [...argv],
      exitCode: 0,
      stdout: '',
      stderr: '',
      durationMs: 1,
      timedOut: false,
      truncated: false,
      ...answer([...argv]),
    };
  };
  return { calls, runner };
}

function start(answer: (argv: string[]) => Partial<RunResult>, deadlineMs = 5000, s = settings) {
  const c = scripted(answer);
  const runnerTemp = mkdtempSync(join(tmpdir(), 'vc-run-'));
  const saved: string[] = [];
  const promise = startVcluster(s, {
    namespace: 'pr-1',
    host: new Kubectl({ kubeconfig: '/host' }, c.runner),
    cli: new VclusterCli('vcluster', { kubeconfig: '/host' }, '/cfg.json', c.runner),
    kubectl: 'kubectl',
    runnerTemp,
    deadline: Date.now() + deadlineMs,
    log: () => undefined,
    onKubeconfig: (p) => saved.push(p),
    pollMs: 5,
    runner: c.runner,
  });
  return { ...c, promise, saved };
}

describe('startVcluster', () => {
  it('create → ClusterIP → connect → /readyz ok; the kubeconfig is 0600, masked, handed to onKubeconfig', async () => {
    clearSecretsForTests();
    let readyz = 0;
    const s = start((argv) => {
      if (argv.includes('service')) return { stdout: JSON.stringify({ spec: { clusterIP: '10.0.0.9' } }) };
      if (argv[1] === 'connect') return { stdout: KUBECONFIG };
      if (argv.includes('/readyz'))
        return ++readyz < 3 ? { exitCode: 1, stderr: 'connection refused' } : { stdout: 'ok' };
      return {};
    });
    const vc = await s.promise;
    expect(vc).toEqual({ name: 'vcluster', server: 'https://10.0.0.9:443', kubeconfigPath: s.saved[0] });
    expect(readFileSync(vc.kubeconfigPath, 'utf8')).toBe(KUBECONFIG);
    expect(statSync(vc.kubeconfigPath).mode & 0o777).toBe(0o600);
    expect(redact('key a2V5LWRhdGEtdmMtc2VjcmV0')).toBe('key ***');
    // create once with the host's KUBECONFIG; connect once; /readyz through the virtual kubeconfig until ok
    expect(s.calls[0]!.argv.slice(0, 2)).toEqual(['vcluster', 'create']);
    expect(s.calls[0]!.env).toMatchObject({ KUBECONFIG: '/host', VCLUSTER_SKIP_VERSION_CHECK: 'true' });
    expect(s.calls.filter((c) => c.argv[1] === 'connect')).toHaveLength(1);
    expect(s.calls.at(-1)!.argv).toEqual([
      'kubectl',
      '--kubeconfig',
      vc.kubeconfigPath,
      'get',
      '--raw',
      '/readyz',
      '--request-timeout=5s',
    ]);
    expect(readyz).toBe(3);
    clearSecretsForTests();
  });

  it('a given vcluster-server is used as is (no Service lookup)', async () => {
    const s = start(
      (argv) =>
        argv[1] === 'connect' ? { stdout: KUBECONFIG } : argv.includes('/readyz') ? { stdout: 'ok' } : {},
      5000,
      { ...settings, vclusterServer: 'https://vc.example.test' },
    );
    expect((await s.promise).server).toBe('https://vc.example.test');
    expect(s.calls.some((c) => c.argv.includes('service'))).toBe(false);
    expect(s.calls.find((c) => c.argv[1] === 'connect')!.argv).toContain('https://vc.example.test');
  });

  it('a failing create is a ToolError naming the command; nothing else runs', async () => {
    const s = start((argv) => (argv[1] === 'create' ? { exitCode: 1, stderr: 'forbidden' } : {}));
    await expect(s.promise).rejects.toThrow(ToolError);
    await expect(s.promise).rejects.toThrow(/vcluster create vcluster --namespace pr-1.*forbidden/);
    expect(s.calls).toHaveLength(1);
  });

  it('an API that never answers /readyz ends in a DeadlineError with the last error', async () => {
    const s = start((argv) => {
      if (argv.includes('service')) return { stdout: JSON.stringify({ spec: { clusterIP: '10.0.0.9' } }) };
      if (argv[1] === 'connect') return { exitCode: 1, stderr: "couldn't find vcluster pod" };
      return {};
    }, 200);
    await expect(s.promise).rejects.toThrow(DeadlineError);
    await expect(s.promise).rejects.toThrow(/answering \/readyz.*couldn't find vcluster pod/);
    expect(s.saved).toEqual([]);
  });
});

describe('the report section', () => {
  it('names the isolation and the vcluster in the summary and the fields', () => {
    const section = new DeploySection('pr-1');
    section.isolationMode = 'vcluster';
    expect(section.summary().join('\n')).toMatch(
      /vcluster `vcluster` in host namespace `pr-1` \(not ready\)/,
    );
    section.vcluster = { name: 'vcluster', server: 'https://10.0.0.9:443' };
    section.workloads = { 'Deployment/web': { ready: 1, desired: 1 } };
    const text = section.summary().join('\n');
    expect(text).toMatch(/vcluster `vcluster` in host namespace `pr-1`; the workload runs inside it/);
    expect(text).toMatch(/\(in the virtual cluster\) workloads/);
    expect(section.fields()).toMatchObject({ isolationMode: 'vcluster', vcluster: { name: 'vcluster' } });
    expect(new DeploySection('pr-1').summary().join('\n')).not.toMatch(/Isolation/);
  });
});
