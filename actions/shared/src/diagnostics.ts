/**
 * The bounded diagnostics bundle for a Compose environment: `ps`, per-service logs (tail-bounded and
 * streamed to files, never buffered whole: hoverkraft-tech/compose-action#297), healthcheck logs and exit
 * codes from `docker inspect`, and the resolved config with secrets redacted. Returns a short excerpt for
 * the job summary.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { run } from './cli.js';
import { type DockerCompose, logsArgs, type ProjectRef, psArgs } from './compose.js';
import { parsePs, type ServiceMap, summarise } from './compose-status.js';
import type { ComposeModel } from './isolation.js';
import { redactModel } from './redact-config.js';
import { redact } from './secrets.js';

/** Bounds of the bundle. */
export interface DiagnosticsLimits {
  /** Log lines per service (`logs --tail`). Default 500. */
  tailLines: number;
  /** Bytes per log file. Default 1 MiB. */
  maxFileBytes: number;
  /** Lines of each failing service's log in the excerpt. Default 15. */
  excerptLines: number;
}

export const DEFAULT_LIMITS: DiagnosticsLimits = {
  tailLines: 500,
  maxFileBytes: 1024 * 1024,
  excerptLines: 15,
};

/** What was collected. */
export interface Diagnostics {
  dir: string;
  files: Array<{ path: string; bytes: number }>;
  /** A short text for the job summary: failing services, their health output and last log lines. */
  excerpt: string;
  services: ServiceMap;
}

interface InspectState {
  Name?: string;
  Config?: { Labels?: Record<string, string> };
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

/**
 * Collects the bundle into `dir`. Never throws: a part that cannot be collected is noted in `errors.txt`.
 * @param model the resolved model, when known (dumped redacted)
 */
export async function collectComposeDiagnostics(
  compose: DockerCompose,
  project: ProjectRef,
  dir: string,
  model: ComposeModel | null,
  limits: DiagnosticsLimits = DEFAULT_LIMITS,
): Promise<Diagnostics> {
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
    const ids = entries.map((e) => e.Name);
    if (ids.length > 0) {
      const inspected = await run(['docker', 'container', 'inspect', ...ids], { timeoutMs: 60_000 });
      const states = (JSON.parse(inspected.stdout || '[]') as InspectState[]).map((c) => ({
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
      writeFileSync(join(dir, 'containers.json'), redact(JSON.stringify(states, null, 2)));
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
    }
  } catch (error) {
    errors.push(`ps/inspect: ${String(error)}`);
  }
  const names = [...new Set([...expected, ...Object.keys(services)])];
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
  if (model)
    writeFileSync(
      join(dir, 'config.redacted.yaml'),
      stringify(redactModel(model), { aliasDuplicateObjects: false, lineWidth: 0 }),
    );
  if (errors.length > 0) writeFileSync(join(dir, 'errors.txt'), redact(errors.join('\n')));
  return { dir, files: listFiles(dir), excerpt: excerpt.join('\n'), services };
}

/** Every file under `dir` with its size in bytes, paths relative to `dir`. */
export function listFiles(dir: string): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  const walk = (current: string) => {
    for (const name of readdirSafe(current)) {
      const full = join(current, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else out.push({ path: relative(dir, full), bytes: stat.size });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
