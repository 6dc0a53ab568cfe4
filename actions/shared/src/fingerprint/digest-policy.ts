/**
 * The digest policy (`require-digests: true`) and the run-time pins.
 *
 * A reference is mutable when it can point at other content tomorrow: `:latest`, no tag (Docker reads it
 * as `:latest`), or a tag that neither the reference (`name:tag@sha256:…`) nor the lock file pins to a
 * digest. Built services are identified by their build inputs instead and are not subject to the policy.
 */
import { UserInputError } from '../runtime/errors.js';
import { parseImageRef, pinnedRef } from './images.js';

/** One service's image as the policy sees it. */
export interface ServiceImage {
  service: string;
  /** The image reference as written. */
  image: string;
  /** True when Compose builds the image (`build:`). */
  built: boolean;
  /** The digest the lock file holds for the service (`sha256:<hex>`), or ''. */
  lockedDigest: string;
}

/**
 * Why a service's reference is mutable, or null when it is not (pure).
 * @param lockKnown false for the early check before the lock is read: only `:latest` and untagged
 *   references are refused then (so nothing is pulled for them first)
 */
export function mutableReason(item: ServiceImage, lockKnown = true): string | null {
  if (item.built) return null;
  const ref = parseImageRef(item.image);
  if (ref.digest) return null;
  if (ref.tag === '') return `${item.image} has no tag (Docker uses :latest)`;
  if (ref.tag === 'latest') return `${item.image} uses :latest`;
  if (lockKnown && !item.lockedDigest) return `${item.image} is a tag without a digest in the lock file`;
  return null;
}

/**
 * Refuses mutable references, listing every offending service.
 * @param lockKnown see `mutableReason`
 * @param input the input name for the error (`require-digests`)
 * @throws UserInputError naming the services and the fix
 */
export function enforceDigests(
  items: readonly ServiceImage[],
  lockKnown = true,
  input = 'require-digests',
): void {
  const offending = items
    .map((item) => ({ item, reason: mutableReason(item, lockKnown) }))
    .filter((x): x is { item: ServiceImage; reason: string } => x.reason !== null);
  if (offending.length === 0) return;
  throw new UserInputError(
    input,
    `mutable image references in service(s) ${offending.map((o) => `"${o.item.service}" (${o.reason})`).join(', ')}`,
    'pin each image by digest (image: name:tag@sha256:…), or use a versioned tag and record its digest with lock: update, then commit ephemeral.lock.json',
  );
}

/**
 * The `image:` pins for the generated override: `service → repository@digest` for every pulled service
 * whose lock entry has a digest and whose reference does not already carry one (pure).
 */
export function runtimePins(items: readonly ServiceImage[]): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const item of items) {
    if (item.built || !item.lockedDigest) continue;
    const ref = parseImageRef(item.image);
    if (ref.digest) continue;
    pins[item.service] = pinnedRef(ref, item.lockedDigest);
  }
  return pins;
}
