/**
 * Attribution of provision-compose's time to the docker CLI calls it makes: a `docker` wrapper put first
 * on the step's PATH logs every call (start/end in ns, exit code, phase, argv) to a file, and a Compose
 * plugin wrapper, in a docker config dir of its own (`DOCKER_CONFIG`, where the docker CLI and the actions'
 * look-up find the plugin first: actions/shared/src/compose/plugin-path.ts), logs the calls that run the
 * plugin's binary directly, as `compose …`. Used for one extra, untimed run only — the wrappers' own cost (a
 * bash start per call) must not enter the medians.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findComposePlugin } from '../actions/shared/src/compose/plugin-path.js';
import { median } from './stats.js';

/** One traced docker call. */
export interface TracedCall {
  phase: 'main' | 'post';
  /** e.g. `compose up`, `container ls`, `version`. */
  kind: string;
  durationMs: number;
  exitCode: number;
}

/** Calls of one kind in one phase, summed. */
export interface CallGroup {
  phase: 'main' | 'post';
  kind: string;
  calls: number;
  totalMs: number;
}

/** A wrapper installed in `dir`: the env to give the job, and a reader for the log. */
export interface DockerTracer {
  env: Record<string, string>;
  read(): TracedCall[];
}

/** The wrappers' shared tail: run the real program in the background, wait, log one line. */
const RUN_AND_LOG = (real: string, log: string, logged: string) => `start=$(date +%s%N)
# In the background (stdin kept) so that a SIGTERM to this wrapper reaches the call too: killed alone, the
# wrapper would leave its child holding the pipes (the exec funnel then waits STDIO_DRAIN_MS for them).
"${real}" "$@" <&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"
rc=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
end=$(date +%s%N)
phase=main
if env | grep -q '^STATE_'; then phase=post; fi
printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$start" "$end" "$rc" "$phase" "${logged}" >> "${log}"
exit $rc
`;

/** Installs the wrappers into `dir` (a fresh temp dir). */
export function installDockerTracer(dir: string): DockerTracer {
  const real = execFileSync('bash', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  const log = join(dir, 'docker-calls.tsv');
  const wrapper = join(dir, 'docker');
  // The post step is the one whose environment carries STATE_* (the state main saved).
  writeFileSync(wrapper, `#!/usr/bin/env bash\n${RUN_AND_LOG(real, log, '$*')}`);
  chmodSync(wrapper, 0o755);
  const env: Record<string, string> = { PATH: `${dir}:${process.env.PATH ?? ''}` };
  const plugin = findComposePlugin();
  if (plugin) {
    const config = join(dir, 'docker-config');
    const realConfig = join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
    mkdirSync(join(config, 'cli-plugins'), { recursive: true });
    if (existsSync(realConfig)) copyFileSync(realConfig, join(config, 'config.json'));
    const pluginWrapper = join(config, 'cli-plugins', 'docker-compose');
    // Run by the docker CLI (`compose …`, or its metadata query), the call is the docker wrapper's to log.
    writeFileSync(
      pluginWrapper,
      `#!/usr/bin/env bash
if [ "\${1:-}" = compose ] || [ "\${1:-}" = docker-cli-plugin-metadata ]; then exec "${plugin}" "$@"; fi
${RUN_AND_LOG(plugin, log, 'compose $*')}`,
    );
    chmodSync(pluginWrapper, 0o755);
    env.DOCKER_CONFIG = config;
  }
  return {
    env,
    read: () => (existsSync(log) ? parseTrace(readFileSync(log, 'utf8')) : []),
  };
}

/** Compose's global options that take a value (skipped to find the subcommand). */
const COMPOSE_VALUE_FLAGS = new Set([
  '--project-name',
  '-p',
  '--file',
  '-f',
  '--project-directory',
  '--profile',
  '--env-file',
  '--ansi',
  '--progress',
]);

/**
 * `compose --project-name x --file f up -d` (or `--project-name=x`, as the actions pass them) → `compose up`;
 * `container ls --all` → `container ls`.
 */
export function callKind(args: string[]): string {
  const [first, ...rest] = args;
  if (first === 'compose') {
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (COMPOSE_VALUE_FLAGS.has(arg)) i++;
      else if (!arg.startsWith('-')) return `compose ${arg}`;
    }
    return 'compose';
  }
  if (first === 'container' || first === 'network' || first === 'volume' || first === 'image') {
    return `${first} ${rest.find((a) => !a.startsWith('-')) ?? ''}`.trim();
  }
  return first ?? '';
}

/** Parses the wrapper's log. Arguments are space-joined there; none of the actions' arguments has spaces that matter for the kind. */
export function parseTrace(text: string): TracedCall[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start = '0', end = '0', rc = '0', phase = 'main', argv = ''] = line.split('\t');
      return {
        phase: phase === 'post' ? 'post' : 'main',
        kind: callKind(argv.split(' ')),
        durationMs: Number((BigInt(end) - BigInt(start)) / 1000n) / 1000,
        exitCode: Number(rc),
      } satisfies TracedCall;
    });
}

/** Groups calls by phase and kind, slowest total first within each phase. */
export function groupCalls(calls: TracedCall[]): CallGroup[] {
  const groups = new Map<string, CallGroup>();
  for (const c of calls) {
    const key = `${c.phase}\t${c.kind}`;
    const g = groups.get(key) ?? { phase: c.phase, kind: c.kind, calls: 0, totalMs: 0 };
    g.calls++;
    g.totalMs += c.durationMs;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) =>
    a.phase === b.phase ? b.totalMs - a.totalMs : a.phase === 'main' ? -1 : 1,
  );
}

/** Median ms of `runs` executions of `argv` (start-up costs; output ignored). */
async function medianRunMs(argv: string[], env: NodeJS.ProcessEnv, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { env, stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
    times.push(performance.now() - start);
  }
  return median(times);
}

/** What starting the actions' Node processes costs, in ms (medians). */
export interface StartupCost {
  /** `node -e 0`. */
  bareNodeMs: number;
  /** `node <post.js>` with no saved state: start, load and evaluate the bundle, return at once. */
  postBundleMs: number;
  /** Size of that bundle in bytes. */
  postBundleBytes: number;
  /** `docker compose version --short` (each compose call starts the Compose CLI plugin). */
  composeCliMs: number;
  /** The same, running the plugin's binary directly as the actions do (null: no plugin found). */
  composeDirectMs: number | null;
  /** `docker container ls` with a label filter (the plain docker CLI). */
  dockerCliMs: number;
}

/** Measures the start-up costs (5 runs each) with `node` and the post script `postScript`. */
export async function measureStartup(node: string, postScript: string): Promise<StartupCost> {
  // no GITHUB_STATE / STATE_*: post finds no state, warns and returns
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return {
    bareNodeMs: await medianRunMs([node, '-e', '0'], env, 5),
    postBundleMs: await medianRunMs([node, postScript], env, 5),
    postBundleBytes: statSync(postScript).size,
    composeCliMs: await medianRunMs(['docker', 'compose', 'version', '--short'], process.env, 5),
    composeDirectMs: await (async (plugin) =>
      plugin ? medianRunMs([plugin, 'version', '--short'], process.env, 5) : null)(findComposePlugin()),
    dockerCliMs: await medianRunMs(
      ['docker', 'container', 'ls', '--all', '--quiet', '--filter', 'label=ephemeral.dev/bench-none'],
      process.env,
      5,
    ),
  };
}
