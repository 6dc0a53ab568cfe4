/**
 * The files of a local build context, as `docker build` would be sent them, each hashed by content: the
 * walk behind a built service's build-input hash (build-inputs.ts) and a config folder's file list
 * (compose-sources.ts).
 *
 * `.dockerignore` matching is Docker's own (a pattern matches from the context root, `*` does not cross
 * `/`, a later `!pattern` re-includes), through `@balena/dockerignore`, a port of moby's matcher. A
 * Dockerfile-specific `<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's, as
 * BuildKit does (https://docs.docker.com/build/concepts/context/#filename-and-location).
 *
 * One walk, two ways to run it: `contextFiles` runs it to the end at once (synchronous), and
 * `contextFilesAsync` runs the same steps in slices of a few ms of this thread, giving the event loop a turn
 * between slices, so that a walk started early (the Compose fingerprint starts every context at its first
 * step: `ContextHashing`) lets the phase's other work and docker calls start and answer meanwhile. The
 * slices read synchronously on purpose: on examples/compose-app/api (2,792 files, 7.7 MB) a walk through
 * fs/promises or fs callbacks with 16–64 reads in flight took 3 to 5 times as long as the synchronous one
 * on 2 cores (Node's thread-pool hand-off per read outweighs what reading in parallel gains;
 * docs/lock-file.md, "What it costs"). A file is read through one descriptor (open, fstat, read, close),
 * one call fewer than `readFileSync` and `lstatSync`.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
} from 'node:fs';
import { join } from 'node:path';
import dockerignore, { type Ignore } from '@balena/dockerignore';
import { hashContent, hashJson, posixPath, sha256 } from './canonical.js';
import { isRemoteContext } from './compose-model.js';

// The package is CommonJS (`module.exports = factory`) with ESM-style typings: take whichever is callable.
const ignore = ((dockerignore as unknown as { default?: unknown }).default ??
  dockerignore) as unknown as () => Ignore;

/** One file of a build context: POSIX path relative to the context, kind, content hash. */
export interface ContextFile {
  path: string;
  /** `f` plain file, `x` executable file, `l` symlink (hash of the link target). */
  kind: 'f' | 'x' | 'l';
  sha256: string;
  bytes: number;
}

/** A context by content: `sha256:` over its sorted (path, kind, sha256) list, with the files and bytes read. */
export interface ContextDigest {
  digest: string;
  files: number;
  bytes: number;
}

/** The ignore patterns that apply to `context` for `dockerfilePath` ('' when there is no file). */
export function dockerignoreText(context: string, dockerfilePath: string | null): string {
  const specific = dockerfilePath ? `${dockerfilePath}.dockerignore` : '';
  if (specific && existsSync(specific)) return readFileSync(specific, 'utf8');
  const shared = join(context, '.dockerignore');
  return existsSync(shared) ? readFileSync(shared, 'utf8') : '';
}

/** A regular file's bytes and mode, from one open file (its `fstat` is the `lstat` of a non-link). */
function readWithMode(path: string): { bytes: Buffer; mode: number } {
  const fd = openSync(path, 'r');
  try {
    const { size, mode } = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: read < size ? bytes.subarray(0, read) : bytes, mode };
  } finally {
    closeSync(fd);
  }
}

/**
 * The walk, one step per directory listed and per file read (each `yield` is a point where an
 * asynchronous run may give the event loop a turn); returns the files, sorted by path (bytewise).
 * Directories that are ignored are not walked when no `!` pattern could bring something back, as Docker
 * itself does.
 */
function* walkContext(context: string, ignoreText: string): Generator<void, ContextFile[]> {
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
  function* walk(dir: string, prefix: string, depth: number): Generator<void, void> {
    const entries = readdirSync(dir, { withFileTypes: true });
    yield;
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      const check = depth <= maxDepth;
      if (entry.isDirectory()) {
        if (check && !canReinclude && matcher.ignores(rel)) continue;
        yield* walk(full, rel, depth + 1);
        continue;
      }
      if (check && matcher.ignores(rel)) continue;
      if (entry.isSymbolicLink()) {
        const target = readlinkSync(full);
        files.push({ path: rel, kind: 'l', sha256: sha256(posixPath(target)), bytes: 0 });
      } else if (entry.isFile()) {
        const { bytes, mode } = readWithMode(full);
        const executable = (mode & 0o111) !== 0;
        files.push({
          path: rel,
          kind: executable ? 'x' : 'f',
          sha256: hashContent(bytes),
          bytes: bytes.length,
        });
        yield;
      }
    }
  }
  yield* walk(context, '', 1);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The files of a local build context after `.dockerignore`, sorted by path (bytewise), read at once.
 * @param ignoreText the `.dockerignore` content
 * @throws Error (ENOENT, EACCES) when the context or one of its files cannot be read
 */
