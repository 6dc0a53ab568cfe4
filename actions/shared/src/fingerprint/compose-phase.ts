/**
 * provision-compose's fingerprint phase, before anything starts: pull what the pull policy would pull
 * anyway (so pulled images have a repo digest to hash), fingerprint, run the lock phase, apply the digest
 * policy, and plan the run-time pins. After `up`: the drift check.
 *
 * The pins go in their own override file (`compose.lock.yaml`: `services.<s>.image: name@digest`), apart
 * from the isolation override, so the two never have to be merged: the effect of Compose's
 * `--lock-image-digests` (v2.36.1+, needs the registry) with neither.
 */
import { stringify } from 'yaml';
import type { PullPolicy } from '../compose/compose.js';
import { EngineUnavailableError, viaEngine } from '../compose/engine.js';
import { engineVersionApi } from '../compose/engine-reads.js';
import { type ComposeFingerprint, composeFingerprint } from './compose-fingerprint.js';
import type { ResolvedModel } from './compose-model.js';
import { enforceDigests, runtimePins, type ServiceImage } from './digest-policy.js';
import { type Drift, findDrift, readContainers } from './drift.js';
import { type ImageFacts, type ImageRunner, inspectImages } from './images.js';
import type { LockEntry } from './lock-file.js';
import { type LockOutcome, type LockSettings, runLockPhase, withSince } from './lock-phase.js';
import { type PreviousDeploy, type SinceLastDeploy, sinceLastDeploy } from './record.js';
import type { SecretSeal } from './secret-seal.js';

/** What the phase takes. */
export interface ComposePhaseOptions {
  /** The model resolved from the user's files alone. */
  model: ResolvedModel;
  projectName: string;
  projectDirectory: string;
  /** The workspace: lock-files globs and annotation paths are relative to it. */
  workspace: string;
  /** This run's own values → placeholder (see ModelContext.volatile). */
  volatile: Record<string, string>;
  lockFiles: readonly string[];
  includeTools: boolean;
  requireDigests: boolean;
  lock: LockSettings;
  pull: PullPolicy;
  composeVersion: string;
  runner: ImageRunner;
  /** `docker compose pull <services>` for the project (user files only). */
  pullImages: (services: string[]) => Promise<void>;
  /** The values of the variables `environment:` configs and secrets read (ComposeFingerprintInput). */
  sourceEnv?: (names: readonly string[]) => Promise<Record<string, string>>;
  /** Seals secret values (`fingerprint-key` and the secrets registered so far; secret-seal.ts). */
  seal?: SecretSeal;
  /** Where `lock: update` copies the lock file for the report artifact. */
  reportDir: string;
  /**
   * What the environment's last deploy recorded (labels of its containers), or null; a promise is
   * awaited after the hashing (the look-up runs meanwhile).
   */
  previous: PreviousDeploy | null | Promise<PreviousDeploy | null>;
  /** The engine's version asked earlier (`engineVersion`); default: asked when the phase starts. */
  engineVersion?: Promise<string>;
}

/** What the phase decided. */
export interface ComposePhaseResult {
  fingerprint: ComposeFingerprint;
  lock: LockOutcome;
  /** service → `repository@digest` for the pin override ({} when nothing is pinned). */
  pins: Record<string, string>;
  since: SinceLastDeploy;
}

/**
 * The Docker engine's version (`docker version --format {{.Server.Version}}`, or the Engine API's
 * `GET /version` where the socket is the CLI's), or 'unknown' when docker
 * fails, cannot start or takes over 30 s. Needs no model: provision-compose asks it at the start of its
 * prepare phase, beside `docker compose config` (`ComposePhaseOptions.engineVersion`).
 * @throws only what `runner` throws (the exec funnel returns a failure as a result)
 */
export async function engineVersion(runner: ImageRunner): Promise<string> {
  return viaEngine(
    runner,
    (engine) =>
      engineVersionApi(engine, 30_000).catch((error: unknown) => {
        if (error instanceof EngineUnavailableError) throw error; // the CLI answers instead
        return 'unknown';
      }),
    async () => {
      const result = await runner(['docker', 'version', '--format', '{{.Server.Version}}'], {
        timeoutMs: 30_000,
      });
      return result.exitCode === 0 ? result.stdout.trim() : 'unknown';
    },
  );
}

/** The services Compose pulls (an image and no build), with their images. */
function pulledServices(model: ResolvedModel): Array<[string, string]> {
  return Object.entries(model.services ?? {})
    .filter(([, s]) => s.build === undefined && typeof s.image === 'string')
    .map(([name, s]) => [name, s.image as string]);
}

/**
 * Pulls what `up --pull <policy>` would pull, then tells what the engine knows about `refs` (the pulled
 * services' images) — with as few `docker image inspect` calls as the policy allows: `missing` inspects
 * once to find what is missing, and that answer is the fingerprint's when nothing is (a pulled image is
 * inspected again, alone); `always` pulls first; `never` only inspects.
 * @throws Error when the pull or docker fails
 */
