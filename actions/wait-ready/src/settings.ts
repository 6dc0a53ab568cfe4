/** wait-ready settings: inputs read once, validated, frozen; probes parsed before the first attempt. */
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/artifact.js';
import { UserInputError } from '../../shared/src/errors.js';
import {
  ENV_COMPOSE_DIRECTORY,
  ENV_COMPOSE_FILES,
  ENV_COMPOSE_PROJECT,
  ENV_ENVIRONMENT,
  ENV_SERVICES,
} from '../../shared/src/handoff.js';
import { Inputs } from '../../shared/src/inputs.js';
import { defaultNamespace, type KubeConnection, readConnection } from '../../shared/src/kube/target.js';
import { servicesFromEnv } from '../../shared/src/placeholders.js';
import { INPUTS } from './contract.js';
import type { Timing } from './poll.js';
import { type ProbeSpec, parseProbesYaml, parseSimpleInputs } from './spec.js';
import { checkNamespace, isKubeSpec, parseRolloutInput } from './spec-kube.js';

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
  /** Default namespace of the Kubernetes probes ('' when there are none). */
  namespace: string;
  /** Cluster connection for the Kubernetes probes (kubeconfig content already masked). */
  kube: KubeConnection;
}

/**
 * Reads and validates the inputs.
 * @throws UserInputError for any bad input, naming it; also when no probe is configured
 */
export function getSettings(inputs = new Inputs(), env: NodeJS.ProcessEnv = process.env): WaitSettings {
  const services = servicesFromEnv(env[ENV_SERVICES]);
  const probes = [
    ...parseSimpleInputs(
      {
        url: inputs.string(INPUTS.url),
        expectStatus: inputs.string(INPUTS.expectStatus),
        expectJson: inputs.string(INPUTS.expectJson),
        expectCommit: inputs.string(INPUTS.expectCommit),
        headers: inputs.string(INPUTS.headers),
        insecureTls: inputs.boolean(INPUTS.insecureTls, false),
        tcp: inputs.list(INPUTS.tcp),
        composeServices: inputs.list(INPUTS.composeServices),
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
  const kube = readConnection(inputs.string(INPUTS.kubeconfig), inputs.string(INPUTS.context));
  const explicitNamespace = inputs.string(INPUTS.namespace);
  if (explicitNamespace) checkNamespace(INPUTS.namespace, explicitNamespace);
  const kubeProbes = probes.filter(isKubeSpec);
  const namespace = kubeProbes.length > 0 ? defaultNamespace(explicitNamespace, env) : '';
  if (kubeProbes.some((p) => p.namespace === '') && namespace === '') {
    throw new UserInputError(
      INPUTS.namespace,
      'rollout, pods, endpoints and job probes need a namespace, and none is known',
      'run deploy-namespace earlier in this job (it exports EPHEMERAL_NAMESPACE), or set "namespace"',
    );
  }
  if (kubeProbes.length > 0 && !explicitNamespace && namespace)
    checkNamespace(`${INPUTS.namespace} (from the environment)`, namespace);
  const project = inputs.string(INPUTS.project, env[ENV_ENVIRONMENT] || env[ENV_COMPOSE_PROJECT] || '');
  if (project === '' && probes.some((p) => p.kind === 'compose' || p.kind === 'exec' || p.kind === 'log')) {
    throw new UserInputError(
      'project',
      'compose, exec and log probes need a Compose project, and none is known',
      'run provision-compose earlier in this job, or set "project"',
    );
  }
  const intervalMs = inputs.durationMs(INPUTS.interval, 1000, 50, 600_000);
  const backoff = Number(inputs.string(INPUTS.backoff, '1.5'));
  if (!Number.isFinite(backoff) || backoff < 1 || backoff > 10) {
    throw new UserInputError(
      INPUTS.backoff,
      `"${inputs.string(INPUTS.backoff)}" is not a factor from 1 to 10`,
      'use e.g. 1 (no backoff) or 1.5',
    );
  }
  const files = (env[ENV_COMPOSE_FILES] ?? '').split('\n').filter(Boolean);
  return Object.freeze({
    probes,
    timing: {
      deadlineMs: inputs.durationMs(INPUTS.timeout, 300_000, 100, 6 * 3_600_000),
      attemptTimeoutMs: inputs.durationMs(INPUTS.attemptTimeout, 5000, 50, 600_000),
      intervalMs,
      maxIntervalMs: inputs.durationMs(INPUTS.maxInterval, 10_000, intervalMs, 3_600_000),
      backoff,
      consecutive: inputs.integer(INPUTS.consecutive, 1, 1, 100),
    },
    project,
    composeFiles: project === (env[ENV_ENVIRONMENT] ?? '') ? files : [],
    composeDirectory: env[ENV_COMPOSE_DIRECTORY] ?? '',
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES, 'on-failure'),
    namespace,
    kube,
  });
}
