/** wait-ready's Kubernetes diagnostics: which namespaces and probes, the files per namespace, the shared pod budget, masking. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../../actions/shared/src/exec/cli.js';
import { KUBE_DIAGNOSTICS_LIMITS } from '../../../actions/shared/src/kube/diagnostics-bundle.js';
import { Kubectl } from '../../../actions/shared/src/kube/kubectl.js';
import { clearSecretsForTests, registerSecret } from '../../../actions/shared/src/runtime/secrets.js';
import {
  collectProbeDiagnostics,
  MAX_NAMESPACES,
  probesByNamespace,
} from '../../../actions/wait-ready/src/kube-diagnostics.js';
import type { KubeSpec } from '../../../actions/wait-ready/src/spec-kube.js';

afterEach(() => clearSecretsForTests());

const rollout = (name: string, target: string, namespace = ''): KubeSpec => ({
  kind: 'rollout',
  name,
  namespace,
  workload: 'deployment',
  target,
  min: 1,
});
const pods = (name: string, namespace = ''): KubeSpec => ({
  kind: 'pods',
  name,
  namespace,
  workload: '',
  target: 'app=web',
  min: 1,
});

const CRASHING = {
  items: [
    {
      metadata: { name: 'api-1' },
      status: { phase: 'Running', containerStatuses: [{ name: 'api', restartCount: 2 }] },
    },
  ],
};

/** A scripted kubectl: the pod list, a log holding `secret`, and an echo of the argv for every other command. */
function scripted(secret: string, filler = 0) {
  const calls: Array<readonly string[]> = [];
  const runner = async (argv: readonly string[], options: RunOptions = {}): Promise<RunResult> => {
    calls.push(argv);
    const stdout =
      argv[2] === 'pods' && argv.includes('json')
        ? JSON.stringify(CRASHING)
        : argv[1] === 'logs'
          ? `${'x'.repeat(filler)}\npanic: lost the database, password ${secret}\n`
          : argv.includes('json')
            ? '{"items":[]}'
            : `${argv.join(' ')}\n`;
    if (options.stdoutFile) writeFileSync(options.stdoutFile.path, stdout);
    return {
      argv: [...argv],
      stdout,
      stderr: '',
      exitCode: 0,
      durationMs: 1,
      timedOut: false,
      truncated: false,
    };
  };
  return { kubectl: new Kubectl({}, runner), calls };
}

describe('wait-ready Kubernetes diagnostics', () => {
  it('groups the not-ready probes by namespace (the default for those that name none), at most MAX_NAMESPACES', () => {
    const probes = [rollout('api', 'api'), pods('web', 'front'), rollout('db', 'db', 'data')];
    expect([...probesByNamespace(probes, 'pr-7', new Set(['api', 'db'])).entries()]).toEqual([
      ['pr-7', [probes[0]]],
      ['data', [probes[2]]],
    ]);
    expect([...probesByNamespace(probes, 'pr-7', null).keys()]).toEqual(['pr-7', 'front', 'data']);
    const many = Array.from({ length: MAX_NAMESPACES + 3 }, (_, i) => pods(`p${i}`, `ns-${i}`));
    expect(probesByNamespace(many, '', null).size).toBe(MAX_NAMESPACES);
  });

  it('per namespace: events, objects, the pods with current and previous logs, describe of the rollouts; masked', async () => {
    const secret = 's3cr3t-value-for-the-test';
    registerSecret(secret);
    const { kubectl, calls } = scripted(secret);
    const dir = mkdtempSync(join(tmpdir(), 'wait-diag-'));
    const bundle = await collectProbeDiagnostics(
      kubectl,
      [rollout('api', 'api'), pods('web', 'front')],
      'pr-7',
      null,
      dir,
    );
    const files = bundle.files.map((f) => f.path).sort();
    for (const ns of ['pr-7', 'front'])
      for (const f of ['events.txt', 'get-all.txt', 'describe/Pod_api-1.txt', 'logs/api-1.log'])
        expect(files).toContain(join('kubernetes', ns, f));
    expect(files).toContain(join('kubernetes', 'pr-7', 'logs', 'api-1.api.previous.log'));
    expect(files).toContain(join('kubernetes', 'pr-7', 'describe', 'deployment_api.txt'));
    expect(files).not.toContain(join('kubernetes', 'front', 'describe', 'deployment_api.txt'));
    expect(calls).toContainEqual(['kubectl', 'describe', 'deployment.apps/api', '--namespace', 'pr-7']);
    expect(calls).toContainEqual([
      'kubectl',
      'logs',
      'api-1',
      '--namespace',
      'front',
      '--container',
      'api',
      '--previous',
      '--tail',
      '200',
    ]);
    const log = readFileSync(join(dir, 'kubernetes', 'pr-7', 'logs', 'api-1.api.previous.log'), 'utf8');
    expect(log).toContain('panic: lost the database, password ***');
    expect(log).not.toContain(secret);
    expect(existsSync(join(dir, 'kubernetes', 'pr-7', 'errors.txt'))).toBe(false);
  });

  it('the pods byte budget is shared between the namespaces', async () => {
    const { kubectl } = scripted('x', 2000);
    const dir = mkdtempSync(join(tmpdir(), 'wait-diag-'));
    const limits = { ...KUBE_DIAGNOSTICS_LIMITS, maxPodsTotalBytes: 600 };
    const probes = [pods('a', 'ns-a'), pods('b', 'ns-b')];
    const bundle = await collectProbeDiagnostics(kubectl, probes, '', null, dir, limits);
    const podBytes = (ns: string) =>
      bundle.files
        .filter((f) => f.path.startsWith(`kubernetes/${ns}/logs/`) || f.path.includes(`${ns}/describe/Pod_`))
        .reduce((sum, f) => sum + f.bytes, 0);
    for (const ns of ['ns-a', 'ns-b']) {
      expect(podBytes(ns)).toBeGreaterThan(0);
      expect(podBytes(ns)).toBeLessThanOrEqual(300);
    }
    expect(readFileSync(join(dir, 'kubernetes', 'ns-b', 'errors.txt'), 'utf8')).toMatch(
      /byte bound is spent/,
    );
  });
});
