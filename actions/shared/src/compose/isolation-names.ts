/**
 * Fixed names in a compose file, made per-environment in the generated override (issue 8):
 * - `container_name` defeats the project name (docker/compose#13553): it is removed (`!reset`) and kept as a
 *   network alias of the service on each of its networks, so configurations that reach the container by that
 *   name keep working inside the environment's own networks; or, with `container-name: refuse`, refused with
 *   every offending service of the selected set listed at once.
 * - A network or volume with a fixed `name:` is created once and shared by every environment on the host:
 *   it gets the name Compose would have given it without `name:`, `<project>_<key>`. External ones stay
 *   shared on purpose (warned about by the caller).
 * Each function returns an override fragment and what it changed, for the summary.
 */

import { UserInputError } from '../runtime/errors.js';
import type { ComposeModel } from './model.js';
import { Reset } from './override-yaml.js';

/** `container-name` input: keep the name as an alias (default) or refuse the file. */
export type ContainerNamePolicy = 'alias' | 'refuse';

/** A service whose `container_name` was removed, and the networks where its old name is now an alias. */
export interface ContainerNameChange {
  service: string;
  name: string;
  /** Network keys carrying the alias; empty when the service has no networks (network_mode). */
  networks: string[];
}

/** A network or volume whose fixed name was replaced by a per-environment one. */
export interface ResourceRename {
  kind: 'network' | 'volume';
  key: string;
  from: string;
  to: string;
}

/**
 * The override fragment for `container_name`, over the `selected` services (others are not started).
 * @throws UserInputError naming `container-name` and every offending service, when `policy` is `refuse`
 */
export function containerNameOverride(
  model: ComposeModel,
  selected: readonly string[],
  policy: ContainerNamePolicy,
): { fragment: Record<string, unknown>; changes: ContainerNameChange[] } {
  const services = model.services ?? {};
  const named = selected.filter((name) => services[name]?.container_name);
  if (named.length === 0) return { fragment: {}, changes: [] };
  if (policy === 'refuse') {
    const list = named.map((name) => `${name} (${services[name]!.container_name})`).join(', ');
    throw new UserInputError(
      'container-name',
      `${named.length} selected service(s) set container_name: ${list}; a fixed container name defeats the per-PR project name, so two pull requests would collide (docker/compose#13553)`,
      'remove container_name from those services, or set container-name: alias (the default) to have it removed for each environment and kept as a network alias',
    );
  }
  const entries: Record<string, unknown> = {};
  const changes: ContainerNameChange[] = [];
  for (const service of named) {
    const definition = services[service]!;
    const name = definition.container_name!;
    const networks = definition.network_mode ? [] : Object.keys(definition.networks ?? { default: null });
    const attachments: Record<string, unknown> = {};
    for (const network of networks) {
      const aliases = definition.networks?.[network]?.aliases ?? [];
      attachments[network] = { aliases: [...new Set([...aliases, name])] };
    }
    entries[service] = {
      container_name: new Reset(),
      ...(networks.length > 0 ? { networks: attachments } : {}),
    };
    changes.push({ service, name, networks });
  }
  return { fragment: { services: entries }, changes };
}

/**
 * The override fragment giving every non-external network and volume with a fixed `name:` the
 * per-environment name `<project>_<key>`.
 */
export function resourceNameOverride(
  model: ComposeModel,
  project: string,
): { fragment: Record<string, unknown>; renames: ResourceRename[] } {
  const fragment: Record<string, unknown> = {};
  const renames: ResourceRename[] = [];
  for (const kind of ['network', 'volume'] as const) {
    const section: Record<string, unknown> = {};
    for (const [key, definition] of Object.entries(model[`${kind}s`] ?? {})) {
      const fallback = `${project}_${key}`;
      const name = definition?.name;
      if (definition?.external || !name || name === fallback) continue;
      section[key] = { name: fallback };
      renames.push({ kind, key, from: name, to: fallback });
    }
    if (Object.keys(section).length > 0) fragment[`${kind}s`] = section;
  }
  return { fragment, renames };
}
