/**
 * The bounded diagnostics bundle for a Compose environment: `ps`, per-service logs (tail-bounded and
 * streamed to files, never buffered whole: hoverkraft-tech/compose-action#297), state, exit codes, restarts
 * and the last healthcheck output of every container from `docker inspect`, and the resolved config with
 * secrets redacted. Returns a short excerpt for the job summary and the error annotation.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { stringify } from 'yaml';
import { listFiles } from '../report/files.js';
import type { DiagnosticsBundle } from '../report/model.js';
import { redact, redactValue } from '../runtime/secrets.js';
import { type DockerCompose, logsArgs, type ProjectRef, psArgs } from './compose.js';
import type { ContainerState } from './containers.js';
import { Docker } from './docker.js';
import { type ComposeModel, redactModel } from './model.js';
import { type ServiceMap, summarise, type WatchFacts } from './status.js';

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

function tailLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Writes containers.json (state, exit code, restarts, health and its last output, per container) and
 * returns the excerpt lines for every failed or still-pending service: its state and reason, and the output
 * of its latest healthcheck (a service that never became healthy shows why).
 */
function describeContainers(containers: ContainerState[], services: ServiceMap, dir: string): string[] {
  const states = containers.map((c) => ({
    name: c.name,
    service: c.service,
    oneShot: c.oneShot,
    status: c.state,
    exitCode: c.exitCode,
    restartCount: c.restartCount,
    health: c.health,
    healthExitCode: c.healthExitCode,
    healthOutput: stripVTControlCharacters(c.healthOutput),
  }));
  writeFileSync(join(dir, 'containers.json'), JSON.stringify(redactValue(states), null, 2));
  const excerpt: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    if (s.verdict !== 'failed' && s.verdict !== 'pending') continue;
    const exit = s.exitCode !== null && s.state !== 'running' ? `, exit ${s.exitCode}` : '';
    const still = s.oneShot && s.state === 'running' ? ' — one-shot still running' : '';
    excerpt.push(
      `● ${name}: ${s.state}${s.health ? `, ${s.health}` : ''}${exit}${s.reason ? ` — ${s.reason}` : ''}${still}`,
    );
    for (const c of containers.filter((c) => c.service === name && c.healthExitCode !== null)) {
      const output = tailLines(stripVTControlCharacters(c.healthOutput), 3) || '(it printed nothing)';
      excerpt.push(`  healthcheck exit ${c.healthExitCode}: ${output}`);
    }
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
    // Compose's log output carries terminal escape sequences (ESC[2K): stripped from the files too.
    const text = redact(stripVTControlCharacters(readFileSync(file, 'utf8')));
    writeFileSync(file, text);
    const verdict = services[service]?.verdict;
    if (verdict === 'failed' || verdict === 'pending') {
      excerpt.push(
        `--- ${service} (last ${limits.excerptLines} log lines) ---`,
        tailLines(text, limits.excerptLines) || '(the service wrote no log lines)',
      );
    }
  }
  return excerpt;
}

/** What the bundle is about besides the project: the services that matter and the wait's events. */
export interface DiagnosticsScope {
  /** The selected services (those a run starts); [] = every service found. */
  expected?: readonly string[];
  /** Deaths and restarts the event stream saw during the wait. */
  facts?: WatchFacts;
}

/**
 * Collects the bundle into `dir`. Never throws: a part that cannot be collected is noted in `errors.txt`.
 * Terminal escape sequences are stripped from every log and from the excerpt.
 * @param model the resolved model, when known (dumped redacted)
 */
export async function collectComposeDiagnostics(
  compose: DockerCompose,
  project: ProjectRef,
  dir: string,
  model: ComposeModel | null,
  limits: ComposeDiagnosticsLimits = COMPOSE_DIAGNOSTICS_LIMITS,
  docker = new Docker(),
  scope: DiagnosticsScope = {},
): Promise<ComposeDiagnostics> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const errors: string[] = [];
  const excerpt: string[] = [];
  let services: ServiceMap = {};
  const ps = await compose.tryRun(project, psArgs(), { timeoutMs: 60_000 });
  writeFileSync(join(dir, 'ps.json'), redact(ps.stdout));
  const expected = scope.expected ?? [];
  try {
    const containers = await docker.containers(project.name);
    services = summarise(containers, expected, scope.facts);
    excerpt.push(...describeContainers(containers, services, dir));
  } catch (error) {
    errors.push(`inspect: ${String(error)}`);
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
