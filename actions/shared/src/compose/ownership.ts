/**
 * The Compose refusal rule: a Compose project is this environment's only when every container, network and
 * volume of it carries `ephemeral.dev/managed-by=ephemeral` and `ephemeral.dev/environment=<name>`. Anything
 * else in the project (a stack someone started by hand under the same project name, another environment's
 * resources) means the project is not ours: provision refuses to deploy over it, teardown removes nothing.
 */
import { belongsTo, LABELS, MANAGED_BY } from '../environment/labels.js';
import type { Docker, DockerResource, ResourceKind } from './docker.js';

/** The label Compose puts on every resource of a project (https://docs.docker.com/compose/how-tos/project-name/). */
export const PROJECT_LABEL = 'com.docker.compose.project';

/** Every kind of resource a project has. */
export const RESOURCE_KINDS: readonly ResourceKind[] = ['container', 'network', 'volume'];

/** The resources that are not `environment`'s by their labels (pure). */
export function foreignResources(
  resources: readonly DockerResource[],
  environment: string,
): DockerResource[] {
  return resources.filter((r) => !belongsTo(r.labels, environment));
}

/** The resources of Compose project `name`, of the given kinds, looked up at once (one inventory). */
export async function projectResources(
  docker: Docker,
  name: string,
  kinds: readonly ResourceKind[] = RESOURCE_KINDS,
): Promise<DockerResource[]> {
  const selector = Object.fromEntries(kinds.map((kind) => [kind, [`${PROJECT_LABEL}=${name}`]]));
  const inv = await docker.inventory(selector);
  return kinds.flatMap((kind) => inv[kind]);
}

/** Why project `name` is refused, naming up to five of its foreign resources (pure). */
export function refusalReason(name: string, foreign: readonly DockerResource[]): string {
  const list = foreign
    .slice(0, 5)
    .map((r) => `${r.kind} ${r.name}`)
    .join(', ');
  return `Compose project "${name}" has resources without the ${LABELS.managedBy}=${MANAGED_BY} label for this environment (${list}); it was not created by these actions, so nothing was removed`;
}
