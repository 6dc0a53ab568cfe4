/** A scripted docker CLI for unit tests: resources with labels, answering `ls --filter` and `inspect`, recording `rm`. */
import type { RunOptions, RunResult } from '../../../../actions/shared/src/exec/cli.js';

/** One resource the fake engine holds. */
export interface FakeResource {
  kind: 'container' | 'network' | 'volume';
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** A runner over `resources`; `calls` records every argv, `removed` the ids `rm` took. */
export function fakeDocker(resources: FakeResource[]) {
  const calls: string[][] = [];
  const removed: string[] = [];
  const ok = (argv: readonly string[], stdout: string): RunResult => ({
    argv: [...argv],
    exitCode: 0,
    stdout,
    stderr: '',
    durationMs: 1,
    timedOut: false,
    truncated: false,
  });
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
      return ok(argv, match.map((r) => `${r.id}\n`).join(''));
    }
    if (verb === 'inspect') {
      const items = rest.map((id) => live.find((r) => r.id === id)!);
      return ok(
        argv,
        JSON.stringify(
          items.map((r) =>
            r.kind === 'container'
              ? { Id: r.id, Name: `/${r.name}`, Config: { Labels: r.labels } }
              : r.kind === 'network'
                ? { Id: r.id, Name: r.name, Labels: r.labels }
                : { Name: r.id, Labels: r.labels },
          ),
        ),
      );
    }
    if (verb === 'rm') removed.push(...rest.filter((a) => !a.startsWith('--')));
    return ok(argv, '');
  };
  return { runner, calls, removed };
}
