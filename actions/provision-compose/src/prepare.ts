/**
 * provision-compose's prepare phase: resolve the Compose model (`config --format json`, once per job),
 * register its secrets, refuse unknown services and a project these actions did not create (the Compose
 * refusal rule, from one container inventory that also tells when the environment was first created), and
 * write the isolation override (labels, ephemeral host ports, container names as aliases, per-environment
 * network and volume names, one-shots) that the `up` phase adds to the files. The fingerprint's work that
 * needs no model starts beside `config` (`configPhase`).
 */
import { writeFileSync } from 'node:fs';
import {
  type ComposeBinary,
  type ComposeHandOff,
  configArgs,
  DockerCompose,
  detectCompose,
  jobComposeHandOff,
  likelyCompose,
  type ProjectRef,
  versionAtLeast,
} from '../../shared/src/compose/compose.js';
import type { Docker } from '../../shared/src/compose/docker.js';
import { type ExistingObjects, existingObjects } from '../../shared/src/compose/foreign-objects.js';
import {
  type IsolationPlan,
  MERGE_TAGS_MIN_COMPOSE,
  planIsolation,
} from '../../shared/src/compose/isolation.js';
import { type ComposeModel, registerModelSecrets, selectedServices } from '../../shared/src/compose/model.js';
import { foreignResources, projectResources } from '../../shared/src/compose/ownership.js';
import { findComposePlugin, type PluginLookup } from '../../shared/src/compose/plugin-path.js';
import { deployLabels, LABELS, type LabelFacts, stableLabels } from '../../shared/src/environment/labels.js';
import { run as execRun, type Runner } from '../../shared/src/exec/cli.js';
import { engineVersion } from '../../shared/src/fingerprint/compose-phase.js';
import type { PreviousDeploy } from '../../shared/src/fingerprint/record.js';
import { SetupError, UserInputError } from '../../shared/src/runtime/errors.js';
import { missingEnvFileError } from './env-file.js';
import { readPrevious } from './fingerprint.js';
import type { ProvisionSettings } from './settings.js';

/**
 * The resolved model of the project's files, its secret-looking values registered at once.
 * @throws UserInputError naming `compose-files` (or the service's `env_file`) when Compose rejects them
 */
export async function resolveModel(compose: DockerCompose, project: ProjectRef): Promise<ComposeModel> {
  const result = await compose.tryRun(project, configArgs(), { timeoutMs: 60_000 });
  if (result.exitCode !== 0) {
    const text = result.stderr.trim();
    const files = project.files ?? [];
    throw (
      missingEnvFileError(text, files, project.projectDirectory ?? '') ??
      new UserInputError(
        'compose-files',
        `docker compose config rejected the configuration: ${text.slice(-1500)}`,
        'fix the compose file(s) so that `docker compose config` succeeds',
      )
    );
  }
  const model = JSON.parse(result.stdout) as ComposeModel;
  registerModelSecrets(model);
  return model;
}

/**
 * The Compose CLI and the resolved model, found together: `config` (read-only) goes out with the CLI
 * detection will most likely pick (`likelyCompose`) while detection runs, and that answer counts only when
 * detection picks the same CLI; otherwise `config` runs again with the one it found. A missing Compose is
 * reported before anything the files said. Saves detection's round trip (~80 ms) on a job's first step.
 * `plugin`: where the docker CLI's Compose plugin is, to run it directly (compose/plugin-path.ts).
 * @throws SetupError when no Compose v2 answers; UserInputError as `resolveModel`
 */
export async function detectAndResolve(
  project: ProjectRef,
  runner: Runner = execRun,
  handOff: ComposeHandOff = jobComposeHandOff,
  plugin: PluginLookup = findComposePlugin,
): Promise<{ compose: DockerCompose; model: ComposeModel }> {
  const guess = likelyCompose(handOff, plugin);
  const early = resolveModel(new DockerCompose(guess, runner), project).then(
    (model) => ({ model }),
    (error: unknown) => ({ error }),
  );
  const compose = new DockerCompose(await detectCompose(runner, handOff, plugin), runner);
  if (compose.binary.argv.join(' ') !== guess.argv.join(' '))
    return { compose, model: await resolveModel(compose, project) };
  const answer = await early;
  if ('error' in answer) throw answer.error;
  return { compose, model: answer.model };
}

/**
 * Checks the `services` and `one-shots` inputs against the model; returns the services the run starts
 * (the requested ones and, transitively, their dependencies).
 * @throws UserInputError naming `services` or `one-shots` for a service the files do not define
 */
export function checkServices(
  model: ComposeModel,
  settings: Pick<ProvisionSettings, 'services' | 'oneShots'>,
): string[] {
  const known = Object.keys(model.services ?? {});
  for (const [input, wanted] of [
    ['services', settings.services],
    ['one-shots', settings.oneShots],
  ] as const) {
    const unknown = wanted.filter((s) => !known.includes(s));
    if (unknown.length > 0)
      throw new UserInputError(
        input,
        `unknown service(s) ${unknown.join(', ')}`,
        `use services from the compose file(s): ${known.join(', ')}`,
      );
  }
  return selectedServices(model, settings.services);
}

/** What the ownership look-up found. */
export interface Ownership {
  /** The earliest `created-at` of the environment's containers (a redeploy keeps it), epoch ms, or null. */
  createdAtMs: number | null;
  /** The IDs of the environment's existing containers ([] on a first deploy): the fingerprint phase reads
   * the last deploy's record from their labels without listing them again. */
  containers: string[];
  /** The networks and volumes that could be the environment's, with their labels (checked against the
   * model by `refuseForeignObjects` once it is resolved). */
  objects: ExistingObjects;
}

