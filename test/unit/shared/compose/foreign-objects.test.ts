/** Networks and volumes a deploy would adopt (issue 9, defect 6): the names checked, and the refusal. */
import { describe, expect, it } from 'vitest';
import {
  environmentObjects,
  existingObjects,
  existingObjectsArgs,
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

const OURS = { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': ENV };

/** A runner answering `docker <kind> ls --filter name=… --format …` from `objects` (name → labels). */
function runner(objects: Record<string, Record<string, string>>, failure = '') {
  const calls: string[][] = [];
  const fn = async (argv: readonly string[]): Promise<RunResult> => {
    calls.push([...argv]);
    const kind = argv[1];
    const part = argv[argv.indexOf('--filter') + 1]!.replace(/^name=/, '');
    const rows = Object.entries(objects)
      .filter(([key]) => key.startsWith(`${kind}:`) && key.includes(part))
      .map(([key, labels]) =>
        [
          key.slice(kind!.length + 1),
          labels['ephemeral.dev/managed-by'] ?? '',
          labels['ephemeral.dev/environment'] ?? '',
        ].join('\t'),
      );
    return {
      argv: [...argv],
      durationMs: 1,
      timedOut: false,
      truncated: false,
      exitCode: failure ? 1 : 0,
      stderr: failure,
      stdout: rows.map((r) => `${r}\n`).join(''),
    };
  };
  return { fn: fn as never, calls };
}

const check = async (objects: Record<string, Record<string, string>>) =>
  refuseForeignObjects(MODEL as never, ENV, await existingObjects(ENV, runner(objects).fn));

describe('foreign networks and volumes', () => {
  it('checks the non-external ones by the per-environment name the override gives them', () => {
    // `fixed` has `name: team-cache` in the file; the override renames it to `<project>_fixed`.
    expect(environmentObjects(MODEL as never, ENV)).toEqual([
      { kind: 'network', name: `${ENV}_default` },
      { kind: 'volume', name: `${ENV}_data` },
      { kind: 'volume', name: `${ENV}_fixed` },
    ]);
  });

  it('lists networks and volumes whose name contains `<project>_`, both at once, no inspect', async () => {
    const r = runner({});
    await existingObjects(ENV, r.fn);
    expect(r.calls).toEqual([existingObjectsArgs('network', ENV), existingObjectsArgs('volume', ENV)]);
    expect(r.calls[0]).toEqual([
      'docker',
      'network',
      'ls',
      '--filter',
      `name=${ENV}_`,
      '--format',
      '{{.Name}}\t{{.Label "ephemeral.dev/managed-by"}}\t{{.Label "ephemeral.dev/environment"}}',
    ]);
  });

  it("passes when none exists, or when they carry this environment's labels", async () => {
    await expect(check({})).resolves.toBeUndefined();
    await expect(
      check({
        [`network:${ENV}_default`]: OURS,
        [`volume:${ENV}_data`]: OURS,
        [`volume:${ENV}_fixed`]: OURS,
      }),
    ).resolves.toBeUndefined();
    // a name that only contains the environment's (the filter matches any part) is not one of its objects
    await expect(
      check({ [`volume:x${ENV}_data`]: {}, [`volume:${ENV}_data2`]: {}, [`network:${ENV}_default`]: OURS }),
    ).resolves.toBeUndefined();
  });

  it("refuses an unlabelled one (or another environment's), naming it and the fix", async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { 'ephemeral.dev/managed-by': 'ephemeral' },
      { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/environment': 'other' },
    ];
    for (const labels of cases) {
      const error = await check({ [`volume:${ENV}_data`]: labels }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SetupError);
      expect((error as Error).message).toContain(`volume "${ENV}_data"`);
      expect((error as Error).message).toContain(
        `Fix: remove it if it is not needed (docker volume rm ${ENV}_data)`,
      );
    }
    const network = await check({ [`network:${ENV}_default`]: {} }).catch((e: unknown) => e);
    expect((network as Error).message).toContain(`network "${ENV}_default"`);
  });

  it('a docker failure is an error, never "absent"', async () => {
    await expect(existingObjects(ENV, runner({}, 'Cannot connect to the Docker daemon').fn)).rejects.toThrow(
      /Cannot connect/,
    );
  });
});
