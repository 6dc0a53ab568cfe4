/**
 * The build-input hash of a service Compose builds: what `docker build` would be given, hashed by content,
 * because a locally built image has no repo digest and gets a new image ID on every build unless the build
 * is reproducible (moby/moby#17670; BuildKit `SOURCE_DATE_EPOCH`, moby/buildkit#2918).
 *
 * Hashed: the Dockerfile (or `dockerfile_inline`), every file of the build context that `.dockerignore`
 * lets through (path, executable bit or symlink target, content: build-context.ts), build args (secret
 * values sealed: secret-seal.ts), target, labels, platforms, additional contexts, and the ids of build
 * secrets and SSH agents (never their values).
 *
 * Two forms, one result: `hashBuildInputs` reads the contexts at the call; `hashBuildInputsAsync` takes
 * them from a `ContextHashing` that `hashBuildContexts` started at the fingerprint's first step (in the
 * background, beside the phase's docker calls).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isSecretName } from '../runtime/secret-text.js';
import { type ContextCache, type ContextDigest, ContextHashing, contextDigest } from './build-context.js';
import { hashContent, hashJson, posixPath, sha256 } from './canonical.js';
import { isRemoteContext, type ModelContext, type ResolvedModel, rewrite } from './compose-model.js';
import { SecretSeal } from './secret-seal.js';

export {
  type ContextCache,
  type ContextFile,
  ContextHashing,
  contextFiles,
  dockerignoreText,
} from './build-context.js';

/** The `build` section of a resolved service (Compose spec build element; the fields read here). */
export interface BuildSection {
  context?: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  platforms?: string[];
  additional_contexts?: Record<string, string>;
  secrets?: Array<{ source?: string; target?: string } | string>;
  ssh?: Array<string | { id?: string }> | Record<string, string>;
}

/** The hash of one build's inputs. */
export interface BuildInputs {
  /** `sha256:<hex>` over everything below. */
  hash: string;
  /** Files hashed from the context(s). */
  files: number;
  /** Bytes read. */
  bytes: number;
  /** Sentences about what could not be hashed by content (a remote context). */
  notes: string[];
}

function secretIds(build: BuildSection): string[] {
  return (build.secrets ?? []).map((s) => (typeof s === 'string' ? s : (s.source ?? s.target ?? ''))).sort();
}

function sshIds(build: BuildSection): string[] {
  const ssh = build.ssh;
  if (!ssh) return [];
  if (Array.isArray(ssh))
    return ssh.map((s) => (typeof s === 'string' ? s.split('=')[0]! : (s.id ?? ''))).sort();
  return Object.keys(ssh).sort();
}

/** Where one build's contexts and Dockerfile are (`config` prints the paths absolute). */
interface BuildPlan {
  context: string;
  dockerfileName: string;
  /** null for `dockerfile_inline` and a remote context (nothing to read). */
  dockerfilePath: string | null;
  additional: Array<[name: string, context: string]>;
}

function planBuild(build: BuildSection, projectDirectory: string): BuildPlan {
  const context = build.context ?? projectDirectory;
  const dockerfileName = build.dockerfile ?? 'Dockerfile';
  const dockerfilePath =
    build.dockerfile_inline !== undefined || isRemoteContext(context)
      ? null
      : isAbsolute(dockerfileName)
        ? dockerfileName
        : resolve(context, dockerfileName);
  return {
    context,
    dockerfileName,
    dockerfilePath,
    additional: Object.entries(build.additional_contexts ?? {}),
  };
}

const mainWhat = (service: string) => `The build context of service "${service}"`;
const extraWhat = (service: string, name: string) => `Additional context "${name}" of service "${service}"`;