/**
 * Refuses to deploy over a Compose project of the same name that these actions did not create, and returns
 * what the environment's existing containers say (`Ownership`), from one container inventory; the
 * networks and volumes of its names are listed at the same time (`existingObjects`).
 * @throws UserInputError naming `name`; ToolError when docker fails
 */
export async function ownership(docker: Docker, name: string): Promise<Ownership> {
  const [containers, objects] = await Promise.all([
    projectResources(docker, name, ['container']),
    existingObjects(name, docker.runner),
  ]);
  const foreign = foreignResources(containers, name);
  if (foreign.length > 0) {
    throw new UserInputError(
      'name',
      `a Compose project named "${name}" already runs containers these actions did not create (${foreign.map((c) => c.name).join(', ')})`,
      'set a different "name", or remove that project yourself (docker compose -p <name> down)',
    );
  }
  const times = containers
    .map((c) => Number(c.labels[LABELS.createdAt]) * 1000)
    .filter((t) => Number.isFinite(t) && t > 0);
  return {
    createdAtMs: times.length > 0 ? Math.min(...times) : null,
    containers: containers.map((c) => c.id),
    objects,
  };
}

/** What the config phase found, and the fingerprint's work it started. */
export interface ConfigPhase {
  compose: DockerCompose;
  model: ComposeModel;
  owned: Ownership;
  /** The engine's version (`engineVersion`), asked beside `config`; awaited by the fingerprint phase. */
  engine: Promise<string>;
  /** The last deploy's record (`readPrevious`), read as soon as the ownership look-up named the
   * containers; null on a first deploy, when that look-up failed, or when the labels cannot be read. */
  previous: Promise<PreviousDeploy | null>;
}

/**
 * The config phase: Compose detection and the model (`detectAndResolve`) beside the ownership look-up, and
 * beside them the fingerprint's work that needs no model: `docker version` (asked last, so that `config`,
 * which the rest waits for, starts first), and the last deploy's record from the labels of the containers
 * the look-up found, as soon as it found them. Both were asked after `config` returned before (issue 12:
 * `docker version` alone was ~44 ms there). Every call goes through `docker.runner`, the exec funnel.
 * `plugin`: where the docker CLI's Compose plugin is (compose/plugin-path.ts).
 * @throws as `detectAndResolve` and `ownership` (the version's failure surfaces in the fingerprint phase)
 */
export async function configPhase(
  docker: Docker,
  project: ProjectRef,
  handOff: ComposeHandOff = jobComposeHandOff,
  plugin: PluginLookup = findComposePlugin,
): Promise<ConfigPhase> {
  const resolved = detectAndResolve(project, docker.runner, handOff, plugin);
  const owned = ownership(docker, project.name);
  const engine = engineVersion(docker.runner);
  engine.catch(() => {}); // awaited by the fingerprint phase (not at all when prepare fails)
  const previous = owned.then(
    (found) => readPrevious(docker, found.containers),
    () => null, // the look-up's own error is thrown below
  );
  const [{ compose, model }, found] = await Promise.all([resolved, owned]);
  return { compose, model, owned: found, engine, previous };
}

const ONE_SHOT_REASON = {
  'completed-dependency': 'another service waits for it to complete',
  input: 'the one-shots input',
  'restart-no': 'restart: "no", no healthcheck, no ports',
} as const;

/** One line per change the plan makes, for the summary and the log (pure). */
export function isolationLines(plan: IsolationPlan): string[] {
  return [
    ...plan.rewrites.map(
      (r) =>
        `Host port ${r.published} of ${r.service} → an ephemeral port (container ${r.target}/${r.protocol})`,
    ),
    ...plan.containerNames.map((c) =>
      c.networks.length > 0
        ? `container_name of ${c.service} ("${c.name}") removed; "${c.name}" stays a network alias on ${c.networks.join(', ')}`
        : `container_name of ${c.service} ("${c.name}") removed; it has no network to keep the name as an alias (network_mode)`,
    ),
    ...plan.renames.map((r) => `${r.kind} ${r.key}: fixed name "${r.from}" → "${r.to}" for this environment`),
    ...plan.oneShots.map(
      (o) => `One-shot ${o.service} (${ONE_SHOT_REASON[o.reason]}): ready once it exited 0`,
    ),
  ];
}

/** What `writeOverride` takes. */
export interface OverrideOptions {
  model: ComposeModel;
  facts: LabelFacts;
  settings: Pick<ProvisionSettings, 'allowFixedPorts' | 'containerName' | 'oneShots'>;
  /** The services the run starts. */
  selected: string[];
  binary: ComposeBinary;
  /** Where the override file goes. */
  path: string;
}

/**
 * Plans the isolation override for the model and writes it to `path`.
 * @throws UserInputError for `container-name: refuse`; SetupError when the override needs a newer Compose
 */
export function writeOverride(o: OverrideOptions): IsolationPlan {
  const plan = planIsolation(o.model, {
    project: o.facts.environment,
    selected: o.selected,
    allowFixedPorts: o.settings.allowFixedPorts,
    containerName: o.settings.containerName,
    declaredOneShots: o.settings.oneShots,
    containerLabels: deployLabels(o.facts),
    resourceLabels: stableLabels(o.facts),
  });
  if (plan.needsMergeTags && !versionAtLeast(o.binary.version, MERGE_TAGS_MIN_COMPOSE)) {
    throw new SetupError(
      `Compose ${o.binary.version} cannot apply the isolation override (ephemeral host ports and container names need Compose ≥ ${MERGE_TAGS_MIN_COMPOSE})`,
      'upgrade Compose, or set allow-fixed-ports: true and remove container_name (then two environments on one host collide)',
    );
  }
  writeFileSync(o.path, plan.overrideYaml);
  return plan;
}
