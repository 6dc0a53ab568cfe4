/** Networks and volumes a deploy would adopt (issue 9, defect 6): the names checked, and the refusal. */
import { describe, expect, it } from 'vitest';
import {
  environmentObjects,
  refuseForeignObjects,
} from '../../../../actions/shared/src/compose/foreign-objects.js';
import type { RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { SetupError } from '../../../../actions/shared/src/runtime/errors.js';

const ENV = 'app-pr-7-abc123';
const MODEL = {
  services: {},
  networks: { default: { name: `${ENV}_default` }, shared: { external: true, name: 'shared' } },
  volumes: { data: {}, fixed: { name: 'team-cache' } },
};

function runner(labels: Record<string, Record<string, string> | null>) {
  const calls: string[][] = [];
  const fn = async (argv: readonly string[]): Promise<RunResult> => {
    calls.push([...argv]);
    const name = argv.at(-1)!;
    const found = labels[name];
    const base = {
      argv: [...argv],
      durationMs: 1,
      timedOut: false,
      truncated: false,
      stderr: '',
      stdout: '',
    };
    return found === undefined
      ? {
          ...base,
          exitCode: 1,
          // What Docker 20.10 answers for each kind.
          stderr:
            argv[1] === 'network'
              ? `Error response from daemon: network ${name} not found`
              : `Error response from daemon: get ${name}: no such volume`,
        }
      : { ...base, exitCode: 0, stdout: `${JSON.stringify(found)}\n` };
  };
  return { fn: fn as never, calls };
}

describe('foreign networks and volumes', () => {
  it('checks the non-external ones by the per-environment name the override gives them', () => {
    // `fixed` has `name: team-cache` in the file; the override renames it to `<project>_fixed`.
    expect(environmentObjects(MODEL as never, ENV)).toEqual([
      { kind: 'network', name: `${ENV}_default` },
      { kind: 'volume', name: `${ENV}_data` },
      { kind: 'volume', name: `${ENV}_fixed` },
    ]);
  });

  it("passes when none exists, or when they carry this environment's labels", async () => {
    await expect(refuseForeignObjects(MODEL as never, ENV, runner({}).fn)).resolves.toBeUndefined();
    const ours = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': ENV };
    const r = runner({ [`${ENV}_default`]: ours, [`${ENV}_data`]: ours, [`${ENV}_fixed`]: ours });
    await expect(refuseForeignObjects(MODEL as never, ENV, r.fn)).resolves.toBeUndefined();
    expect(r.calls.map((c) => c.slice(0, 3))).toEqual([
      ['docker', 'network', 'inspect'],
      ['docker', 'volume', 'inspect'],
      ['docker', 'volume', 'inspect'],
    ]);
  });

  it("refuses an unlabelled one (or another environment's), naming it and the fix", async () => {
    const cases: Array<Record<string, string> | null> = [
      null,
      {},
      { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': 'other' },
    ];
    for (const labels of cases) {
      const error = await refuseForeignObjects(
        MODEL as never,
        ENV,
        runner({ [`${ENV}_data`]: labels }).fn,
      ).catch((e) => e);
      expect(error).toBeInstanceOf(SetupError);
      expect(error.message).toContain(`volume "${ENV}_data"`);
      expect(error.message).toContain(`Fix: remove it if it is not needed (docker volume rm ${ENV}_data)`);
    }
  });

  it('a docker failure other than "no such" is an error, not "absent"', async () => {
    const fn = (async (argv: readonly string[]) => ({
      argv: [...argv],
      exitCode: 1,
      stdout: '',
      stderr: 'Cannot connect to the Docker daemon',
      durationMs: 1,
      timedOut: false,
    })) as never;
    await expect(refuseForeignObjects(MODEL as never, ENV, fn)).rejects.toThrow(/Cannot connect/);
  });
});
