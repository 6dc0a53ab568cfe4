/**
 * The build-input hash of a service Compose builds: what `docker build` would be given, hashed by content,
 * because a locally built image has no repo digest and gets a new image ID on every build unless the build
 * is reproducible (moby/moby#17670; BuildKit `SOURCE_DATE_EPOCH`, moby/buildkit#2918).
 *
 * Hashed: the Dockerfile (or `dockerfile_inline`), every file of the build context that `.dockerignore`
 * lets through (path, executable bit or symlink target, content), build args (secret values sealed:
 * secret-seal.ts), target, labels, platforms, additional contexts, and the ids of build secrets and SSH
 * agents (never their values).
 *
 * `.dockerignore` matching is Docker's own (a pattern matches from the context root, `*` does not cross
 * `/`, a later `!pattern` re-includes), through `@balena/dockerignore`, a port of moby's matcher. A
 * Dockerfile-specific `<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's, as
 * BuildKit does (https://docs.docker.com/build/concepts/context/#filename-and-location).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import dockerignore, { type Ignore } from '@balena/dockerignore';
import { isSecretName } from '../runtime/secret-text.js';
import { hashContent, hashJson, posixPath, sha256 } from './canonical.js';
import { isRemoteContext, type ModelContext, rewrite } from './compose-model.js';
import { SecretSeal } from './secret-seal.js';

// The package is CommonJS (`module.exports = factory`) with ESM-style typings: take whichever is callable.
const ignore = ((dockerignore as unknown as { default?: unknown }).default ??
  dockerignore) as unknown as () => Ignore;

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

/** One file of a build context: POSIX path relative to the context, kind, content hash. */
export interface ContextFile {
  path: string;
  /** `f` plain file, `x` executable file, `l` symlink (hash of the link target). */
  kind: 'f' | 'x' | 'l';
  sha256: string;
  bytes: number;
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

/** The ignore patterns that apply to `context` for `dockerfilePath` ('' when there is no file). */
export function dockerignoreText(context: string, dockerfilePath: string | null): string {
  const specific = dockerfilePath ? `${dockerfilePath}.dockerignore` : '';
  if (specific && existsSync(specific)) return readFileSync(specific, 'utf8');
  const shared = join(context, '.dockerignore');
  return existsSync(shared) ? readFileSync(shared, 'utf8') : '';
}

/**
 * The files of a local build context after `.dockerignore`, sorted by path (bytewise).
 * Directories that are ignored are not walked when no `!` pattern could bring something back, as Docker
 * itself does.
 * @param ignoreText the `.dockerignore` content
 */
export function contextFiles(context: string, ignoreText: string): ContextFile[] {
  const matcher = ignore().add(ignoreText);
  const patterns = ignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const canReinclude = patterns.some((p) => p.startsWith('!'));
  // Docker anchors patterns at the context root and `*` never crosses `/`: without `**` and `!`, a pattern
  // of k segments can only match a path of k segments (deeper paths through their ignored parent, which
  // is never walked). Files deeper than every pattern then need no matching at all.
  const maxDepth =
    canReinclude || patterns.some((p) => p.includes('**'))
      ? Number.POSITIVE_INFINITY
      : Math.max(0, ...patterns.map((p) => p.split('/').filter((s) => s !== '' && s !== '.').length));
  const files: ContextFile[] = [];
  const walk = (dir: string, prefix: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      const check = depth <= maxDepth;
      if (entry.isDirectory()) {
        if (check && !canReinclude && matcher.ignores(rel)) continue;
        walk(full, rel, depth + 1);
        continue;
      }
      if (check && matcher.ignores(rel)) continue;
      if (entry.isSymbolicLink()) {
        const target = readlinkSync(full);
        files.push({ path: rel, kind: 'l', sha256: sha256(posixPath(target)), bytes: 0 });
      } else if (entry.isFile()) {
        const bytes = readFileSync(full);
        const executable = (lstatSync(full).mode & 0o111) !== 0;
        files.push({
          path: rel,
          kind: executable ? 'x' : 'f',
          sha256: hashContent(bytes),
          bytes: bytes.length,
        });
      }
    }
  };
  walk(context, '', 1);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

/** Context digests already computed in one fingerprint (services sharing a context are hashed once). */
export type ContextCache = Map<string, { digest: string; files: number; bytes: number }>;

/** A context (main or additional) by content, or by its text when it is remote or an image. */
function contextDigest(
  context: string,
  dockerfilePath: string | null,
  notes: string[],
  what: string,
  cache: ContextCache,
): { digest: string; files: number; bytes: number } {
  if (isRemoteContext(context) || context.startsWith('docker-image://') || context.startsWith('target:')) {
    if (isRemoteContext(context))
      notes.push(`${what} is remote (${context}): only its address is hashed, not its content.`);
    return { digest: sha256(context), files: 0, bytes: 0 };
  }
  const ignoreText = dockerignoreText(context, dockerfilePath);
  const key = `${context}\0${ignoreText}`;
  const known = cache.get(key);
  if (known) return { digest: known.digest, files: 0, bytes: 0 };
  const files = contextFiles(context, ignoreText);
  const result = {
    digest: hashJson(files.map((f) => [f.path, f.kind, f.sha256])),
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
  cache.set(key, result);
  return result;
}

/**
 * Hashes one service's build inputs.
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
  // Secret values enter sealed (secret-seal.ts): secret-named args whole, known secrets and URL passwords.
  const seal = ctx.seal ?? new SecretSeal('');
  const context = build.context ?? ctx.projectDirectory;
  const remote = isRemoteContext(context);
  const dockerfileName = build.dockerfile ?? 'Dockerfile';
  const dockerfilePath =
    build.dockerfile_inline !== undefined || remote
      ? null
      : isAbsolute(dockerfileName)
        ? dockerfileName
        : resolve(context, dockerfileName);
  const main = contextDigest(
    context,
    dockerfilePath,
    notes,
    `The build context of service "${service}"`,
    cache,
  );
  let files = main.files;
  let bytes = main.bytes;
  const additional: Record<string, string> = {};
  for (const [name, value] of Object.entries(build.additional_contexts ?? {})) {
    const extra = contextDigest(
      value,
      null,
      notes,
      `Additional context "${name}" of service "${service}"`,
      cache,
    );
    additional[name] = extra.digest;
    files += extra.files;
    bytes += extra.bytes;
  }
  let dockerfile: Record<string, string>;
  if (build.dockerfile_inline !== undefined)
    dockerfile = { inline: sha256(seal.sealText(build.dockerfile_inline)) };
  else if (dockerfilePath) {
    const content = readFileSync(dockerfilePath);
    bytes += content.length;
    dockerfile = { name: posixPath(dockerfileName), sha256: hashContent(content) };
  } else dockerfile = { name: posixPath(dockerfileName) };
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
