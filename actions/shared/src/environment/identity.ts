/**
 * The environment identity: one name for the Compose project (and later the Kubernetes namespace), the
 * concurrency key, and the facts behind the labels. Every action and the sweeper derive it here and nowhere
 * else, so a closed-PR teardown in another workflow finds what provision created.
 *
 * Name rules (both must hold, so one name serves Compose and Kubernetes):
 * - Compose project names: lowercase letters, digits, `-` and `_`, starting with a letter or digit
 *   (https://docs.docker.com/compose/how-tos/project-name/).
 * - DNS-1123 labels: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric
 *   (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names).
 */
import { createHash } from 'node:crypto';
import { UserInputError } from '../runtime/errors.js';
import { isDnsLabel, MAX_LABEL_LENGTH } from './names.js';

/** Maximum name length (DNS-1123 label). */
export const MAX_NAME_LENGTH = MAX_LABEL_LENGTH;

/** What the name is derived from. */
export interface IdentitySource {
  /** `owner/repo` (GITHUB_REPOSITORY). */
  repository: string;
  /** The pull request number, or null outside a PR. */
  prNumber: number | null;
  /** The git ref (`refs/heads/main`), used when there is no PR. */
  ref: string;
  /** An explicit name from the `name` input, or '' to derive one. */
  explicitName: string;
}

/** The derived identity. */
export interface EnvironmentIdentity {
  /** Valid as a Compose project name and as a DNS-1123 label; 1–63 characters. */
  name: string;
  /** A key for `concurrency.group`: `ephemeral-<owner/repo>-pr-<n>` (or `-<ref>` / `-<name>`). */
  concurrencyKey: string;
  /** How the name was chosen. */
  source: 'explicit' | 'pull-request' | 'ref';
}

/** True when `name` is a valid environment name (Compose project name and DNS-1123 label). */
export function isValidName(name: string): boolean {
  return isDnsLabel(name);
}

/** Lowercase, runs of anything outside `[a-z0-9]` become one `-`, no leading/trailing `-`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/** `refs/heads/feat/x` → `feat/x`; `refs/tags/v1` → `tag/v1`; `refs/pull/7/merge` → `pull/7/merge`. */
function refName(ref: string): string {
  return ref
    .replace(/^refs\/heads\//, '')
    .replace(/^refs\/tags\//, 'tag/')
    .replace(/^refs\//, '');
}

/**
 * Builds `<repo-slug>-<middle>-<hash>`, shortening the repo slug so the whole fits in 63 characters.
 * The hash covers the unshortened, unsanitized source, so distinct sources stay distinct even when
 * sanitizing or shortening loses characters.
 */
function compose(repoSlug: string, middle: string, hashSource: string): string {
  const suffix = `-${middle}-${shortHash(hashSource)}`;
  const room = MAX_NAME_LENGTH - suffix.length;
  const head = repoSlug.slice(0, Math.max(room, 0)).replace(/-+$/, '') || 'env';
  const name = `${head}${suffix}`;
  // `middle` itself can be long (a branch name): cut it too, keeping the hash.
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = shortHash(hashSource);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * Derives the environment identity.
 *
 * - explicit name: used as given after validation;
 * - pull request: `<repo>-pr-<n>-<hash6>` where the hash covers `owner/repo` and the PR number;
 * - otherwise: `<repo>-<ref>-<hash6>` where the hash covers `owner/repo` and the ref.
 *
 * Deterministic, lowercase, never empty, at most 63 characters.
 * @throws UserInputError when `explicitName` is invalid (the error suggests a valid one), or when there is
 *   neither a PR nor a ref nor an explicit name
 */
export function deriveIdentity(source: IdentitySource): EnvironmentIdentity {
  const repository = source.repository.trim();
  const repoName = repository.split('/').pop() ?? repository;
  const repoSlug = slug(repoName) || 'repo';
  const key = `ephemeral-${repository.toLowerCase()}`;
  const explicit = source.explicitName.trim();
  if (explicit !== '') {
    if (!isValidName(explicit)) {
      const suggestion = slug(explicit).slice(0, MAX_NAME_LENGTH).replace(/-+$/, '') || 'env';
      throw new UserInputError(
        'name',
        `"${explicit}" is not a valid environment name (1-63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit)`,
        `use a name such as "${suggestion}", or leave "name" empty to derive one from the pull request`,
      );
    }
    return { name: explicit, concurrencyKey: `${key}-${explicit}`, source: 'explicit' };
  }
  if (source.prNumber !== null) {
    if (!Number.isSafeInteger(source.prNumber) || source.prNumber < 1) {
      throw new UserInputError(
        'pr-number',
        `${source.prNumber} is not a pull request number`,
        'use a positive integer',
      );
    }
    return {
      name: compose(repoSlug, `pr-${source.prNumber}`, `${repository.toLowerCase()}#${source.prNumber}`),
      concurrencyKey: `${key}-pr-${source.prNumber}`,
      source: 'pull-request',
    };
  }
  const ref = refName(source.ref.trim());
  if (ref === '') {
    throw new UserInputError(
      'name',
      'there is no pull request in the event and no GITHUB_REF to derive an environment name from',
      'run on a pull_request event, pass "pr-number", or set "name" explicitly',
    );
  }
  return {
    name: compose(repoSlug, slug(ref) || 'ref', `${repository.toLowerCase()}@${ref}`),
    concurrencyKey: `${key}-${ref}`,
    source: 'ref',
  };
}
