/** wait-ready settings: inputs read once, validated, frozen; probes parsed before the first attempt. */

import { handedOffProject } from '../../shared/src/compose/handed-off.js';
import { SERVICE_NAME, SERVICE_NAME_RULE } from '../../shared/src/compose/names.js';
import { servicesFromEnv } from '../../shared/src/compose/placeholders.js';
import type { ServiceMap } from '../../shared/src/compose/status.js';
import { checkNamespace } from '../../shared/src/environment/names.js';
import { type GitHubSettings, readCommentSettings } from '../../shared/src/github/settings.js';
import { defaultNamespace, type KubeConnection, readConnection } from '../../shared/src/kube/connection.js';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/report/artifact.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { ENV_SERVICES } from '../../shared/src/runtime/handoff.js';
import { actionInputs, type InputSource, Inputs } from '../../shared/src/runtime/inputs.js';
import { DEFAULTS, INPUTS } from './contract.js';
import type { Timing } from './poll.js';
import { type ProbeSpec, parseSimpleInputs } from './spec.js';
import { isKubeSpec, parseRolloutInput } from './spec-kube.js';
import { parseProbesYaml } from './spec-yaml.js';

/** Typed settings. */
export interface WaitSettings {
  probes: ProbeSpec[];
  timing: Timing;
  /** The Compose project for compose/exec/log probes and diagnostics ('' when none). */
  project: string;
  /** Compose files handed off by provision-compose (for exec/log), possibly empty. */
  composeFiles: string[];
  composeDirectory: string;
  uploadReport: UploadPolicy;
  /** `github-token`, `comment`, `comment-author`: this action's line in the sticky PR comment. */
  github: GitHubSettings;
  /** Default namespace of the Kubernetes probes ('' when there are none). */
  namespace: string;
  /** Cluster connection for the Kubernetes probes (kubeconfig content already masked). */
  kube: KubeConnection;
  /** provision-compose's `services` (EPHEMERAL_SERVICES), `{}` when none was handed off. */
  services: ServiceMap;
}

/** Every probe from the simple inputs, `rollout` and `probes`. @throws UserInputError when there is none */
function readProbes(inputs: Inputs, env: NodeJS.ProcessEnv): ProbeSpec[] {
  const services = servicesFromEnv(env[ENV_SERVICES]);
  const probes = [
    ...parseSimpleInputs(
      {
        url: inputs.string(INPUTS.url),
        expectStatus: inputs.string(INPUTS.expectStatus),
        expectJson: inputs.string(INPUTS.expectJson),
        expectCommit: inputs.string(INPUTS.expectCommit),
        headers: inputs.string(INPUTS.headers),
        insecureTls: inputs.boolean(INPUTS.insecureTls),
        tcp: inputs.list(INPUTS.tcp),
        composeServices: inputs.matchingList(
          INPUTS.composeServices,
          SERVICE_NAME,
          'Compose service name',
          SERVICE_NAME_RULE,
        ),
      },
      services,
    ),
    ...parseRolloutInput(inputs.list(INPUTS.rollout)),
    ...parseProbesYaml(inputs.string(INPUTS.probes), services),
  ];
  if (probes.length === 0) {
    throw new UserInputError(
      'url',
      'no probe is configured (url, tcp, compose-services, rollout and probes are all empty)',
      'set at least one of url, tcp, compose-services, rollout or probes',
    );
  }
  return probes;
}

/** The default namespace of the Kubernetes probes ('' without any). @throws UserInputError when none is known */
function readNamespace(inputs: Inputs, probes: ProbeSpec[], env: NodeJS.ProcessEnv): string {
  const explicit = inputs.string(INPUTS.namespace);
  if (explicit) checkNamespace(INPUTS.namespace, explicit);
  const kubeProbes = probes.filter(isKubeSpec);
  const namespace = kubeProbes.length > 0 ? defaultNamespace(explicit, env) : '';
  if (kubeProbes.some((p) => p.namespace === '') && namespace === '') {
    throw new UserInputError(
      INPUTS.namespace,
      'rollout, pods, endpoints and job probes need a namespace, and none is known',
      'run deploy-namespace earlier in this job (it exports EPHEMERAL_NAMESPACE), or set "namespace"',
    );
  }
  if (kubeProbes.length > 0 && !explicit && namespace)
    checkNamespace(`${INPUTS.namespace} (from the environment)`, namespace);
  return namespace;
}

/** The Compose project of the compose/exec/log probes. @throws UserInputError when they need one and none is known */
function readProject(inputs: Inputs, probes: ProbeSpec[], env: NodeJS.ProcessEnv): string {
  const { project } = handedOffProject(inputs.string(INPUTS.project), env);
  if (project === '' && probes.some((p) => p.kind === 'compose' || p.kind === 'exec' || p.kind === 'log')) {
    throw new UserInputError(
      'project',
      'compose, exec and log probes need a Compose project, and none is known',
      'run provision-compose earlier in this job, or set "project"',
    );
  }
  return project;
}

/** The deadline, attempt timeout, interval, backoff and streak. */
function readTiming(inputs: Inputs): Timing {
  const intervalMs = inputs.durationMs(INPUTS.interval, 50, 600_000);
  const backoff = Number(inputs.string(INPUTS.backoff));
  if (!Number.isFinite(backoff) || backoff < 1 || backoff > 10) {
    throw new UserInputError(
      INPUTS.backoff,
      `"${inputs.string(INPUTS.backoff)}" is not a factor from 1 to 10`,
      'use e.g. 1 (no backoff) or 1.5',
    );
  }
  return {
    deadlineMs: inputs.durationMs(INPUTS.timeout, 100, 6 * 3_600_000),
    attemptTimeoutMs: inputs.durationMs(INPUTS.attemptTimeout, 50, 600_000),
    intervalMs,
    // A cap below the interval means the interval never grows (nextInterval reads it so too).
    maxIntervalMs: Math.max(inputs.durationMs(INPUTS.maxInterval, 50, 3_600_000), intervalMs),
    backoff,
    consecutive: inputs.integer(INPUTS.consecutive, 1, 100),
  };
}

/**
 * Reads and validates the inputs.
 * @param source the raw inputs (the runner's by default); empty ones read as their action.yml default
 * @param env the environment, for what earlier steps handed off
 * @throws UserInputError for any bad input, naming it; also when no probe is configured
 */
export function getSettings(
  source: InputSource = actionInputs,
  env: NodeJS.ProcessEnv = process.env,
): WaitSettings {
  const inputs = new Inputs(source, DEFAULTS);
  const probes = readProbes(inputs, env);
  const kube = readConnection(inputs.string(INPUTS.kubeconfig), inputs.string(INPUTS.context));
  const namespace = readNamespace(inputs, probes, env);
  const compose = handedOffProject(readProject(inputs, probes, env), env);
  const timing = readTiming(inputs);
  return Object.freeze({
    probes,
    timing,
    ...compose,
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES),
    github: readCommentSettings(inputs),
    namespace,
    kube,
    services: servicesFromEnv(env[ENV_SERVICES]),
  });
}
