/**
 * A scripted docker CLI for unit tests: resources with labels, answering `ls --filter … --format …` (the
 * inventory's tab-separated rows) and `inspect`, recording `stop` and `rm`. Like the engine, it refuses to
 * remove a network while a running container holds it (a stopped one holds no endpoint) and a volume while
 * any container of its Compose project exists (even a stopped one), and removes containers asynchronously,
 * so a network removal started beside it runs first. `options.slowNetworks`: a network's removal takes that
 * many turns of the event loop (default 0), as the engine's, with its firewall rules, can outlast a
 * container's.
 */
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
export function fakeDocker(
  resources: FakeResource[],
  options: { failRemoval?: string[]; failStop?: string[]; slowNetworks?: number } = {},
) {
  const calls: string[][] = [];
  const removed: string[] = [];
  const stopped = new Set<string>();
  /** `start <verb line>` / `end <verb line>` of every call, in the order they happened. */
  const events: string[] = [];
  const result = (argv: readonly string[], stdout: string, exitCode = 0, stderr = '') =>
    runResult(stdout, exitCode, stderr, argv);
  // Renders `--format` as the CLI would: the ID, the name and `{{.Label "…"}}` columns.
  const row = (r: FakeResource, format: string) =>
    format
      .replace(/\{\{\.Repository\}\}:\{\{\.Tag\}\}/g, r.name)
      .replace(/\{\{\.ID\}\}/g, r.id)
      .replace(/\{\{\.Names?\}\}/g, r.kind === 'volume' ? r.id : r.name)
      .replace(/\{\{\.Label "([^"]+)"\}\}/g, (_, key: string) => r.labels[key] ?? '');
  const runner = async (argv: readonly string[], runOptions?: RunOptions): Promise<RunResult> => {
    const line = argv.slice(1, 3).join(' ');
    events.push(`start ${line}`);
    const answer = await respond(argv, runOptions);
    events.push(`end ${line}`);
    return answer;
  };
  const respond = async (argv: readonly string[], _options?: RunOptions): Promise<RunResult> => {
    calls.push([...argv]);
    const [, kind, verb, ...rest] = argv;
    const live = resources.filter((r) => r.kind === kind && !removed.includes(r.id));
    if (verb === 'ls') {
      const filters = rest.filter((_, i) => rest[i - 1] === '--filter').map((f) => f.replace(/^label=/, ''));
      const match = live.filter((r) =>
        filters.every((f) => {
          const [k, v] = f.split('=');
          if (k === 'name') return r.name.includes(v ?? '');
          return v === undefined ? k! in r.labels : r.labels[k!] === v;
        }),
      );
      const quiet = rest.includes('--quiet');
      const format = rest[rest.indexOf('--format') + 1] ?? '';
      return result(argv, match.map((r) => `${quiet ? r.id : row(r, format)}\n`).join(''));
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
    if (verb === 'stop') {
      const ids = rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--time');
      const failed = ids.filter((id) => options.failStop?.includes(id));
      for (const id of ids) if (!failed.includes(id)) stopped.add(id);
      if (failed.length > 0)
        return result(
          argv,
          '',
          1,
          failed.map((id) => `Error response from daemon: cannot stop ${id}`).join('\n'),
        );
    }
    if (verb === 'rm') {
      const turns = kind === 'container' ? 1 : kind === 'network' ? (options.slowNetworks ?? 0) : 0;
      for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
      const ids = rest.filter((a) => !a.startsWith('--'));
      const running = resources.filter(
        (r) => r.kind === 'container' && !removed.includes(r.id) && !stopped.has(r.id),
      );
      // A network is in use while a running container of its Compose project is attached (the fake attaches
      // every container to every network of its project); another project's containers never hold it. A
      // network the fake does not know is held by any running container.
      const project = (r: FakeResource) => r.labels['com.docker.compose.project'];
      const busy = (id: string) => {
        if (kind === 'volume') {
          const volume = resources.find((r) => r.kind === 'volume' && r.id === id);
          return resources.some(
            (c) => c.kind === 'container' && !removed.includes(c.id) && project(c) === project(volume ?? c),
          );
        }
        if (kind !== 'network') return false;
        const network = resources.find((r) => r.kind === 'network' && (r.id === id || r.name === id));
        return running.some((c) => network === undefined || project(c) === project(network));
      };
      const refused = ids.filter((id) => options.failRemoval?.includes(id) || busy(id));
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
  return { runner, calls, removed, events };
}
