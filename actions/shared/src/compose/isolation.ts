/**
 * The isolation guard: reads the resolved Compose model (`config --format json`) and produces the
 * generated override that lets two PRs' stacks from the same file run side by side on one host.
 *
 * - `container_name` is refused: a fixed name defeats the project name (docker/compose#13553).
 * - Fixed host ports (`"5432:5432"`) become ephemeral host ports, via `ports: !override` (Compose ≥ 2.24.4,
 *   https://docs.docker.com/reference/compose-file/merge/#replace-value), unless `allow-fixed-ports`.
 * - External networks and volumes are shared between PRs: warned about, left alone.
 * - Every service, network and volume gets the identity labels.
 */
import { Document, isSeq } from 'yaml';
import type { LabelSet } from '../environment/labels.js';
import { UserInputError } from '../runtime/errors.js';
import type { ComposeModel } from './model.js';

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
  /** The override document (YAML text, with `!override` tags). */
  overrideYaml: string;
  rewrites: PortRewrite[];
  warnings: string[];
  /** Services in the resolved model. */
  services: string[];
}

/** Options for the guard. */
export interface IsolationOptions {
  /** Keep fixed host ports (`allow-fixed-ports` input). */
  allowFixedPorts: boolean;
  /** Labels for containers (identity + per-deploy). */
  containerLabels: LabelSet;
  /** Labels for networks and volumes (stable ones only, so Compose never wants to recreate them). */
  resourceLabels: LabelSet;
}

/** The YAML tag that makes Compose replace a sequence instead of merging it into the base file's. */
export const OVERRIDE_TAG = '!override';

/**
 * Plans the override for a resolved model.
 * @throws UserInputError naming `compose-files` and the service when a service sets `container_name`
 */
export function planIsolation(model: ComposeModel, options: IsolationOptions): IsolationPlan {
  const services: Record<string, unknown> = {};
  const rewrites: PortRewrite[] = [];
  const warnings: string[] = [];
  const overridden: string[] = [];
  const names = Object.keys(model.services ?? {});
  for (const [name, service] of Object.entries(model.services ?? {})) {
    if (service.container_name) {
      throw new UserInputError(
        `compose-files (services.${name}.container_name)`,
        `service "${name}" sets container_name "${service.container_name}"; a fixed container name defeats the per-PR project name, so two pull requests would collide (docker/compose#13553)`,
        `remove container_name from service "${name}" and address it by its service name (other services reach it as "${name}")`,
      );
    }
    if (service.network_mode === 'host') {
      warnings.push(
        `Service "${name}" uses network_mode: host; its ports are shared by every environment on this host.`,
      );
    }
    const entry: Record<string, unknown> = { labels: { ...options.containerLabels } };
    const ports = service.ports ?? [];
    const fixed = ports.filter((port) => port.published !== undefined && String(port.published) !== '');
    if (!options.allowFixedPorts && fixed.length > 0) {
      overridden.push(name);
      entry.ports = ports.map((port) => {
        const { published, ...rest } = port;
        if (published !== undefined && String(published) !== '') {
          rewrites.push({
            service: name,
            target: port.target,
            protocol: port.protocol ?? 'tcp',
            published: String(published),
          });
        }
        return rest;
      });
    }
    services[name] = entry;
  }
  const override: Record<string, unknown> = { services };
  for (const kind of ['networks', 'volumes'] as const) {
    const section: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(model[kind] ?? {})) {
      if (definition?.external) {
        warnings.push(
          `External ${kind.slice(0, -1)} "${definition.name ?? name}" is shared by every environment that uses it; teardown leaves it in place.`,
        );
        continue;
      }
      section[name] = { labels: { ...options.resourceLabels } };
    }
    if (Object.keys(section).length > 0) override[kind] = section;
  }
  const doc = new Document(override, { aliasDuplicateObjects: false });
  for (const name of overridden) {
    const ports = doc.getIn(['services', name, 'ports'], true);
    if (isSeq(ports)) ports.tag = OVERRIDE_TAG;
  }
  return {
    overrideYaml: doc.toString({ lineWidth: 0 }),
    rewrites,
    warnings,
    services: names,
  };
}
