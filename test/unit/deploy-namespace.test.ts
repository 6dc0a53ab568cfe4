/** deploy-namespace pure logic: argv builders, stuck-release plans, settings errors, templates, the namespace manifest. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyArgs, rolloutArgs, rolloutTargets } from '../../actions/deploy-namespace/src/apply.js';
import { shouldClean } from '../../actions/deploy-namespace/src/cleanup.js';
import {
  limitRangeManifest,
  networkPolicyManifest,
  quotaManifest,
} from '../../actions/deploy-namespace/src/guardrails.js';
import {
  assertDeployable,
  janitorTtl,
  namespaceManifest,
} from '../../actions/deploy-namespace/src/namespace.js';
import {
  DEFAULT_QUOTA,
  getSettings,
  parseLimits,
  parseQuota,
} from '../../actions/deploy-namespace/src/settings.js';
import { renderTemplate } from '../../actions/deploy-namespace/src/templates.js';
import { parseWorkloads } from '../../actions/deploy-namespace/src/workloads.js';
import { UserInputError } from '../../actions/shared/src/errors.js';
import { Inputs } from '../../actions/shared/src/inputs.js';
import {
  planStuckRecovery,
  rollbackArgs,
  uninstallArgs,
  upgradeArgs,
} from '../../actions/shared/src/kube/helm.js';

const base = {
  release: 'preview',
  chart: '/c',
  namespace: 'ns',
  valuesFiles: ['/v.yaml'],
  set: ['a=b'],
  chartVersion: '',
  timeoutS: 60,
  rollback: true,
};

describe('argv builders', () => {
  it.each([
    [
      3,
      {},
      [
        'upgrade',
        '--install',
        'preview',
        '/c',
        '--namespace',
        'ns',
        '--wait',
        '--timeout',
        '60s',
        '--atomic',
        '--values',
        '/v.yaml',
        '--set',
        'a=b',
      ],
    ],
    [
      4,
      {},
      [
        'upgrade',
        '--install',
        'preview',
        '/c',
        '--namespace',
        'ns',
        '--wait',
        '--timeout',
        '60s',
        '--rollback-on-failure',
        '--values',
        '/v.yaml',
        '--set',
        'a=b',
      ],
    ],
    [
      4,
      { chartVersion: '1.2.3', repo: 'https://charts.example.test', set: [] },
      [
        'upgrade',
        '--install',
        'preview',
        '/c',
        '--namespace',
        'ns',
        '--wait',
        '--timeout',
        '60s',
        '--rollback-on-failure',
        '--version',
        '1.2.3',
        '--repo',
        'https://charts.example.test',
        '--values',
        '/v.yaml',
      ],
    ],
  ] as const)('helm %i upgrade %j', (major, extra, argv) => {
    expect(upgradeArgs(major, { ...base, ...(extra as Partial<typeof base>) })).toEqual(argv);
  });

  it('keeps an injection attempt one literal argument', () => {
    const evil = 'x=$(rm -rf /); echo pwned';
    const argv = upgradeArgs(3, { ...base, set: [evil] });
    expect(argv.at(-1)).toBe(evil);
    expect(argv.at(-2)).toBe('--set');
  });

  it('rollback, uninstall, apply and rollout status', () => {
    expect(rollbackArgs('r', 2, 'ns', 30)).toEqual([
      'rollback',
      'r',
      '2',
      '--namespace',
      'ns',
      '--wait',
      '--timeout',
      '30s',
    ]);
    expect(uninstallArgs('r', 'ns', 30, false)).toEqual([
      'uninstall',
      'r',
      '--namespace',
      'ns',
      '--timeout',
      '30s',
    ]);
    expect(applyArgs('ns', { manifests: ['/a.yaml', '/dir'] }, (p) => p === '/dir')).toEqual([
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager',
      'ephemeral',
      '--namespace',
      'ns',
      '--output',
      'name',
      '--filename',
      '/a.yaml',
      '--filename',
      '/dir',
      '--recursive',
    ]);
    expect(applyArgs('ns', { kustomize: '/k' }).slice(-2)).toEqual(['--kustomize', '/k']);
    expect(rolloutArgs('deployment.apps/web', 'ns', 42)).toEqual([
      'rollout',
      'status',
      'deployment.apps/web',
      '--namespace',
      'ns',
      '--timeout',
      '42s',
      '--watch',
    ]);
    expect(
      rolloutTargets([
        'service/api',
        'deployment.apps/api',
        'statefulset.apps/db',
        'daemonset.apps/agent',
        'job.batch/x',
      ]),
    ).toEqual(['deployment.apps/api', 'statefulset.apps/db', 'daemonset.apps/agent']);
  });
});

describe('stuck releases', () => {
  it.each([
    [[], { action: 'none' }],
    [[{ revision: 1, status: 'deployed' }], { action: 'none' }],
    [[{ revision: 1, status: 'pending-install' }], { action: 'uninstall' }],
    [
      [
        { revision: 1, status: 'superseded' },
        { revision: 2, status: 'failed' },
        { revision: 3, status: 'pending-upgrade' },
      ],
      { action: 'rollback', toRevision: 1 },
    ],
    [
      [
        { revision: 2, status: 'deployed' },
        { revision: 3, status: 'pending-rollback' },
      ],
      { action: 'rollback', toRevision: 2 },
    ],
  ])('%j → %j', (history, expected) => {
    expect(planStuckRecovery(history)).toMatchObject(expected);
  });
});

describe('settings', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'dn-'));
  mkdirSync(join(workspace, 'chart'));
  writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'name: x\n');
  const settings = (inputs: Record<string, string>) =>
    getSettings(new Inputs((n) => inputs[n] ?? ''), workspace);
  const error = (inputs: Record<string, string>) => {
    try {
      settings(inputs);
    } catch (e) {
      return e as UserInputError;
    }
    throw new Error('no error');
  };

  it('defaults', () => {
    const s = settings({ chart: 'chart' });
    expect(s).toMatchObject({
      mode: 'helm',
      chart: join(workspace, 'chart'),
      release: 'preview',
      helm: 'helm',
      timeoutMs: 300_000,
      ttlMs: 72 * 3_600_000,
      cleanup: 'always',
      networkPolicy: 'none',
    });
    expect(s.resourceQuota).toEqual(DEFAULT_QUOTA);
    expect(settings({}).mode).toBe('none');
    expect(settings({ chart: 'oci://registry.example.test/charts/app' }).chart).toBe(
      'oci://registry.example.test/charts/app',
    );
  });

  it.each([
    [{ chart: 'chart', kustomize: 'chart' }, 'chart/kustomize'],
    [{ chart: 'nope/missing/chart' }, 'chart'],
    [{ chart: 'chart', release: 'Bad_Name' }, 'release'],
    [{ chart: 'chart', set: 'novalue' }, 'set'],
    [{ manifests: 'missing.yaml' }, 'manifests'],
    [{ set: 'a=b' }, 'set'],
    [{ timeout: '10x' }, 'timeout'],
    [{ cleanup: 'sometimes' }, 'cleanup'],
    [{ 'resource-quota': 'pods=lots' }, 'resource-quota'],
    [{ 'limit-range': 'nothing.cpu=1' }, 'limit-range'],
    [{ 'image-pull-secrets': 'regcred' }, 'pull-secrets-namespace'],
    [{ repo: 'charts.example.test', chart: 'app' }, 'repo'],
    [{ 'network-policy': 'open' }, 'network-policy'],
  ])('%j fails naming %s', (inputs, input) => {
    const e = error(inputs);
    expect(e).toBeInstanceOf(UserInputError);
    expect(e.input).toBe(input);
    expect(e.message).toMatch(/Fix: /);
  });

  it('quota and limits merge over the defaults; key= drops one; none turns them off', () => {
    expect(parseQuota(['pods=5', 'services.nodeports='])).toMatchObject({ pods: '5', 'requests.cpu': '4' });
    expect(parseQuota(['services.nodeports='])).not.toHaveProperty('services.nodeports');
    expect(parseQuota(['none'])).toBeNull();
    expect(parseLimits(['default.memory=1Gi', 'max.cpu='])).toEqual({
      default: { cpu: '500m', memory: '1Gi' },
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      max: { memory: '4Gi' },
    });
    expect(parseLimits(['none'])).toBeNull();
  });
});

describe('templates', () => {
  const vars = {
    namespace: 'app-pr-7-abc123',
    pr: '7',
    sha: 'f'.repeat(40),
    environment: 'app-pr-7-abc123',
    host: 'app-pr-7-abc123.preview.example.test',
  };
  it('renders every variable, spaces allowed, and leaves Go templates alone', () => {
    expect(
      renderTemplate('set', 'ingress.host={{ host }},tag={{sha}},pr={{pr}},ns={{namespace}}', vars),
    ).toBe(`ingress.host=${vars.host},tag=${vars.sha},pr=7,ns=${vars.namespace}`);
    expect(renderTemplate('values', 'a: {{ .Values.x }}', vars)).toBe('a: {{ .Values.x }}');
  });
  it.each([
    ['{{branch}}', 'is not a known template variable'],
    ['{{pr}}', 'no pull request'],
  ])('%s fails naming the input', (text, problem) => {
    expect(() => renderTemplate('set', text, { ...vars, pr: '' })).toThrow(
      new RegExp(`Input "set": .*${problem}`),
    );
  });
});

describe('namespace', () => {
  const facts = {
    environment: 'app-pr-7-abc123',
    repository: 'acme/app',
    prNumber: 7,
    headSha: 'a'.repeat(40),
    runId: '99',
    createdAtMs: 1_700_000_000_000,
    deployedAtMs: 1_700_000_600_000,
    ttlMs: 3_600_000,
    runUrl: 'https://github.com/acme/app/actions/runs/99',
    janitor: true,
  };
  it('labels with deployLabels and annotates readable forms', () => {
    const m = namespaceManifest('app-pr-7-abc123', facts) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(m.metadata.labels).toMatchObject({
      'ephemeral.dev/managed-by': 'ephemeral',
      'ephemeral.dev/created-at': '1700000000',
      'ephemeral.dev/last-deployed-at': '1700000600',
      'ephemeral.dev/expires-at': '1700004200',
      'ephemeral.dev/pr': '7',
    });
    expect(m.metadata.annotations).toMatchObject({
      'ephemeral.dev/repository': 'acme/app',
      'ephemeral.dev/pr': '#7',
      'ephemeral.dev/expires-at': '2023-11-14T23:23:20Z',
      'janitor/ttl': '1h',
      'janitor/expires': '2023-11-14T23:23:20Z',
    });
    expect(janitorTtl(90 * 60_000)).toBe('90m');
    const noTtl = namespaceManifest('x', { ...facts, ttlMs: null, janitor: true }) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(noTtl.metadata.labels).not.toHaveProperty('ephemeral.dev/expires-at');
    expect(noTtl.metadata.annotations).not.toHaveProperty('janitor/ttl');
  });
  it('refuses protected namespaces and ones without our label', () => {
    expect(() => assertDeployable('kube-system', null)).toThrow(
      /Input "name": "kube-system" is a protected namespace/,
    );
    expect(() => assertDeployable('default', null)).toThrow(UserInputError);
    expect(() => assertDeployable('theirs', { metadata: { name: 'theirs', labels: {} } })).toThrow(
      /not created by these actions/,
    );
    expect(() =>
      assertDeployable('ours', {
        metadata: { name: 'ours', labels: { 'ephemeral.dev/managed-by': 'ephemeral' } },
      }),
    ).not.toThrow();
  });
  it('guardrail manifests', () => {
    expect(quotaManifest('ns', { pods: '1' }, {})).toMatchObject({
      kind: 'ResourceQuota',
      spec: { hard: { pods: '1' } },
    });
    expect(limitRangeManifest('ns', { default: { cpu: '1' } }, {})).toMatchObject({
      spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] },
    });
    expect(networkPolicyManifest('ns', 'deny-ingress', {})).toMatchObject({
      spec: { policyTypes: ['Ingress'] },
    });
    expect(
      (networkPolicyManifest('ns', 'deny-all', {}) as { spec: { egress: unknown[] } }).spec.egress,
    ).toHaveLength(2);
  });
});

describe('workloads and cleanup policy', () => {
  it('parses ready/desired per kind', () => {
    const list = {
      items: [
        {
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: { replicas: 3 },
          status: { readyReplicas: 2 },
        },
        {
          kind: 'DaemonSet',
          metadata: { name: 'agent' },
          status: { numberReady: 1, desiredNumberScheduled: 1 },
        },
        { kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1 }, status: {} },
      ],
    };
    expect(parseWorkloads(JSON.stringify(list))).toEqual({
      'DaemonSet/agent': { ready: 1, desired: 1 },
      'Deployment/web': { ready: 2, desired: 3 },
      'StatefulSet/db': { ready: 0, desired: 1 },
    });
  });
  it.each([
    ['always', true, true],
    ['always', false, true],
    ['on-failure', true, false],
    ['on-failure', false, true],
    ['never', false, false],
  ] as const)('cleanup %s, main succeeded %s → clean %s', (policy, succeeded, clean) => {
    expect(shouldClean(policy, succeeded)).toBe(clean);
  });
});