/** The build's document and its hash, once its contexts are known (reads the Dockerfile). */
function assemble(
  build: BuildSection,
  ctx: ModelContext,
  plan: BuildPlan,
  main: ContextDigest,
  extras: Array<[name: string, digest: ContextDigest]>,
  notes: string[],
): BuildInputs {
  // Secret values enter sealed (secret-seal.ts): secret-named args whole, known secrets and URL passwords.
  const seal = ctx.seal ?? new SecretSeal('');
  let files = main.files;
  let bytes = main.bytes;
  const additional: Record<string, string> = {};
  for (const [name, extra] of extras) {
    additional[name] = extra.digest;
    files += extra.files;
    bytes += extra.bytes;
  }
  let dockerfile: Record<string, string>;
  if (build.dockerfile_inline !== undefined)
    dockerfile = { inline: sha256(seal.sealText(build.dockerfile_inline)) };
  else if (plan.dockerfilePath) {
    const content = readFileSync(plan.dockerfilePath);
    bytes += content.length;
    dockerfile = { name: posixPath(plan.dockerfileName), sha256: hashContent(content) };
  } else dockerfile = { name: posixPath(plan.dockerfileName) };
  const args: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(build.args ?? {}))
    args[key] = value === null ? null : isSecretName(key) ? seal.seal(value) : seal.sealText(value);
  const document = {
    context: main.digest,
    dockerfile,
    args: rewrite(args, ctx),
    target: build.target ?? '',
    labels: seal.sealValue(rewrite(build.labels ?? {}, ctx)),
    platforms: [...(build.platforms ?? [])].sort(),
    additional_contexts: additional,
    secrets: secretIds(build),
    ssh: sshIds(build),
  };
  return { hash: hashJson(document), files, bytes, notes };
}

/**
 * Hashes one service's build inputs, reading its contexts now.
 * @param service the service name, for notes and errors
 * @param build the resolved `build` section (paths absolute, as `config` prints them)
 * @param ctx the model context: args are rewritten like the model (`{{sha}}`), paths made relative
 * @param cache context digests computed so far in this fingerprint (a context two services share is read
 *   once; its files and bytes are counted once)
 * @throws Error (ENOENT) when the context directory or the Dockerfile does not exist
 */
export function hashBuildInputs(
  service: string,
  build: BuildSection,
  ctx: ModelContext,
  cache: ContextCache = new Map(),
): BuildInputs {
  const notes: string[] = [];
  const plan = planBuild(build, ctx.projectDirectory);
  const main = contextDigest(plan.context, plan.dockerfilePath, notes, mainWhat(service), cache);
  const extras = plan.additional.map(
    ([name, value]) =>
      [name, contextDigest(value, null, notes, extraWhat(service, name), cache)] as [string, ContextDigest],
  );
  return assemble(build, ctx, plan, main, extras, notes);
}

/**
 * `hashBuildInputs` with the contexts from `hashing` (started there if they were not): the same hash,
 * notes and counts when called for the services in the same order.
 * @throws Error (ENOENT) when the context directory or the Dockerfile does not exist (the main context's
 *   error first, as `hashBuildInputs`)
 */
export async function hashBuildInputsAsync(
  service: string,
  build: BuildSection,
  ctx: ModelContext,
  hashing: ContextHashing,
): Promise<BuildInputs> {
  const notes: string[] = [];
  const plan = planBuild(build, ctx.projectDirectory);
  const main = hashing.digest(plan.context, plan.dockerfilePath, notes, mainWhat(service));
  const pending = plan.additional.map(
    ([name, value]) => [name, hashing.digest(value, null, notes, extraWhat(service, name))] as const,
  );
  // Awaited in order below (the main context's error first); none rejects unhandled meanwhile.
  for (const p of [main, ...pending.map(([, p]) => p)]) p.catch(() => {});
  const mainDigest = await main;
  const extras: Array<[string, ContextDigest]> = [];
  for (const [name, p] of pending) extras.push([name, await p]);
  return assemble(build, ctx, plan, mainDigest, extras, notes);
}

/** A service's `build` as a section (`build: ./api` is `{ context: ./api }`). */
export function buildSection(build: Record<string, unknown> | string): BuildSection {
  return typeof build === 'string' ? { context: build } : (build as BuildSection);
}

/**
 * Starts hashing the contexts (main and additional) of every service `model` builds, in the background:
 * the fingerprint reads them with `hashBuildInputsAsync`. Nothing is thrown here; a context that cannot be
 * read fails when it is read.
 * @param projectDirectory the context of a `build` without one
 * @param hashing where the digests go (default a new one); its owner `stop`s it when the phase ends
 */
export function hashBuildContexts(
  model: ResolvedModel,
  projectDirectory: string,
  hashing: ContextHashing = new ContextHashing(),
): ContextHashing {
  for (const service of Object.values(model.services ?? {})) {
    if (service.build === undefined) continue;
    const plan = planBuild(buildSection(service.build), projectDirectory);
    hashing.start(plan.context, plan.dockerfilePath);
    for (const [, value] of plan.additional) hashing.start(value, null);
  }
  return hashing;
}
