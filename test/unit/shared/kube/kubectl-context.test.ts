/** A `context` input the kubeconfig lacks is a bad input, found before anything reaches a cluster. */
import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { Kubectl } from '../../../../actions/shared/src/kube/kubectl.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { runResult } from '../../helpers.js';

/** A runner that answers `config get-contexts` with `contexts` and `get --raw /version` with ok. */
function scripted(contexts: string[], exitCode = 0) {
  const calls: string[][] = [];
  const runner = async (argv: readonly string[], _options?: RunOptions): Promise<RunResult> => {
    calls.push([...argv]);
    const listing = argv.includes('get-contexts');
    if (!listing) return runResult('{}', 0, '', argv);
    const stderr = exitCode !== 0 ? 'error: open /nope: no such file or directory' : '';
    return runResult(contexts.map((c) => `${c}\n`).join(''), exitCode, stderr, argv);
  };
  return { calls, runner };
}

describe('Kubectl.requireContext', () => {
  it('lists the contexts of the same kubeconfig, without --context, and accepts one it has', async () => {
    const { calls, runner } = scripted(['kind-a', 'prod']);
    await new Kubectl({ kubeconfig: '/k', context: 'prod' }, runner).requireContext();
    expect(calls).toEqual([['kubectl', '--kubeconfig', '/k', 'config', 'get-contexts', '--output', 'name']]);
  });

  it('refuses a context the kubeconfig lacks, naming the input, what it has and the fix', async () => {
    const { runner } = scripted(['kind-a', 'prod']);
    const error = await new Kubectl({ context: 'no-such' }, runner).requireContext().catch((e) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toBe(
      'Input "context": "no-such" is not a context of the kubeconfig (it has "kind-a", "prod"). Fix: give one of its contexts, or leave "context" empty to use its current-context.',
    );
  });

  it('says "none" for a kubeconfig without contexts, and checks nothing without a context', async () => {
    const { calls, runner } = scripted([]);
    await expect(new Kubectl({ context: 'x' }, runner).requireContext()).rejects.toThrow('(it has none)');
    calls.length = 0;
    await new Kubectl({}, runner).requireContext();
    expect(calls).toEqual([]);
  });

  it('runs before the API server is asked, so a bad context never reaches a cluster', async () => {
    const { calls, runner } = scripted(['a']);
    await expect(new Kubectl({ context: 'b' }, runner).answers(1000)).rejects.toThrow(UserInputError);
    expect(calls.some((argv) => argv.includes('/version'))).toBe(false);
  });

  it('lists the contexts once per connection, however often it is asked (withKubectl, then answers)', async () => {
    const { calls, runner } = scripted(['prod']);
    const kubectl = new Kubectl({ context: 'prod' }, runner);
    await kubectl.requireContext();
    await kubectl.answers(1000);
    await kubectl.requireContext();
    expect(calls.filter((argv) => argv.includes('get-contexts'))).toHaveLength(1);
    expect(calls.filter((argv) => argv.includes('/version'))).toHaveLength(1);
  });

  it('a refused context stays refused on every later ask, without listing again', async () => {
    const { calls, runner } = scripted(['a']);
    const kubectl = new Kubectl({ context: 'b' }, runner);
    await expect(kubectl.requireContext()).rejects.toThrow(UserInputError);
    await expect(kubectl.answers(1000)).rejects.toThrow(UserInputError);
    expect(calls).toHaveLength(1);
  });

  it('a kubeconfig kubectl cannot read is kubectl’s error (a ToolError), not a missing context', async () => {
    const { runner } = scripted([], 1);
    await expect(new Kubectl({ kubeconfig: '/nope', context: 'x' }, runner).requireContext()).rejects.toThrow(
      /no such file/,
    );
  });
});
