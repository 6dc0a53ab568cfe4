/**
 * YAML for generated Compose overrides, with Compose's merge tags: `!override` (replace a sequence instead of
 * appending to it) and `!reset` (remove an attribute), both Compose ≥ 2.24.4
 * (https://docs.docker.com/reference/compose-file/merge/#replace-value,
 * https://docs.docker.com/reference/compose-file/merge/#reset-value). Written with the `yaml` library.
 */
import { Document } from 'yaml';

/** A sequence written as `!override [...]`. */
export class Override {
  constructor(readonly items: unknown[]) {}
}

/** A value written as `!reset null`: the attribute is removed from the merged model. */
export class Reset {}

/** Minimum Compose version for `!override` and `!reset`. */
export const MERGE_TAGS_MIN_COMPOSE = '2.24.4';

type Path = Array<string | number>;

/** Replaces the tag markers by plain values and records where each tag goes (pure). */
function untag(value: unknown, path: Path, tags: Array<{ path: Path; tag: string }>): unknown {
  if (value instanceof Override) {
    tags.push({ path, tag: '!override' });
    return value.items.map((item, i) => untag(item, [...path, i], tags));
  }
  if (value instanceof Reset) {
    tags.push({ path, tag: '!reset' });
    return null;
  }
  if (Array.isArray(value)) return value.map((item, i) => untag(item, [...path, i], tags));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untag(v, [...path, k], tags)]));
  return value;
}

/** Serialises an override document (plain data with `Override`/`Reset` markers) with the Compose tags. */
export function dumpOverride(document: Record<string, unknown>): string {
  const tags: Array<{ path: Path; tag: string }> = [];
  const doc = new Document(untag(document, [], tags), { aliasDuplicateObjects: false });
  for (const { path, tag } of tags) {
    const node = doc.getIn(path, true) as { tag?: string } | undefined;
    if (node) node.tag = tag;
  }
  return doc.toString({ lineWidth: 0 });
}

/** A plain object (not an array, not null, not a tag marker). */
function isPlain(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Override) &&
    !(value instanceof Reset)
  );
}

/** Deep-merges override fragments: mappings merge key by key; anything else is replaced by the later one. */
export function mergeFragments(...fragments: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fragment of fragments) {
    for (const [key, value] of Object.entries(fragment)) {
      const current = out[key];
      out[key] = isPlain(current) && isPlain(value) ? mergeFragments(current, value) : value;
    }
  }
  return out;
}
