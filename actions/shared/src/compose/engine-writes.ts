/**
 * The engine writes the actions make through the Docker Engine API (compose/engine.ts): the ordered start's
 * container starts (`startThroughEngine`, compose/ordered-start.ts), and the removals of a teardown
 * (compose/docker.ts `Docker.remove`) through the Docker Engine API
 * (compose/engine.ts): the same steps as its CLI path, `docker container stop`, `docker container rm
 * --force --volumes`, `docker network|volume|image rm`, as one request per resource, all at once, with no
 * `docker` process of ~20 ms each on the post step's path (issue 12). What counts as done is what the CLI
 * path counts: removed, already stopped (304), or already gone (404); anything else is a failure line
 * named like the CLI step's, with the engine's own message. Each call goes only to an inventory the
 * ownership check passed (compose/teardown.ts), exactly as the CLI path.
 * Endpoints (https://docs.docker.com/reference/api/engine/version/v1.41/): `ContainerStop`
 * (POST /containers/{id}/stop?t=), `ContainerDelete` (DELETE /containers/{id}?force=true&v=true),
 * `NetworkDelete`, `VolumeDelete`, `ImageDelete` (DELETE /images/{name}: a tag is untagged, the image goes
 * with its last tag, as `docker image rm <tag>` does), `ContainerStart` (POST /containers/{id}/start: 204
 * started, 304 already running).
 */
import { ToolError } from '../runtime/errors.js';
import type { DockerResource, ResourceKind } from './docker.js';
import { type EngineApi, EngineUnavailableError, engineMessage } from './engine.js';

/** A removal step: stopping the containers, or removing the resources of one kind. */
export type RemovalStep = 'stop' | ResourceKind;

/** The CLI command a step stands for, which names its failure lines. */
export const STEP_NAME: Record<RemovalStep, string> = {
  stop: 'docker container stop',
  container: 'docker container rm',
  network: 'docker network rm',
  volume: 'docker volume rm',
  image: 'docker image rm',
};

/** One request of a step: method, path, query. */
interface Call {
  method: 'POST' | 'DELETE';
  path: string;
  query: Record<string, string>;
  /** What a failure line names (the resource's name, else its ID). */
  shown: string;
}

const at = (id: string) => encodeURIComponent(id);

/** The requests of one step (pure): one per resource, one per tag for images (untagged ones by ID). */
export function removalCalls(
  step: RemovalStep,
  resources: readonly DockerResource[],
  stopTimeoutS: number,
): Call[] {
  const shown = (r: DockerResource) => r.name || r.id.slice(0, 19);
  switch (step) {
    case 'stop':
      return resources.map((r) => ({
        method: 'POST',
        path: `/containers/${at(r.id)}/stop`,
        query: { t: String(stopTimeoutS) },
        shown: shown(r),
      }));
    case 'container':
      return resources.map((r) => ({
        method: 'DELETE',
        path: `/containers/${at(r.id)}`,
        query: { force: 'true', v: 'true' },
        shown: shown(r),
      }));
    case 'image':
      return resources.flatMap((r) =>
        (r.name ? r.name.split(' ') : [r.id]).map((ref) => ({
          method: 'DELETE' as const,
          path: `/images/${at(ref)}`,
          query: {},
          shown: ref,
        })),
      );
    default:
      return resources.map((r) => ({
        method: 'DELETE',
        path: `/${step}s/${at(r.id)}`,
        query: {},
        shown: shown(r),
      }));
  }
}

/** Whether an answer counts as done: 2xx, 304 (a container already stopped), 404 (already gone). */
export function removalDone(status: number): boolean {
  return (status >= 200 && status < 300) || status === 304 || status === 404;
}

/**
 * Runs one step through the engine, every request at once; returns one failure line per request that did
 * not end done (`docker network rm: <name>: <engine's message> (HTTP 403)`, or a timeout), [] when all did.
 * @param timeoutMs each request's deadline (a stop waits up to `stopTimeoutS` for its container)
 * @throws EngineUnavailableError when the socket cannot be reached (the caller takes the CLI path, whose
 *   steps are as idempotent)
 */
export async function removeThroughEngine(
  engine: EngineApi,
  step: RemovalStep,
  resources: readonly DockerResource[],
  options: { stopTimeoutS: number; timeoutMs: number },
): Promise<string[]> {
  const calls = removalCalls(step, resources, options.stopTimeoutS);
  const lines = await Promise.all(
    calls.map(async (call) => {
      try {
        const answer = await engine.send(call.method, call.path, call.query, options.timeoutMs);
        if (removalDone(answer.status)) return null;
        return `${call.shown}: ${engineMessage(answer.body)} (HTTP ${answer.status})`;
      } catch (error) {
        if (error instanceof EngineUnavailableError || !(error instanceof ToolError)) throw error;
        return `${call.shown}: ${error.message}`;
      }
    }),
  );
  const failed = lines.filter((line): line is string => line !== null);
  return failed.length === 0 ? [] : [`${STEP_NAME[step]}: ${failed.join('; ').slice(-500)}`];
}

/**
 * Starts containers through the engine, every request at once, as `docker container start` does
 * (`ContainerStart`: 204 started, 304 already running count as done).
 * @param timeoutMs each request's deadline, in ms
 * @throws ToolError naming `docker container start <name>` and the engine's message (`driver failed
 *   programming external connectivity …: port is already allocated (HTTP 500)`) when one is refused
 * @throws EngineUnavailableError when the socket cannot be reached (the caller takes the CLI path; a
 *   container started meanwhile answers it as already running)
 */
export async function startThroughEngine(
  engine: EngineApi,
  containers: readonly DockerResource[],
  timeoutMs: number,
): Promise<void> {
  const refused = await Promise.all(
    containers.map(async (c) => {
      const answer = await engine.send('POST', `/containers/${at(c.id)}/start`, {}, timeoutMs);
      return answer.status === 304 || (answer.status >= 200 && answer.status < 300)
        ? null
        : {
            name: c.name || c.id.slice(0, 19),
            text: `${engineMessage(answer.body)} (HTTP ${answer.status})`,
          };
    }),
  );
  const first = refused.find((r) => r !== null);
  if (first)
    throw new ToolError(
      ['docker', 'container', 'start', first.name],
      null,
      first.text,
      'refused by the engine',
    );
}
