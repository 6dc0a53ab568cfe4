/**
 * The bounded diagnostics bundle for a Compose environment: `ps`, per-service logs (tail-bounded and
 * streamed to files, never buffered whole: hoverkraft-tech/compose-action#297), healthcheck logs and exit
 * codes from `docker inspect`, and the resolved config with secrets redacted. Returns a short excerpt for
 * the job summary.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { listFiles } from '../report/files.js';
import type { DiagnosticsBundle } from '../report/model.js';
import { redact, registerArgvSecrets, registerEnvSecrets } from '../runtime/secrets.js';
import { type DockerCompose, logsArgs, type ProjectRef, psArgs } from './compose.js';
import { Docker } from './docker.js';
import { type ComposeModel, redactModel } from './model.js';
import { type PsEntry, parsePs, type ServiceMap, summarise } from './status.js';

/** Bounds of the bundle. */
export interface ComposeDiagnosticsLimits {
  /** Log lines per service (`logs --tail`). Default 500. */
  tailLines: number;
  /** Bytes per log file. Default 1 MiB. */
  maxFileBytes: number;
  /** Lines of each failing service's log in the excerpt. Default 15. */
  excerptLines: number;
}

/** The default bounds. */
export const COMPOSE_DIAGNOSTICS_LIMITS: ComposeDiagnosticsLimits = {
  tailLines: 500,
  maxFileBytes: 1024 * 1024,
  excerptLines: 15,
};

/** What was collected: the bundle plus the services' last status. */
export interface ComposeDiagnostics extends DiagnosticsBundle {
  services: ServiceMap;
}

interface InspectState {
  Name?: string;
  Path?: string;
  Args?: string[];
  Config?: {
    Labels?: Record<string, string>;
    Env?: string[];
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
  };
  State?: {
    Status?: string;
    ExitCode?: number;
    Error?: string;
    OOMKilled?: boolean;
    Health?: { Status?: string; Log?: Array<{ ExitCode?: number; Output?: string }> };
  };
}

function tailLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** Per container: status, exit code, OOM and the last healthcheck outputs (pure). */
function containerStates(inspected: InspectState[]) {
  return inspected.map((c) => ({
    name: (c.Name ?? '').replace(/^\//, ''),
    service: c.Config?.Labels?.['com.docker.compose.service'] ?? '',
    status: c.State?.Status,
    exitCode: c.State?.ExitCode,
    error: c.State?.Error,
    oomKilled: c.State?.OOMKilled,
    health: c.State?.Health?.Status ?? '',
    healthLog: (c.State?.Health?.Log ?? [])
      .slice(-5)
      .map((h) => ({ exitCode: h.ExitCode, output: (h.Output ?? '').slice(-1000) })),
  }));
}

/**
 * Registers what the containers hold that is secret — secret-named environment values, URL passwords,
 * secret values on their command lines — so their logs and states are redacted in any action, not only
 * the one that read the compose file.
 */
export function registerContainerSecrets(inspected: readonly InspectState[]): void {
  for (const c of inspected) {
    registerEnvSecrets(c.Config?.Env ?? []);
    for (const argv of [c.Config?.Cmd, c.Config?.Entrypoint, c.Args]) if (argv) registerArgvSecrets(argv);
  }
}

/** Writes containers.json and returns the excerpt lines for unhealthy, failed or restarting containers. */
async function inspectContainers(docker: Docker, entries: PsEntry[], dir: string): Promise<string[]> {
  const inspected = await docker.inspect<InspectState>(
    'container',
    entries.map((e) => e.Name),
  );
  registerContainerSecrets(inspected);
  const states = containerStates(inspected);
  writeFileSync(join(dir, 'containers.json'), redact(JSON.stringify(states, null, 2)));
  const excerpt: string[] = [];
  for (const state of states) {
    const bad =
      state.health === 'unhealthy' ||
      (state.status === 'exited' && state.exitCode !== 0) ||
      state.status === 'restarting';
    if (!bad) continue;
    excerpt.push(
      `● ${state.service} (${state.name}): ${state.status}${state.health ? `, ${state.health}` : ''}, exit ${state.exitCode}`,
    );
    const lastHealth = state.healthLog.at(-1);
    if (lastHealth)
      excerpt.push(`  healthcheck exit ${lastHealth.exitCode}: ${tailLines(lastHealth.output, 3)}`);
  }
  return excerpt;
}

/** Streams each service's log tail to `logs/<service>.log` (redacted); excerpt lines for failing services. */
async function collectLogs(
  compose: DockerCompose,
  project: ProjectRef,
  dir: string,
  services: ServiceMap,
  names: string[],
  limits: ComposeDiagnosticsLimits,
  errors: string[],
): Promise<string[]> {
  const excerpt: string[] = [];
  for (const service of names) {
    const file = join(dir, 'logs', `${service.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
    const result = await compose.tryRun(project, logsArgs(service, limits.tailLines), {
      timeoutMs: 60_000,
      stdoutFile: { path: file, maxBytes: limits.maxFileBytes },
    });
    if (result.exitCode !== 0) errors.push(`logs ${service}: ${result.stderr.trim().slice(-300)}`);
    const redacted = redact(readFileSync(file, 'utf8'));
    writeFileSync(file, redacted);
    const verdict = services[service]?.verdict;
    if (verdict === 'failed' || verdict === 'pending') {
      excerpt.push(
        `--- ${service} (last ${limits.excerptLines} log lines) ---`,
        tailLines(redacted, limits.excerptLines) || '(no output)',
      );
    }
  }
  return excerpt;
}

/**
 * Collects the bundle into `dir`. Never throws: a part that cannot be collected is noted in `errors.txt`.
 * @param model the resolved model, when known (dumped redacted)
 */
export async function collectComposeDiagnostics(
  compose: DockerCompose,
  project: ProjectRef,
  dir: string,
  model: ComposeModel | null,
  limits: ComposeDiagnosticsLimits = COMPOSE_DIAGNOSTICS_LIMITS,
  docker = new Docker(),
): Promise<ComposeDiagnostics> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const errors: string[] = [];
  const excerpt: string[] = [];
  let services: ServiceMap = {};
  const ps = await compose.tryRun(project, psArgs(), { timeoutMs: 60_000 });
  writeFileSync(join(dir, 'ps.json'), redact(ps.stdout));
  const expected = Object.keys(model?.services ?? {});
  try {
    const entries = parsePs(ps.stdout);
    services = summarise(entries, expected);
    excerpt.push(...(await inspectContainers(docker, entries, dir)));
  } catch (error) {
    errors.push(`ps/inspect: ${String(error)}`);
  }
  const names = [...new Set([...expected, ...Object.keys(services)])];
  excerpt.push(...(await collectLogs(compose, project, dir, services, names, limits, errors)));
  if (model)
    writeFileSync(
      join(dir, 'config.redacted.yaml'),
      stringify(redactModel(model), { aliasDuplicateObjects: false, lineWidth: 0 }),
    );
  if (errors.length > 0) writeFileSync(join(dir, 'errors.txt'), redact(errors.join('\n')));
  return { dir, files: listFiles(dir), excerpt: excerpt.join('\n'), services };
}
