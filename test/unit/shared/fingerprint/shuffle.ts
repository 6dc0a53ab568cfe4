/** Test helper: JSON values with their object keys reordered. */

/** A deep copy of a JSON value with every object's keys in a random order (fast-check's shuffle). */
export function shuffledKeys(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffledKeys(v, order));
  if (value && typeof value === 'object') {
    const keys = order(Object.keys(value));
    return Object.fromEntries(
      keys.map((k) => [k, shuffledKeys((value as Record<string, unknown>)[k], order)]),
    );
  }
  return value;
}
