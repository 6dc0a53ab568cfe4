/**
 * The read-only look-ups of compose/ and fingerprint/ through the Docker Engine API (compose/engine.ts),
 * each answering exactly what its CLI path parses out of `docker … ls --format` or `docker … inspect`: the
 * same engine filters (the CLI sends its `--filter` values to the same endpoints), the same fields. An
 * integration test runs both paths on a real engine and compares them (test/integration/engine-api.test.ts).
 * Endpoints: https://docs.docker.com/reference/api/engine/version/v1.41/ (`ContainerList`, `ContainerInspect`,
 * `NetworkList`, `VolumeList`, `ImageList`, `ImageInspect`, `SystemVersion`).
 */
import { ToolError } from '../runtime/errors.js';
import type { InspectedContainer } from './containers.js';
import type { DockerResource, ResourceKind } from './docker.js';
import { type EngineAnswer, type EngineApi, engineMessage, filtersQuery } from './engine.js';

interface Listed {
  Id?: string;
  Name?: string;
  Names?: string[] | null;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
}

const LIST_PATH: Record<ResourceKind, string> = {
  container: '/containers/json',
  network: '/networks',
  volume: '/volumes',
  image: '/images/json',
};

/** The error of an answer the read cannot take: the request, the status and the engine's message. */
function answerError(path: string, answer: EngineAnswer): ToolError {
  return new ToolError(
    ['docker-engine-api', 'GET', path],
    null,
    engineMessage(answer.body),
    `HTTP ${answer.status}`,
  );
}

/**
 * The raw list of one kind matching every filter (`filters`: engine filter name → values, e.g.
 * `{label: ['a=b']}`): containers of every state (`docker container ls --all`), images without the
 * intermediate ones (`docker image ls`).
 * @throws ToolError when the engine answers with an error; EngineUnavailableError
 */
async function list(
  engine: EngineApi,
  kind: ResourceKind,
  filters: Record<string, readonly string[]>,
): Promise<Listed[]> {
  const query = { ...(kind === 'container' ? { all: '1' } : {}), ...filtersQuery(filters) };
  const body = await engine.getJson<Listed[] | { Volumes?: Listed[] | null }>(LIST_PATH[kind], query);
  return (Array.isArray(body) ? body : (body.Volumes ?? [])) ?? [];
}

/** `labels` keys with a non-empty value in `all` (what `{{.Label "…"}}` columns give). */
function pick(
  all: Record<string, string> | null | undefined,
  keys: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) if (all?.[key]) out[key] = all[key]!;
  return out;
}

/**
 * The resources of one kind carrying every label filter in `labels` (`key=value` or `key`), as
 * compose/docker.ts `parseList` gives them from `listArgs`: containers by full ID and their names (`/`
 * dropped, comma-joined, as `--no-trunc` prints them), networks by full ID, volumes by name, images by ID
 * named by their tags (space-joined, '' when untagged) with the selector's labels; `keys` are the labels read.
 * @throws ToolError when the engine answers with an error; EngineUnavailableError
 */
export async function listResources(
  engine: EngineApi,
  kind: ResourceKind,
  labels: readonly string[],
  keys: readonly string[],
): Promise<DockerResource[]> {
  const items = await list(engine, kind, { label: labels });
  if (kind === 'image') {
    const selected = Object.fromEntries(labels.map((l) => l.split('=')).map(([k, v = '']) => [k!, v]));
    return items.map((item) => ({
      kind,
      id: item.Id ?? '',
      name: (item.RepoTags ?? []).filter((t) => t !== '<none>:<none>').join(' '),
      labels: { ...selected },
    }));
  }
  return items.map((item) => ({
    kind,
    id: kind === 'volume' ? (item.Name ?? '') : (item.Id ?? ''),
    name:
      kind === 'container'
        ? (item.Names ?? []).map((n) => n.replace(/^\//, '')).join(',')
        : (item.Name ?? item.Id ?? ''),
    labels: pick(item.Labels, keys),
  }));
}

/**
 * Networks or volumes whose name contains `part` (the engine's `name` filter), with labels `keys`: what
 * compose/foreign-objects.ts reads from `existingObjectsArgs`.
 * @throws ToolError when the engine answers with an error; EngineUnavailableError
 */
export async function listNamed(
  engine: EngineApi,
  kind: 'network' | 'volume',
  part: string,
  keys: readonly string[],
): Promise<Array<{ name: string; labels: Record<string, string> }>> {
  const items = await list(engine, kind, { name: [part] });
  return items.map((item) => ({ name: item.Name ?? '', labels: pick(item.Labels, keys) }));
}

/** The Container IDs of every container carrying label `label` (`key=value`), any state. */
export async function containerIds(engine: EngineApi, label: string): Promise<string[]> {
  return (await list(engine, 'container', { label: [label] })).map((c) => c.Id ?? '').filter(Boolean);
}

/**
 * `docker container inspect` of each container (ID or name), all at once, in the order given, as the CLI
 * prints them. A container that does not exist (404) is left out when `missing` is `'skip'` (the CLI's
 * output for the others), and is an error when `'fail'`.
 * @throws ToolError for another answer, or a missing container with `missing: 'fail'`; EngineUnavailableError
 */
export async function inspectContainersApi(
  engine: EngineApi,
  ids: readonly string[],
  missing: 'skip' | 'fail',
): Promise<InspectedContainer[]> {
  const answers = await Promise.all(
    ids.map(async (id) => [id, await engine.get(`/containers/${encodeURIComponent(id)}/json`)] as const),
  );
  const out: InspectedContainer[] = [];
  for (const [id, answer] of answers) {
    if (answer.status === 200) out.push(answer.body as InspectedContainer);
    else if (answer.status !== 404 || missing === 'fail') throw answerError(`/containers/${id}/json`, answer);
  }
  return out;
}

/**
 * `docker image inspect` of each reference, all at once: its ID and repo digests, or null when the engine
 * has no such image (404).
 * @throws ToolError for another answer; EngineUnavailableError
 */
export async function inspectImagesApi(
  engine: EngineApi,
  refs: readonly string[],
): Promise<Map<string, { Id: string; RepoDigests: string[] | null } | null>> {
  const answers = await Promise.all(
    refs.map(async (ref) => [ref, await engine.get(`/images/${encodeURIComponent(ref)}/json`)] as const),
  );
  const out = new Map<string, { Id: string; RepoDigests: string[] | null } | null>();
  for (const [ref, answer] of answers) {
    if (answer.status === 404) out.set(ref, null);
    else if (answer.status === 200) {
      const body = answer.body as { Id: string; RepoDigests?: string[] | null };
      out.set(ref, { Id: body.Id, RepoDigests: body.RepoDigests ?? null });
    } else throw answerError(`/images/${ref}/json`, answer);
  }
  return out;
}

/**
 * The engine's version (`docker version --format {{.Server.Version}}`).
 * @throws ToolError when the engine answers with an error; EngineUnavailableError
 */
export async function engineVersionApi(engine: EngineApi, timeoutMs: number): Promise<string> {
  const body = await engine.getJson<{ Version?: string }>('/version', {}, timeoutMs);
  return body.Version ?? 'unknown';
}
