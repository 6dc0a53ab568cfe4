/** Helm argv builders (v3 and v4) and the stuck-release recovery plan. */
import { describe, expect, it } from 'vitest';
import {
  planStuckRecovery,
  rollbackArgs,
  uninstallArgs,
  upgradeArgs,
} from '../../../../actions/shared/src/kube/helm.js';

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

  it('client-side (isolation: vcluster): --server-side=false on Helm 4, nothing on Helm 3', () => {
    expect(upgradeArgs(4, { ...base, clientSide: true })).toContain('--server-side=false');
    expect(upgradeArgs(4, { ...base, clientSide: false })).not.toContain('--server-side=false');
    expect(upgradeArgs(3, { ...base, clientSide: true }).some((a) => a.startsWith('--server-side'))).toBe(
      false,
    );
  });

  it('keeps an injection attempt one literal argument', () => {
    const evil = 'x=$(rm -rf /); echo pwned';
    const argv = upgradeArgs(3, { ...base, set: [evil] });
    expect(argv.at(-1)).toBe(evil);
    expect(argv.at(-2)).toBe('--set');
  });

  it('rollback and uninstall', () => {
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
    expect(uninstallArgs('r', 'ns', 30, { wait: false })).toEqual([
      'uninstall',
      'r',
      '--namespace',
      'ns',
      '--timeout',
      '30s',
    ]);
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