export async function pullAndInspect(
  o: Pick<ComposePhaseOptions, 'model' | 'pull' | 'runner' | 'pullImages'>,
  refs: readonly string[],
): Promise<Map<string, ImageFacts>> {
  const pulled = pulledServices(o.model);
  if (o.pull === 'never' || pulled.length === 0) return inspectImages(refs, o.runner);
  if (o.pull === 'always') {
    await o.pullImages(pulled.map(([name]) => name));
    return inspectImages(refs, o.runner);
  }
  const facts = await inspectImages(refs, o.runner);
  const missing = pulled.filter(([, image]) => !facts.get(image)?.present);
  if (missing.length === 0) return facts;
  await o.pullImages(missing.map(([name]) => name));
  const fresh = await inspectImages(
    missing.map(([, image]) => image),
    o.runner,
  );
  return new Map([...facts, ...fresh]);
}

/** The lock's digest for each service (`sha256:…` entries only; `local …`/`absent` are not pins). */
function lockedDigests(locked: LockEntry | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(locked?.entries ?? {})) {
    const match = /^services\.(.+)\.digest$/.exec(key);
    if (match && /^sha256:[0-9a-f]{64}$/.test(value)) out[match[1]!] = value;
  }
  return out;
}

/**
 * Runs the phase.
 * @throws LockMismatchError (verify found differences), UserInputError (lock file, lock-files,
 *   require-digests), ToolError/Error (docker)
 */
export async function runComposePhase(o: ComposePhaseOptions): Promise<ComposePhaseResult> {
  if (o.requireDigests) {
    // `:latest` and untagged references are refused before anything is pulled for them.
    const early = Object.entries(o.model.services ?? {}).map(([service, s]) => ({
      service,
      image: s.image ?? '',
      built: s.build !== undefined || !s.image,
      lockedDigest: '',
    }));
    enforceDigests(early, false);
  }
  // docker answers (the version, the pre-pull and its inspect) while the build contexts are hashed.
  const version = o.engineVersion ?? engineVersion(o.runner);
  version.catch(() => {}); // awaited by composeFingerprint
  const fingerprint = await composeFingerprint({
    model: o.model,
    ctx: {
      projectName: o.projectName,
      projectDirectory: o.projectDirectory,
      volatile: o.volatile,
      ...(o.seal ? { seal: o.seal } : {}),
    },
    lockFiles: o.lockFiles,
    root: o.workspace,
    tools: version.then((docker) => ({ compose: o.composeVersion, docker })),
    includeTools: o.includeTools,
    runner: o.runner,
    images: (refs) => pullAndInspect(o, refs),
    ...(o.sourceEnv ? { sourceEnv: o.sourceEnv } : {}),
  });
  const since = sinceLastDeploy(await o.previous, fingerprint);
  const lock = withSince(() => runLockPhase(o.lock, 'compose', fingerprint, o.workspace, o.reportDir), since);
  const digests = lockedDigests(lock.locked);
  const items: ServiceImage[] = fingerprint.services.map((s) => ({
    service: s.service,
    image: s.image,
    built: s.built,
    lockedDigest: digests[s.service] ?? '',
  }));
  if (o.requireDigests) enforceDigests(items);
  return { fingerprint, lock, pins: runtimePins(items), since };
}

/**
 * The fingerprint override (YAML, added after the isolation override): every service gets the deploy
 * record as labels (record.ts), and each pinned service `image: repository@digest` (pure).
 * @param services the model's service names
 * @param record labels from `fingerprintRecord`
 * @param pins service → pinned reference (`runtimePins`)
 */
export function fingerprintOverrideYaml(
  services: readonly string[],
  record: Record<string, string>,
  pins: Record<string, string>,
): string {
  const out = Object.fromEntries(
    services.map((s) => [s, pins[s] ? { image: pins[s], labels: record } : { labels: record }]),
  );
  return stringify({ services: out }, { lineWidth: 0, sortMapEntries: true });
}

/**
 * The drift check after `up`: pulled services must run the image fingerprinted before `up`; built
 * services the image their tag names after `up`.
 * @throws Error when docker fails
 */
export async function checkDrift(
  project: string,
  fingerprint: ComposeFingerprint,
  runner: ImageRunner,
): Promise<Drift[]> {
  const expected: Record<string, string> = {};
  for (const s of fingerprint.services) if (!s.built && s.facts?.id) expected[s.service] = s.facts.id;
  const built = fingerprint.services.filter((s) => s.built);
  const [facts, containers] = await Promise.all([
    inspectImages(
      built.map((s) => s.image),
      runner,
    ),
    readContainers(project, runner),
  ]);
  for (const s of built) {
    const id = facts.get(s.image)?.id;
    if (id) expected[s.service] = id;
  }
  return findDrift(containers, expected);
}