export function contextFiles(context: string, ignoreText: string): ContextFile[] {
  const steps = walkContext(context, ignoreText);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** How `contextFilesAsync` shares the thread. */
export interface SliceOptions {
  /** The longest run of work between two turns of the event loop, in ms (default 4). */
  sliceMs?: number;
  /** Stops the walk at its next slice; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One turn of the event loop: I/O callbacks (a child process's exit, its output) run before it resolves. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `contextFiles`, the same files in the same order, walked in slices of about `sliceMs` of this thread with
 * a turn of the event loop between them.
 * @throws Error (ENOENT, EACCES) as `contextFiles`; the signal's reason once it is aborted
 */
export async function contextFilesAsync(
  context: string,
  ignoreText: string,
  options: SliceOptions = {},
): Promise<ContextFile[]> {
  const sliceMs = options.sliceMs ?? 4;
  const steps = walkContext(context, ignoreText);
  for (;;) {
    await turn();
    options.signal?.throwIfAborted();
    const end = performance.now() + sliceMs;
    do {
      const step = steps.next();
      if (step.done) return step.value;
    } while (performance.now() < end);
  }
}

/** The digest of a context's files (`contextFiles`), with the files and bytes they count (pure). */
export function digestOf(files: readonly ContextFile[]): ContextDigest {
  return {
    digest: hashJson(files.map((f) => [f.path, f.kind, f.sha256])),
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
}

/** Context digests already computed in one fingerprint (services sharing a context are hashed once). */
export type ContextCache = Map<string, ContextDigest>;

/** A context named by its address (remote, `docker-image://`, `target:`): hashed as that text. */
function byAddress(context: string, notes: string[], what: string): ContextDigest | null {
  if (!isRemoteContext(context) && !context.startsWith('docker-image://') && !context.startsWith('target:'))
    return null;
  if (isRemoteContext(context))
    notes.push(`${what} is remote (${context}): only its address is hashed, not its content.`);
  return { digest: sha256(context), files: 0, bytes: 0 };
}

/**
 * A context (main or additional) by content, or by its text when it is remote or an image; read now.
 * A context already in `cache` (same folder, same ignore rules) counts no files and bytes again.
 * @param what the context's name in a note ("The build context of service "api"")
 * @throws Error (ENOENT) when the folder does not exist
 */
export function contextDigest(
  context: string,
  dockerfilePath: string | null,
  notes: string[],
  what: string,
  cache: ContextCache,
): ContextDigest {
  const address = byAddress(context, notes, what);
  if (address) return address;
  const ignoreText = dockerignoreText(context, dockerfilePath);
  const key = `${context}\0${ignoreText}`;
  const known = cache.get(key);
  if (known) return { digest: known.digest, files: 0, bytes: 0 };
  const result = digestOf(contextFiles(context, ignoreText));
  cache.set(key, result);
  return result;
}

/**
 * The build contexts of one fingerprint, hashed in the background (`contextFilesAsync`) from the moment
 * they are known, and read by `digest` when the fingerprint needs them; `contextDigest`'s results, the
 * same digests and counts.
 */
export class ContextHashing {
  private readonly running = new Map<string, Promise<ContextDigest>>();
  private readonly claimed = new Set<string>();
  private readonly abort = new AbortController();

  /** The contexts hashed or being hashed, as `<folder>\0<ignore rules>` keys. */
  get started(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Starts hashing a local context unless it is already (an address is not read: nothing to start). Never
   * throws: an ignore file that cannot be read is read again, and its error thrown, by `digest`, where the
   * synchronous path throws it.
   */
  start(context: string, dockerfilePath: string | null): void {
    if (byAddress(context, [], '')) return;
    let ignoreText: string;
    try {
      ignoreText = dockerignoreText(context, dockerfilePath);
    } catch {
      return;
    }
    this.hashing(context, ignoreText);
  }

  private hashing(context: string, ignoreText: string): { key: string; pending: Promise<ContextDigest> } {
    const key = `${context}\0${ignoreText}`;
    let pending = this.running.get(key);
    if (!pending) {
      pending = contextFilesAsync(context, ignoreText, { signal: this.abort.signal }).then(digestOf);
      pending.catch(() => {}); // awaited by `digest`; a context nobody reads never rejects unhandled
      this.running.set(key, pending);
    }
    return { key, pending };
  }

  /**
   * `contextDigest` from the background hashing (started now if it was not): the first call for a context
   * counts its files and bytes, later ones none. The claim and any note are made at the call, so calls in
   * the order of the synchronous path give its notes and counts.
   * @throws Error (ENOENT) when the folder does not exist; the abort reason after `stop`
   */
  async digest(
    context: string,
    dockerfilePath: string | null,
    notes: string[],
    what: string,
  ): Promise<ContextDigest> {
    // No await before the claim: it is made when called (an async function runs up to its first await).
    const address = byAddress(context, notes, what);
    if (address) return address;
    const { key, pending } = this.hashing(context, dockerignoreText(context, dockerfilePath));
    const first = !this.claimed.has(key);
    this.claimed.add(key);
    const digest = await pending;
    return first ? digest : { digest: digest.digest, files: 0, bytes: 0 };
  }

  /** Stops every walk still running (a failed phase leaves nothing hashing behind it); idempotent. */
  stop(): void {
    this.abort.abort(new Error('build context hashing stopped'));
  }
}
