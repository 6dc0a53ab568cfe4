/**
 * Splitting many names or IDs over several argv, so one command never nears the OS limit on argument size
 * (ARG_MAX): the sweep's `kubectl delete namespace a b …` (kube/namespace-batch.ts) and `docker … rm`
 * (compose/sweep-batch.ts).
 */

/**
 * Splits names into chunks of at most `maxChars` characters (names + one separator each) and `maxNames`
 * names (pure).
 */
export function chunkNames(names: readonly string[], maxChars: number, maxNames = Infinity): string[][] {
  const chunks: string[][] = [];
  let size = 0;
  for (const name of names) {
    const last = chunks.at(-1);
    if (!last || size + name.length + 1 > maxChars || last.length >= maxNames) {
      chunks.push([name]);
      size = name.length + 1;
    } else {
      last.push(name);
      size += name.length + 1;
    }
  }
  return chunks;
}
