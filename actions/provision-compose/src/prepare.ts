/**
 * provision-compose's prepare phase: resolve the Compose model (`config --format json`), register its
 * secrets, refuse unknown services and a project these actions did not create (the Compose refusal rule),
 * and write the isolation override (labels, ephemeral host ports) that the `up` phase adds to the files.
 */
import { writeFileSync } from 'node:fs';
import {
  type ComposeBinary,
  configArgs,
  type DockerCompose,
  type ProjectRef,
  versionAtLeast,
} from '../../shared/src/compose/compose.js';
import type { Docker } from '../../shared/src/compose/docker.js';
import { planIsolation } from '../../shared/src/compose/isolation.js';
import { type ComposeModel, registerModelSecrets } from '../../shared/src/compose/model.js';
import { foreignResources, projectResources } from '../../shared/src/compose/ownership.js';
import {
  deployLabels,
  environmentSelector,
  LABELS,
  type LabelFacts,
  stableLabels,
} from '../../shared/src/environment/labels.js';
import { SetupError, UserInputError } from '../../shared/src/runtime/errors.js';

/** `!override` in Compose files needs Compose ≥ 2.24.4 (https://docs.docker.com/reference/compose-file/merge/). */
export const OVERRIDE_TAG_MIN = '2.24.4';

/**
 * The resolved model of the project's files, its secret-looking values registered at once.
 * @throws UserInputError naming `compose-files` when `docker compose config` rejects them
 */
export async function resolveModel(compose: DockerCompose, project: ProjectRef): Promise<ComposeModel> {
  const result = await compose.tryRun(project, configArgs(), { timeoutMs: 60_000 });
  if (result.exitCode !== 0) {
    throw new UserInputError(
      'compose-files',
      `docker compose config rejected the configuration: ${result.stderr.trim().slice(-1500)}`,
      'fix the compose file(s) so that `docker compose config` succeeds',
    );
  }
  const model = JSON.parse(result.stdout) as ComposeModel;
  registerModelSecrets(model);
  return model;
}

/**
 * Checks the `services` input against the model; returns the model's services.
 * @throws UserInputError naming `services` for a service the files do not define
 */
export function checkServices(model: ComposeModel, wanted: readonly string[]): string[] {
  const known = Object.keys(model.services ?? {});
  const unknown = wanted.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new UserInputError(
      'services',
      `unknown service(s) ${unknown.join(', ')}`,
      `use services from the compose file(s): ${known.join(', ')}`,
    );
  }
  return known;
}

/**
 * Refuses to deploy over a Compose project of the same name that these actions did not create.
 * @throws UserInputError naming `name`
 */
export async function assertNotForeign(docker: Docker, name: string): Promise<void> {
  const foreign = foreignResources(await projectResources(docker, name, ['container']), name);
  if (foreign.length > 0) {
    throw new UserInputError(
      'name',
      `a Compose project named "${name}" already runs containers these actions did not create (${foreign.map((c) => c.name).join(', ')})`,
      'set a different "name", or remove that project yourself (docker compose -p <name> down)',
    );
  }
}

/** The earliest `created-at` among the environment's existing containers (a redeploy keeps it), in ms. */
export async function existingCreatedAt(docker: Docker, name: string): Promise<number | null> {
  const containers = await docker.list('container', environmentSelector(name));
  const times = containers
    .map((c) => Number(c.labels[LABELS.createdAt]) * 1000)
    .filter((t) => Number.isFinite(t) && t > 0);
  return times.length > 0 ? Math.min(...times) : null;
}

/** What `writeOverride` takes. */
export interface OverrideOptions {
  model: ComposeModel;
  facts: LabelFacts;
  allowFixedPorts: boolean;
  binary: ComposeBinary;
  /** Where the override file goes. */
  path: string;
  warn: (message: string) => void;
  log: (line: string) => void;
}

/**
 * Plans the isolation override for the model and writes it to `path`.
 * @throws UserInputError for `container_name`; SetupError when the ports need a newer Compose
 */
export function writeOverride(o: OverrideOptions): void {
  const plan = planIsolation(o.model, {
    allowFixedPorts: o.allowFixedPorts,
    containerLabels: deployLabels(o.facts),
    resourceLabels: stableLabels(o.facts),
  });
  if (plan.rewrites.length > 0 && !versionAtLeast(o.binary.version, OVERRIDE_TAG_MIN)) {
    throw new SetupError(
      `Compose ${o.binary.version} cannot replace fixed host ports (the override needs Compose ≥ ${OVERRIDE_TAG_MIN})`,
      'upgrade Compose, or set allow-fixed-ports: true (then two environments on one host collide on those ports)',
    );
  }
  for (const warning of plan.warnings) o.warn(warning);
  for (const r of plan.rewrites)
    o.log(
      `Isolation: ${r.service} host port ${r.published} → ephemeral (container ${r.target}/${r.protocol})`,
    );
  writeFileSync(o.path, plan.overrideYaml);
}
