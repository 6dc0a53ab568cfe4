/**
 * The post-`up` drift check: every container of the Compose project must run the image that was
 * fingerprinted. Compose labels each container with `com.docker.compose.image`, the image ID it created
 * the container from (Compose 2.26: the image ID; later versions the platform manifest digest,
 * docker/compose `pkg/compose/build.go`), and the engine reports the image the container really runs
 * (`.Image`). A tag moved by another job between the fingerprint and the container's creation (a pull, a
 * rebuild of a shared tag on a self-hosted runner) shows up as a difference.
 */
import { projectContainerIds } from '../compose/containers.js';
import { viaEngine } from '../compose/engine.js';
import { inspectContainersApi } from '../compose/engine-reads.js';
import type { ImageRunner } from './images.js';

/** The Compose label holding the image a container was created from. */
export const COMPOSE_IMAGE_LABEL = 'com.docker.compose.image';
const SERVICE_LABEL = 'com.docker.compose.service';

/** A container as the drift check sees it. */
export interface RunningContainer {
  name: string;
  service: string;
  /** `com.docker.compose.image` ('' when absent). */
  imageLabel: string;
  /** The image ID the container runs (`.Image`). */
  image: string;
}

/** One container that runs something else than expected. */
export interface Drift {
  service: string;
  container: string;
  /** The image ID fingerprinted (pulled images) or built (built images). */
  expected: string;
  /** What the container runs. */
  running: string;
  /** What Compose recorded in its label. */
  label: string;
}

/**
 * The containers that do not run their service's expected image (pure). A service without an expectation
 * (its image could not be resolved) is skipped; a label that holds a digest rather than an image ID
 * (newer Compose) is compared only when it looks like an image ID of the same kind.
 * @param expected service → image ID (`sha256:<hex>`)
 */
export function findDrift(
  containers: readonly RunningContainer[],
  expected: Record<string, string>,
): Drift[] {
  const drift: Drift[] = [];
  for (const c of containers) {
    const want = expected[c.service];
    if (!want) continue;
    const labelDiffers = c.imageLabel !== '' && c.imageLabel !== want;
    if (c.image !== want || labelDiffers)
      drift.push({
        service: c.service,
        container: c.name,
        expected: want,
        running: c.image,
        label: c.imageLabel,
      });
  }
  return drift.sort((a, b) => a.container.localeCompare(b.container));
}

/**
 * The containers of Compose project `project` (all states), with their image facts.
 * @throws Error when docker fails
 */
export async function readContainers(project: string, runner: ImageRunner): Promise<RunningContainer[]> {
  const ids = await projectContainerIds(project, runner);
  if (ids.length === 0) return [];
  const items = await viaEngine(
    runner,
    async (engine) =>
      (await inspectContainersApi(engine, ids, 'fail')).map((c) => ({
        name: c.Name ?? c.Id,
        image: c.Image ?? '',
        labels: c.Config?.Labels ?? null,
      })),
    async () => {
      const format = `{"name":{{json .Name}},"image":{{json .Image}},"labels":{{json .Config.Labels}}}`;
      const inspected = await runner(['docker', 'container', 'inspect', '--format', format, '--', ...ids], {
        timeoutMs: 60_000,
      });
      if (inspected.exitCode !== 0)
        throw new Error(`docker container inspect failed: ${inspected.stderr.trim().slice(-500)}`);
      return inspected.stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(
          (line) =>
            JSON.parse(line) as { name: string; image: string; labels: Record<string, string> | null },
        );
    },
  );
  return items.map((item) => ({
    name: item.name.replace(/^\//, ''),
    service: item.labels?.[SERVICE_LABEL] ?? '',
    imageLabel: item.labels?.[COMPOSE_IMAGE_LABEL] ?? '',
    image: item.image,
  }));
}

/** One line per drifted container: `api (app-api-1): runs 1a2b3c4d5e6f, expected 9f8e7d6c5b4a`. */
export function formatDrift(drift: readonly Drift[]): string[] {
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  return drift.map(
    (d) =>
      `${d.service} (${d.container}): runs ${short(d.running)}${d.label && d.label !== d.running ? ` (Compose label ${short(d.label)})` : ''}, expected ${short(d.expected)}`,
  );
}
