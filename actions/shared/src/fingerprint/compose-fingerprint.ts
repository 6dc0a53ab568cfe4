/**
 * The fingerprint of a Compose project: the model's entries (compose-model.ts), per service the image
 * reference as written plus its repo digest (pulled) or its build-input hash (built), the declared lock
 * files, and the tool versions (shown; hashed only when `includeTools`).
 */

import { buildSection, ContextHashing, hashBuildContexts, hashBuildInputsAsync } from './build-inputs.js';
import { FINGERPRINT_SCHEMA, type Fingerprint, fingerprintOf, sortEntries } from './canonical.js';
import { composeEntries, type ModelContext, type ResolvedModel } from './compose-model.js';
import { sourceEntries, sourceVariables } from './compose-sources.js';
import { type ImageFacts, type ImageRunner, inspectImages } from './images.js';
import { lockFileEntries } from './lock-files.js';
import { SecretSeal } from './secret-seal.js';

/** What the Compose fingerprint takes. */
export interface ComposeFingerprintInput {
  /** The model resolved from the user's files alone (no generated override). */
  model: ResolvedModel;
  ctx: ModelContext;
  /** `lock-files` globs, relative to `root`. */
  lockFiles: readonly string[];
  /** The workspace the globs are relative to. */
  root: string;
  /** Tool versions to show (`docker`, `compose`); a promise is awaited after the hashing. */
  tools: Record<string, string> | Promise<Record<string, string>>;
  /** Hash the tool versions too (`fingerprint-tools: true`). */
  includeTools: boolean;
  runner: ImageRunner;
  /**
   * What the engine knows about the pulled services' images, asked while the build contexts are hashed;
   * default one `docker image inspect` through `runner`. The Compose phase passes its pre-pull here, so
   * the inspect it makes to find missing images is also the fingerprint's (compose-phase.ts).
   */
  images?: (refs: readonly string[]) => Promise<Map<string, ImageFacts>>;
  /**
   * The values of the variables that `environment:` configs and secrets read, as Compose resolves them
   * (compose-sources.ts); called only when there are such sources. Default: this process's environment.
   */
  sourceEnv?: (names: readonly string[]) => Promise<Record<string, string>>;
  /**
   * The build contexts' hashing, when the caller started it before (`hashBuildContexts`); the caller owns
   * it and stops it. Default: a new one, stopped when the fingerprint is done or has failed. Either way
   * every context of the model is started first thing.
   */
  contexts?: ContextHashing;
}

/** One service's image as fingerprinted. */
export interface ServiceImageFacts {
  service: string;
  /** The reference Compose runs: as written, or `<project>-<service>` for a built service without one. */
  image: string;
  built: boolean;
  /** What the engine knew before `up` (null for built services: their image is made by `up`). */
  facts: ImageFacts | null;
}

/** The Compose fingerprint plus what the post-`up` checks need. */
export interface ComposeFingerprint extends Fingerprint {
  services: ServiceImageFacts[];
  /** Files and bytes read from build contexts. */
  build: { files: number; bytes: number };
}

/** `services.<s>.digest`: the repo digest, the local image ID when there is none, or `absent`. */
export function digestEntry(facts: ImageFacts | undefined): string {
  if (!facts?.present) return 'absent';
  if (facts.repoDigest) return facts.repoDigest;
  return `local ${facts.id}`;
}

/** The variables `names` from this process's environment (set ones only). */
async function processEnv(names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) if (process.env[name] !== undefined) out[name] = process.env[name]!;
  return out;
}

/**
 * Computes the fingerprint. The build contexts are hashed in the background from the first step
 * (build-context.ts: slices of this thread with turns of the event loop between them), beside the configs'
 * variables (`sourceEnv`) and the image inspect, and read in service order: the same entries, notes and
 * counts as reading them one after the other.
 * @throws UserInputError (lock-files) for a pattern matching nothing, (compose-files) for a config or secret
 *   whose file does not exist or whose variable is not set; Error when docker or a build context cannot be
 *   read
 */
export async function composeFingerprint(input: ComposeFingerprintInput): Promise<ComposeFingerprint> {
  const contexts = input.contexts ?? new ContextHashing();
  try {
    hashBuildContexts(input.model, input.ctx.projectDirectory, contexts);
    return await assembleFingerprint(input, contexts);
  } finally {
    if (!input.contexts) contexts.stop(); // a failed fingerprint leaves no walk running
  }
}

async function assembleFingerprint(
  input: ComposeFingerprintInput,
  hashing: ContextHashing,
): Promise<ComposeFingerprint> {
  const { model } = input;
  // One seal for the whole fingerprint, so its note counts every secret value once (secret-seal.ts).
  const seal = input.ctx.seal ?? new SecretSeal('');
  const ctx: ModelContext = { ...input.ctx, seal };
  // Configs and secrets first: a secret's content is then sealed wherever the model holds it too.
  const names = sourceVariables(model);
  const env = names.length === 0 ? {} : await (input.sourceEnv ?? processEnv)(names);
  const sources = sourceEntries(model, ctx, env);
  const entries = { ...composeEntries(model, ctx), ...sources };
  const notes: string[] = [];
  const services: ServiceImageFacts[] = [];
  const build = { files: 0, bytes: 0 };
  const pulled = Object.values(model.services ?? {})
    .filter((s) => s.build === undefined && typeof s.image === 'string')
    .map((s) => s.image as string);
  // docker answers while the build contexts are hashed.
  const inspected = input.images ? input.images(pulled) : inspectImages(pulled, input.runner);
  inspected.catch(() => {}); // awaited below; no unhandled rejection while hashing
  for (const [name, service] of Object.entries(model.services ?? {})) {
    const built = service.build !== undefined;
    const image = service.image ?? `${ctx.projectName}-${name}`;
    services.push({ service: name, image, built, facts: null });
    if (!built) continue;
    const inputs = await hashBuildInputsAsync(name, buildSection(service.build!), ctx, hashing);
    entries[`services.${name}.build`] = inputs.hash;
    notes.push(...inputs.notes);
    build.files += inputs.files;
    build.bytes += inputs.bytes;
  }
  const facts = await inspected;
  for (const item of services) {
    if (item.built) continue;
    item.facts = facts.get(item.image) ?? null;
    entries[`services.${item.service}.digest`] = digestEntry(item.facts ?? undefined);
  }
  Object.assign(entries, lockFileEntries(input.lockFiles, input.root));
  const sealed = seal.note();
  if (sealed) notes.push(sealed);
  const tools = await input.tools;
  if (input.includeTools)
    for (const [tool, version] of Object.entries(tools)) entries[`tools.${tool}`] = version;
  const document = { schema: FINGERPRINT_SCHEMA, kind: 'compose' as const, entries: sortEntries(entries) };
  return { value: fingerprintOf(document), document, tools: { ...tools }, notes, services, build };
}
