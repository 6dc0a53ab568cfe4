/**
 * Service status from `docker compose ps --all --format json`, and the readiness verdict.
 *
 * A service is ready when each of its containers is running and, if it has a healthcheck, healthy.
 * A one-shot service (migrations, seeders) whose container exited 0 counts as done, which `up --wait`
 * gets wrong (docker/compose#10596). A container that exited non-zero, or is unhealthy, has failed.
 */

/** One container as `ps --format json` reports it (fields used here). */
export interface PsEntry {
  Name: string;
  Service: string;
  State: string;
  Health?: string;
  ExitCode?: number;
  Publishers?: Array<{ URL?: string; TargetPort?: number; PublishedPort?: number; Protocol?: string }> | null;
}

/** The state of one service, as put in the `services` output. */
export interface ServiceStatus {
  /** `running`, `exited`, `restarting`, `created`, …, or `missing` when it has no container yet. */
  state: string;
  /** `healthy`, `unhealthy`, `starting`, or '' when it has no healthcheck. */
  health: string;
  /** Exit code of an exited container, else null. */
  exitCode: number | null;
  /** `ready`, `done` (one-shot exited 0), `pending` or `failed`. */
  verdict: 'ready' | 'done' | 'pending' | 'failed';
  /** Published ports: `"<container port>/<protocol>"` → `"host:port"` (IPv4 loopback when bound to all interfaces). */
  ports: Record<string, string>;
  containers: string[];
}

/** Service name → status. */
export type ServiceMap = Record<string, ServiceStatus>;

/**
 * Parses `ps --format json` output: a JSON array (Compose < 2.21) or one JSON object per line (≥ 2.21).
 * @throws SyntaxError on output that is neither
 */
export function parsePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (text === '') return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsEntry[];
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PsEntry);
}

function containerVerdict(entry: PsEntry): ServiceStatus['verdict'] {
  const state = entry.State.toLowerCase();
  const health = (entry.Health ?? '').toLowerCase();
  if (state === 'exited' || state === 'dead')
    return entry.ExitCode === 0 && state === 'exited' ? 'done' : 'failed';
  if (state === 'running') {
    if (health === 'unhealthy') return 'failed';
    if (health === '' || health === 'healthy') return 'ready';
    return 'pending';
  }
  return 'pending';
}

const ORDER: ServiceStatus['verdict'][] = ['failed', 'pending', 'ready', 'done'];

/**
 * Summarises containers per service. `expected` lists the services that must exist (from the resolved
 * config); one with no container is `missing` and `pending`.
 */
export function summarise(entries: PsEntry[], expected: string[]): ServiceMap {
  const map: ServiceMap = {};
  for (const service of expected) {
    map[service] = {
      state: 'missing',
      health: '',
      exitCode: null,
      verdict: 'pending',
      ports: {},
      containers: [],
    };
  }
  for (const entry of entries) {
    const verdict = containerVerdict(entry);
    const current = map[entry.Service];
    const status: ServiceStatus =
      current && current.state !== 'missing'
        ? current
        : {
            state: entry.State,
            health: entry.Health ?? '',
            exitCode: null,
            verdict,
            ports: {},
            containers: [],
          };
    status.containers.push(entry.Name);
    // The worst container decides the service's verdict.
    if (ORDER.indexOf(verdict) < ORDER.indexOf(status.verdict)) {
      status.verdict = verdict;
      status.state = entry.State;
      status.health = entry.Health ?? '';
    }
    if (entry.State === 'exited' || entry.State === 'dead') status.exitCode = entry.ExitCode ?? null;
    for (const publisher of entry.Publishers ?? []) {
      if (!publisher.PublishedPort || !publisher.TargetPort) continue;
      const key = `${publisher.TargetPort}/${publisher.Protocol ?? 'tcp'}`;
      const url = publisher.URL ?? '';
      const host =
        url === '' || url === '0.0.0.0' || url === '::' ? '127.0.0.1' : url.includes(':') ? `[${url}]` : url;
      if (!status.ports[key] || url === '0.0.0.0') status.ports[key] = `${host}:${publisher.PublishedPort}`;
    }
    map[entry.Service] = status;
  }
  return map;
}

/** The overall verdict: `failed` if any service failed, `pending` if any is pending, else `ready`. */
export function overall(map: ServiceMap, only: string[] = []): 'ready' | 'pending' | 'failed' {
  const services = Object.entries(map).filter(([name]) => only.length === 0 || only.includes(name));
  if (services.some(([, s]) => s.verdict === 'failed')) return 'failed';
  if (services.length === 0 || services.some(([, s]) => s.verdict === 'pending')) return 'pending';
  return 'ready';
}

/** One line per service for logs: `db: running (healthy) 5432/tcp→127.0.0.1:49153`. */
export function describe(map: ServiceMap): string[] {
  return Object.entries(map).map(([name, s]) => {
    const health = s.health ? ` (${s.health})` : '';
    const exit = s.exitCode !== null ? ` exit ${s.exitCode}` : '';
    const ports = Object.entries(s.ports)
      .map(([k, v]) => ` ${k}→${v}`)
      .join('');
    return `${name}: ${s.state}${health}${exit}${ports}`;
  });
}
