/**
 * Image references and what the engine knows about them: the image ID and, for a pulled image, its repo
 * digest. References are parsed and normalised with `@swimlane/docker-reference` (a port of
 * distribution/reference), so `postgres`, `docker.io/library/postgres` and `postgres@sha256:…` in
 * `RepoDigests` name one repository.
 *
 * A pulled image has `RepoDigests`; a locally built or `docker load`ed one has none on the classic image
 * store (moby/moby#17670); the containerd store gives every tag one (moby/moby#48747).
 */
import { parseFamiliarName } from '@swimlane/docker-reference';
import { viaEngine } from '../compose/engine.js';
import { inspectImagesApi } from '../compose/engine-reads.js';
import type { RunOptions, RunResult } from '../exec/cli.js';

/** Runs an argv through the exec funnel (injected; `run` from cli.ts in production). */
export type ImageRunner = (argv: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** A parsed reference. */
export interface ImageRef {
  /** As written. */
  raw: string;
  /** `docker.io/library/postgres`, `127.0.0.1:5000/app`. */
  repository: string;
  /** The tag, or '' when none is written (Docker then uses `latest`). */
  tag: string;
  /** `sha256:<hex>` when the reference pins one, else ''. */
  digest: string;
}

/** What the engine knows about one reference. */
export interface ImageFacts {
  ref: ImageRef;
  /** False when the engine has no such image. */
  present: boolean;
  /** The image ID (`sha256:<hex>` of its config), or null when absent. */
  id: string | null;
  /** The repo digest for this reference's repository (`sha256:<hex>`), or null (built, loaded, absent). */
  repoDigest: string | null;
}

/**
 * Parses an image reference.
 * @throws Error naming the reference when it is not a valid one
 */
export function parseImageRef(raw: string): ImageRef {
  let parsed: ReturnType<typeof parseFamiliarName>;
  try {
    parsed = parseFamiliarName(raw);
  } catch (error) {
    throw new Error(
      `"${raw}" is not a valid image reference (${error instanceof Error ? error.message : error})`,
    );
  }
  return {
    raw,
    repository: `${parsed.domain}/${parsed.repository}`,
    tag: parsed.tag ?? '',
    digest: parsed.digest ?? '',
  };
}

/** The digest among `repoDigests` (`name@sha256:…` items) whose repository is `ref`'s, or null. */
export function pickRepoDigest(ref: ImageRef, repoDigests: readonly string[]): string | null {
  for (const item of repoDigests) {
    try {
      const parsed = parseImageRef(item);
      if (parsed.repository === ref.repository && parsed.digest) return parsed.digest;
    } catch {
      // an unparsable entry cannot be ours
    }
  }
  return null;
}

/** `repository@digest` in the familiar form Docker accepts (`postgres@sha256:…`, `127.0.0.1:5000/app@sha256:…`). */
export function pinnedRef(ref: ImageRef, digest: string): string {
  const familiar = ref.repository.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
  return `${familiar}@${digest}`;
}

/** True when docker's stderr says `ref` does not exist. */
function missingIn(stderr: string, ref: string): boolean {
  const escaped = ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`no such image: ${escaped}(: |\\s|$)`, 'im').test(stderr);
}

interface Inspected {
  Id: string;
  RepoDigests: string[] | null;
}

/** The `--format` of `docker image inspect`: one line per image found, `{"Id":…,"RepoDigests":[…]}`. */
export const INSPECT_FORMAT = '{"Id":{{json .Id}},"RepoDigests":{{json .RepoDigests}}}';

/**
 * Inspects every reference with one `docker image inspect` (or, where the socket is the CLI's, one Engine
 * API read per reference, all at once: compose/engine.ts); a missing image is `present: false`, not an
 * error.
 * @throws Error when docker fails for another reason than missing images
 */
export async function inspectImages(
  refs: readonly string[],
  runner: ImageRunner,
): Promise<Map<string, ImageFacts>> {
  const unique = [...new Set(refs)];
  const facts = new Map<string, ImageFacts>();
  if (unique.length === 0) return facts;
  const inspected = await viaEngine(
    runner,
    (engine) => inspectImagesApi(engine, unique),
    () => inspectImagesCli(unique, runner),
  );
  for (const raw of unique) {
    const ref = parseImageRef(raw);
    const item = inspected.get(raw) ?? undefined;
    facts.set(raw, {
      ref,
      present: item !== undefined,
      id: item ? item.Id : null,
      repoDigest: item ? ref.digest || pickRepoDigest(ref, item.RepoDigests ?? []) : null,
    });
  }
  return facts;
}

/** `docker image inspect` of `unique` references: each one's facts, or null when it is missing. */
async function inspectImagesCli(
  unique: readonly string[],
  runner: ImageRunner,
): Promise<Map<string, Inspected | null>> {
  const result = await runner(['docker', 'image', 'inspect', '--format', INSPECT_FORMAT, '--', ...unique], {
    timeoutMs: 60_000,
  });
  const missing = new Set<string>();
  if (result.exitCode !== 0) {
    // Docker 20.10: `Error response from daemon: no such image: x:1: No such image: x:1`; older: `Error: No such image: x:1`.
    for (const ref of unique) if (missingIn(result.stderr, ref)) missing.add(ref);
    if (missing.size === 0)
      throw new Error(
        `docker image inspect failed: ${result.spawnError ?? result.stderr.trim().slice(-500)}`,
      );
  }
  const items = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Inspected);
  const found = unique.filter((ref) => !missing.has(ref));
  if (found.length !== items.length)
    throw new Error(`docker image inspect answered ${items.length} images for ${found.length} references`);
  return new Map(unique.map((ref) => [ref, missing.has(ref) ? null : items[found.indexOf(ref)]!]));
}
