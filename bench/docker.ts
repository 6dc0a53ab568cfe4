/**
 * Process and Docker helpers for the benchmarks: a timed command runner with a hard limit, and the
 * clean-up of one Compose project (containers, networks, volumes and the images Compose built for it)
 * with a check that nothing of it is left.
 */
import { execFileSync, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** The result of one timed command. */
export interface TimedRun {
  argv: string[];
  /** Exit code; null when killed (timeout) or not started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in ms. */
  durationMs: number;
  timedOut: boolean;
}

/**
 * Runs `argv` (no shell) and measures its wall time. Never throws for a non-zero exit. After `timeoutMs`
 * it is sent SIGTERM, then SIGKILL 5 s later.
 */
export function timed(argv: string[], options: { timeoutMs: number; cwd?: string }): Promise<TimedRun> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const start = performance.now();
    const child = spawn(cmd!, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      // keep the tail only: Compose writes its progress here
      stderr = (stderr + d).slice(-64 * 1024);
    });
    const finish = (exitCode: number | null, extra = '') => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      resolve({
        argv,
        exitCode,
        stdout,
        stderr: stderr + extra,
        durationMs: performance.now() - start,
        timedOut,
      });
    };
    child.on('error', (error) => finish(null, `\n${error.message}`));
    child.on('close', (code) => finish(code));
  });
}

/** Runs a docker command synchronously and returns its trimmed stdout lines (empty on failure). */
function lines(argv: string[]): string[] {
  try {
    return execFileSync('docker', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** What Docker still holds of a Compose project. */
export interface Leftovers {
  containers: string[];
  networks: string[];
  volumes: string[];
  /** Images Compose built for the project (`<project>-<service>`). */
  images: string[];
}

/** The label provision-compose puts on everything it creates. */
const ENVIRONMENT_LABEL = 'ephemeral.dev/environment';

/** Containers, networks, volumes (by Compose project or environment label) and built images of `project`. */
export function leftovers(project: string): Leftovers {
  const labels = [`com.docker.compose.project=${project}`, `${ENVIRONMENT_LABEL}=${project}`];
  const by = (argv: string[]) => {
    const set = new Set<string>();
    for (const label of labels) for (const l of lines([...argv, '--filter', `label=${label}`])) set.add(l);
    return [...set].sort();
  };
  return {
    // the same query as `docker ps -a --filter label=com.docker.compose.project=<project>`
    containers: by(['ps', '--all', '--format', '{{.Names}}']),
    networks: by(['network', 'ls', '--format', '{{.Name}}']),
    volumes: by(['volume', 'ls', '--format', '{{.Name}}']),
    images: lines([
      'image',
      'ls',
      '--filter',
      `reference=${project}-*`,
      '--format',
      '{{.Repository}}:{{.Tag}}',
    ]),
  };
}

/** True when `left` holds nothing. */
export function isEmpty(left: Leftovers): boolean {
  return left.containers.length + left.networks.length + left.volumes.length + left.images.length === 0;
}

/** `container a, volume b` for messages; `nothing` when empty. */
export function describeLeftovers(left: Leftovers): string {
  const parts = [
    ...left.containers.map((c) => `container ${c}`),
    ...left.networks.map((n) => `network ${n}`),
    ...left.volumes.map((v) => `volume ${v}`),
    ...left.images.map((i) => `image ${i}`),
  ];
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * Removes everything of Compose project `project` (synchronously, so it also works from a signal
 * handler): `down -v --remove-orphans` when containers/networks/volumes remain, then whatever is still
 * labelled, then the images Compose built for it. Returns what is left afterwards (normally nothing).
 */
export function removeProject(project: string): Leftovers {
  let left = leftovers(project);
  if (left.containers.length + left.networks.length + left.volumes.length > 0) {
    try {
      execFileSync('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans', '-t', '2'], {
        stdio: 'ignore',
        timeout: 120_000,
      });
    } catch {
      // fall through to removal by label
    }
    left = leftovers(project);
    const rm = (argv: string[]) => {
      try {
        execFileSync('docker', argv, { stdio: 'ignore', timeout: 60_000 });
      } catch {
        // reported by the final check
      }
    };
    for (const c of left.containers) rm(['rm', '-f', '-v', c]);
    for (const n of left.networks) rm(['network', 'rm', n]);
    for (const v of left.volumes) rm(['volume', 'rm', v]);
  }
  const images = leftovers(project).images;
  if (images.length > 0) {
    try {
      execFileSync('docker', ['image', 'rm', ...images], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      // reported by the final check
    }
  }
  return leftovers(project);
}

/** `docker version` / `docker compose version` strings for the report. */
export function dockerVersions(): { engine: string; compose: string } {
  return {
    engine: lines(['version', '--format', '{{.Server.Version}}'])[0] ?? 'unknown',
    compose: lines(['compose', 'version', '--short'])[0] ?? 'unknown',
  };
}

/**
 * Running containers that do not belong to this benchmark (other users of the engine load the machine;
 * the report names their count as a caveat).
 */
export function foreignRunningContainers(ownPrefixes: string[]): string[] {
  return lines(['ps', '--format', '{{.Names}}']).filter((n) => !ownPrefixes.some((p) => n.startsWith(p)));
}
