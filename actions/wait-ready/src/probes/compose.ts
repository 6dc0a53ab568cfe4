/**
 * Compose probes: service health — event-backed: the engine's event stream (compose/watch.ts) wakes it the
 * moment a container starts, dies or changes health, each attempt reads the containers' state with one
 * inspect, a running one-shot is pending and one that exited 0 done, and a failed service ends the wait at
 * once —, a command run in a service (`exec -T`, argv, no shell), and a log line matching a pattern
 * (`logs --tail`, bounded).
 */
import {
  type DockerCompose,
  execArgs,
  logsArgs,
  type ProjectRef,
} from '../../../shared/src/compose/compose.js';
import type { Docker } from '../../../shared/src/compose/docker.js';
import { describe, failures, overall } from '../../../shared/src/compose/status.js';
import { readServices } from '../../../shared/src/compose/wait.js';
import type { ComposeWatch } from '../../../shared/src/compose/watch.js';
import type { AttemptResult, Probe } from '../poll.js';
import type { ComposeSpec, ExecSpec, LogSpec } from '../spec.js';

/** Lines of log searched per attempt. */
export const LOG_TAIL_LINES = 2000;

/** Service health of a project, woken by `watch` (when there is one). */
export function composeProbe(
  spec: ComposeSpec,
  docker: Docker,
  project: string,
  watch: ComposeWatch | null,
): Probe {
  return {
    name: spec.name,
    kind: 'compose',
    target: `${project}: ${spec.services.length ? spec.services.join(', ') : 'all services'}`,
    async attempt(): Promise<AttemptResult> {
      const map = await readServices(docker, project, spec.services, watch);
      const verdict = overall(map);
      const detail = `${verdict}: ${describe(map).join('; ') || 'no containers'}`;
      if (verdict === 'failed')
        return { ok: false, final: true, detail: `failed: ${failures(map).join(', ')} — ${detail}` };
      return { ok: verdict === 'ready', detail };
    },
    ...(watch ? { wake: (ms: number) => watch.next(ms) } : {}),
  };
}

/** A command in a service's container; exit 0 = ready. */
export function execProbe(spec: ExecSpec, compose: DockerCompose, project: ProjectRef): Probe {
  return {
    name: spec.name,
    kind: 'exec',
    target: `${spec.service}: ${spec.command.join(' ')}`,
    async attempt(signal): Promise<AttemptResult> {
      const result = await compose.tryRun(project, execArgs({ service: spec.service, argv: spec.command }), {
        timeoutMs: 60_000,
        maxStdoutBytes: 64 * 1024,
      });
      if (signal.aborted) return { ok: false, detail: 'attempt timed out' };
      const output = `${result.stdout}${result.stderr}`.trim().slice(-500);
      return { ok: result.exitCode === 0, detail: `exit ${result.exitCode}${output ? `: ${output}` : ''}` };
    },
  };
}

/** A log line in a service matching a pattern. */
export function logProbe(spec: LogSpec, compose: DockerCompose, project: ProjectRef): Probe {
  return {
    name: spec.name,
    kind: 'log',
    target: `${spec.service}: /${spec.pattern.source}/`,
    async attempt(): Promise<AttemptResult> {
      const result = await compose.tryRun(project, logsArgs(spec.service, LOG_TAIL_LINES), {
        timeoutMs: 30_000,
        maxStdoutBytes: 4 * 1024 * 1024,
      });
      if (result.exitCode !== 0)
        return { ok: false, detail: `logs exit ${result.exitCode}: ${result.stderr.trim().slice(-300)}` };
      const line = result.stdout.split('\n').find((l) => spec.pattern.test(l));
      return line
        ? { ok: true, detail: line.slice(0, 300) }
        : {
            ok: false,
            detail: `no line matches /${spec.pattern.source}/ in the last ${LOG_TAIL_LINES} lines`,
          };
    },
  };
}
