/**
 * The isolation guard: reads the resolved Compose model (`config --format json`) and produces the
 * generated override that lets two PRs' stacks from the same file run side by side on one host. Each
 * concern is its own fragment, merged at the end:
 *
 * - fixed host ports (`"5432:5432"`) become ephemeral (`ports: !override`), unless `allow-fixed-ports`;
 * - `container_name` is removed and kept as a network alias, or refused (isolation-names.ts);
 * - networks and volumes with a fixed `name:` get per-environment names (isolation-names.ts);
 * - external networks and volumes are shared on purpose: warned about, left alone;
 * - every container, network, volume and built image gets the identity labels, and one-shots are marked
 *   with the one-shot label, so later steps (wait-ready, teardown, the sweep) read it from the engine.
 */

import { LABELS, type LabelSet } from '../environment/labels.js';
import {
  type ContainerNameChange,
  type ContainerNamePolicy,
  containerNameOverride,
  type ResourceRename,
  resourceNameOverride,
} from './isolation-names.js';
import type { ComposeModel, OneShotReason } from './model.js';
import { oneShots } from './model.js';
import { dumpOverride, MERGE_TAGS_MIN_COMPOSE, mergeFragments, Override } from './override-yaml.js';

export { MERGE_TAGS_MIN_COMPOSE };

/** A fixed host port that was made ephemeral. */
export interface PortRewrite {
  service: string;
  target: number;
  protocol: string;
  /** The fixed host port that was requested, e.g. `5432`. */
  published: string;
}

/** The guard's result. */
export interface IsolationPlan {
  /** The override document (YAML text, with `!override`/`!reset` tags). */
  overrideYaml: string;
  rewrites: PortRewrite[];
  containerNames: ContainerNameChange[];
  renames: ResourceRename[];
  /** One-shot services of the selected set, and why each counts as one. */
  oneShots: Array<{ service: string; reason: OneShotReason }>;
  warnings: string[];
  /** True when the override uses `!override` or `!reset` (Compose ≥ 2.24.4). */
  needsMergeTags: boolean;
}

/** Options for the guard. */
export interface IsolationOptions {
  /** The Compose project (= environment) name. */
  project: string;
  /** The services the run starts (see `selectedServices`). */
  selected: readonly string[];
  /** Keep fixed host ports (`allow-fixed-ports` input). */
  allowFixedPorts: boolean;
  /** `container-name` input. */
  containerName: ContainerNamePolicy;
  /** `one-shots` input. */
  declaredOneShots: readonly string[];
  /** Labels for containers (identity + per-deploy). */
  containerLabels: LabelSet;
  /** Labels for networks, volumes and built images (stable ones only, so Compose never recreates them). */
  resourceLabels: LabelSet;
}

function portOverride(
  model: ComposeModel,
  selected: readonly string[],
  allowFixed: boolean,
): { fragment: Record<string, unknown>; rewrites: PortRewrite[] } {
  const services: Record<string, unknown> = {};
  const rewrites: PortRewrite[] = [];
  if (allowFixed) return { fragment: {}, rewrites };
  for (const [name, service] of Object.entries(model.services ?? {})) {
    const ports = service.ports ?? [];
    if (!ports.some((port) => port.published !== undefined && String(port.published) !== '')) continue;
    services[name] = {
      ports: new Override(
        ports.map((port) => {
          const { published, ...rest } = port;
          if (published !== undefined && String(published) !== '' && selected.includes(name))
            rewrites.push({
              service: name,
              target: port.target,
              protocol: port.protocol ?? 'tcp',
              published: String(published),
            });
          return rest;
        }),
      ),
    };
  }
  return { fragment: Object.keys(services).length ? { services } : {}, rewrites };
}

function labelOverride(
  model: ComposeModel,
  options: IsolationOptions,
  shots: Map<string, OneShotReason>,
): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(model.services ?? {})) {
    services[name] = {
      labels: { ...options.containerLabels, ...(shots.has(name) ? { [LABELS.oneShot]: 'true' } : {}) },
      ...(service.build ? { build: { labels: { ...options.resourceLabels } } } : {}),
    };
  }
  const fragment: Record<string, unknown> = { services };
  for (const kind of ['networks', 'volumes'] as const) {
    const section: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(model[kind] ?? {})) {
      if (!definition?.external) section[name] = { labels: { ...options.resourceLabels } };
    }
    if (Object.keys(section).length > 0) fragment[kind] = section;
  }
  return fragment;
}

function sharedWarnings(model: ComposeModel, selected: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const name of selected) {
    if (model.services?.[name]?.network_mode === 'host')
      warnings.push(
        `Service "${name}" uses network_mode: host; its ports are shared by every environment on this host.`,
      );
  }
  for (const kind of ['networks', 'volumes'] as const) {
    for (const [key, definition] of Object.entries(model[kind] ?? {})) {
      if (definition?.external)
        warnings.push(
          `External ${kind.slice(0, -1)} "${definition.name ?? key}" is shared by every environment that uses it; teardown leaves it in place.`,
        );
    }
  }
  return warnings;
}

/**
 * Plans the override for a resolved model.
 * @throws UserInputError naming `container-name` when `containerName` is `refuse` and a selected service
 *   sets container_name
 */
export function planIsolation(model: ComposeModel, options: IsolationOptions): IsolationPlan {
  const shots = oneShots(model, options.declaredOneShots);
  const ports = portOverride(model, options.selected, options.allowFixedPorts);
  const names = containerNameOverride(model, options.selected, options.containerName);
  const resources = resourceNameOverride(model, options.project);
  const document = mergeFragments(
    labelOverride(model, options, shots),
    ports.fragment,
    names.fragment,
    resources.fragment,
  );
  return {
    overrideYaml: dumpOverride(document),
    rewrites: ports.rewrites,
    containerNames: names.changes,
    renames: resources.renames,
    oneShots: [...shots]
      .filter(([service]) => options.selected.includes(service))
      .map(([service, reason]) => ({ service, reason })),
    warnings: sharedWarnings(model, options.selected),
    needsMergeTags: Object.keys(ports.fragment).length > 0 || names.changes.length > 0,
  };
}
