/**
 * A scripted docker CLI for unit tests: resources with labels, answering `ls --filter … --format …` (the
 * inventory's tab-separated rows) and `inspect`, recording `stop` and `rm`.
 */
import { INVENTORY_LABELS } from '../../../../actions/shared/src/compose/docker.js';
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';
import { runResult } from '../../helpers.js';

/** One resource the fake engine holds. */
export interface FakeResource {
  kind: 'container' | 'network' | 'volume' | 'image';
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Containers: `docker inspect`'s State (default running). */
  state?: { Status: string; ExitCode?: number };
}

/** A runner over `resources`; `calls` records every argv, `removed` the ids `rm` took. */
export function fakeDocker(resources: FakeResource[], options: { failRemoval?: string[] } = {}) {
  const calls: string[][] = [];
  const removed: string[] = [];
  const result = (argv: readonly string[], stdout: string, exitCode = 0, stderr = '') =>
    runResult(stdout, exitCode, stderr, argv);
  const row = (r: FakeResource) =>
    r.kind === 'image'
      ? `${r.id}\t${r.name}`
      : [r.id, r.name, ...INVENTORY_LABELS.map((l) => r.labels[l] ?? '')].join('\t');
  const runner = async (argv: readonly string[], _options?: RunOptions): Promise<RunResult> => {
    calls.push([...argv]);
    const [, kind, verb, ...rest] = argv;
    const live = resources.filter((r) => r.kind === kind && !removed.includes(r.id));
    if (verb === 'ls') {
      const filters = rest.filter((_, i) => rest[i - 1] === '--filter').map((f) => f.replace(/^label=/, ''));
      const match = live.filter((r) =>
        filters.every((f) => {
          const [k, v] = f.split('=');
          return v === undefined ? k! in r.labels : r.labels[k!] === v;
        }),
      );
      const quiet = rest.includes('--quiet');
      return result(argv, match.map((r) => `${quiet ? r.id : row(r)}\n`).join(''));
    }
    if (verb === 'inspect') {
      const items = rest.map((id) => live.find((r) => r.id === id)).filter((r) => r !== undefined);
      return result(
        argv,
        JSON.stringify(
          items.map((r) => ({
            Id: r.id,
            Name: `/${r.name}`,
            Config: { Labels: r.labels },
            State: r.state ?? { Status: 'running' },
          })),
        ),
      );
    }
    if (verb === 'rm') {
      const ids = rest.filter((a) => !a.startsWith('--'));
      const refused = ids.filter((id) => options.failRemoval?.includes(id));
      removed.push(...ids.filter((id) => !refused.includes(id)));
      if (refused.length > 0)
        return result(
          argv,
          '',
          1,
          refused.map((id) => `Error response from daemon: ${id} is in use`).join('\n'),
        );
    }
    return result(argv, '');
  };
  return { runner, calls, removed };
}
