/** The pod part of the diagnostics bundle: which pods, which logs (current and previous), the byte bounds, masking. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { Bundle, KUBE_DIAGNOSTICS_LIMITS } from '../../../../actions/shared/src/kube/diagnostics-bundle.js';
import { Kubectl } from '../../../../actions/shared/src/kube/kubectl.js';
import { collectPods, keepTail, troubledPods } from '../../../../actions/shared/src/kube/pod-diagnostics.js';
import { clearSecretsForTests, registerSecret } from '../../../../actions/shared/src/runtime/secrets.js';

afterEach(() => clearSecretsForTests());

const ready = [{ type: 'Ready', status: 'True' }];
const PODS = {
  items: [
    { metadata: { name: 'ok' }, status: { phase: 'Running', conditions: ready } },
    { metadata: { name: 'done' }, status: { phase: 'Succeeded' } },
    {
      metadata: { name: 'crash' },
      status: {
        phase: 'Running',
        initContainerStatuses: [{ name: 'init', restartCount: 0 }],
        containerStatuses: [
          { name: 'app', restartCount: 3 },
          { name: 'side', restartCount: 0 },
        ],
      },
    },
    { metadata: { name: 'pending' }, status: { phase: 'Pending' } },
  ],
};

/** A scripted kubectl: the pod list, and `out(argv)` as every other command's stdout (written to its file). */
function scripted(out: (argv: readonly string[]) => string | null) {
  const calls: Array<readonly string[]> = [];
  const runner = async (argv: readonly string[], options: RunOptions = {}): Promise<RunResult> => {
    calls.push(argv);
    const text = argv.includes('pods') && argv.includes('json') ? JSON.stringify(PODS) : out(argv);
    const stdout = text ?? '';
    if (options.stdoutFile)
      writeFileSync(options.stdoutFile.path, stdout.slice(0, options.stdoutFile.maxBytes));
    const base = { argv: [...argv], stdout, durationMs: 1, timedOut: false, truncated: false };
    return text === null
      ? { ...base, exitCode: 1, stderr: 'Error from server (BadRequest): no logs on this node' }
      : { ...base, exitCode: 0, stderr: '' };
  };
  return { kubectl: new Kubectl({}, runner), calls };
}

function bundle() {
  return new Bundle(mkdtempSync(join(tmpdir(), 'pods-')), KUBE_DIAGNOSTICS_LIMITS);
}

describe('pod diagnostics', () => {
  it('troubled pods: neither Ready nor Succeeded, at most max, with the containers that restarted', () => {
    expect(troubledPods(PODS.items, 10)).toEqual([
      { name: 'crash', restarted: ['app'] },
      { name: 'pending', restarted: [] },
    ]);
    expect(troubledPods(PODS.items, 1)).toHaveLength(1);
  });

  it('keepTail keeps the last bytes from a line start behind a line saying what was cut, within the bound', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'é'.repeat(20)}`).join('\n');
    expect(keepTail(text, 1_000_000)).toBe(text);
    const kept = keepTail(text, 2000);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(2000);
    expect(kept).toMatch(
      /^\[… \d+ earlier bytes cut: the diagnostics bound; the last \d+ follow\]\nline \d+ /,
    );
    expect(kept.endsWith('line 999 ' + 'é'.repeat(20))).toBe(true);
    expect(keepTail(text, 100)).toBe('');
  });

  it('describe, the current log and the previous log of each restarted container; secrets masked', async () => {
    registerSecret('s3cr3t-token-value');
    const { kubectl, calls } = scripted((argv) =>
      argv.includes('--previous') ? 'previous run: s3cr3t-token-value\n' : `${argv[0]} ${argv[1]}\n`,
    );
    const b = bundle();
    await collectPods(kubectl, 'ns', b, KUBE_DIAGNOSTICS_LIMITS);
    expect(calls).toContainEqual([
      'kubectl',
      'logs',
      'crash',
      '--namespace',
      'ns',
      '--container',
      'app',
      '--previous',
      '--tail',
      '200',
    ]);
    expect(calls.filter((c) => c.includes('--previous'))).toHaveLength(1);
    expect(readdirSync(join(b.dir, 'logs')).sort()).toEqual([
      'crash.app.previous.log',
      'crash.log',
      'pending.log',
    ]);
    expect(readdirSync(join(b.dir, 'describe')).sort()).toEqual(['Pod_crash.txt', 'Pod_pending.txt']);
    expect(readFileSync(join(b.dir, 'logs/crash.app.previous.log'), 'utf8')).toBe('previous run: ***\n');
    expect(b.errors).toEqual([]);
  });

  it('bounded per pod and in total; a spent budget is noted, not silently dropped', async () => {
    const big = `${'x'.repeat(99)}\n`.repeat(10_000); // ~1 MB per part
    const { kubectl } = scripted(() => big);
    const b = bundle();
    const limits = { ...KUBE_DIAGNOSTICS_LIMITS, maxPodBytes: 30_000, maxPodsTotalBytes: 40_000 };
    await collectPods(kubectl, 'ns', b, limits);
    const size = (f: string) => (existsSync(join(b.dir, f)) ? statSync(join(b.dir, f)).size : 0);
    const crash = ['describe/Pod_crash.txt', 'logs/crash.log', 'logs/crash.app.previous.log'].map(size);
    const pending = ['describe/Pod_pending.txt', 'logs/pending.log'].map(size);
    const sum = (xs: number[]) => xs.reduce((a, c) => a + c, 0);
    expect(sum(crash)).toBeLessThanOrEqual(30_000);
    expect(sum(crash)).toBeGreaterThan(25_000);
    expect(sum(crash) + sum(pending)).toBeLessThanOrEqual(40_000);
    expect(readFileSync(join(b.dir, 'logs/crash.log'), 'utf8')).toMatch(/^\[… \d+ earlier bytes cut/);
  });

  it('a cluster that gives no logs (kwok): a note says why', async () => {
    const { kubectl } = scripted((argv) => (argv[1] === 'logs' ? null : 'described\n'));
    const b = bundle();
    await collectPods(kubectl, 'ns', b, KUBE_DIAGNOSTICS_LIMITS);
    expect(readFileSync(join(b.dir, 'logs/NOTE.txt'), 'utf8')).toMatch(
      /^Pod logs could not be read \(Error from server/,
    );
  });
});
