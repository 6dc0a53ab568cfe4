/** Walking a parse tree (libpg-query's JSON, node-sql-parser's AST) for the first refused node. */

/** A node of a parse tree: a plain object. */
export type TreeNode = Record<string, unknown>;

/**
 * Visits every object of `value` depth-first, parents before children, and returns the first answer of
 * `visit` that is not null: why that node is refused.
 * @param visit gets each object and the key it hangs under ('' at the root; an array item gets its array's key)
 */
export function firstProblem(
  value: unknown,
  visit: (node: TreeNode, key: string) => string | null,
  key = '',
): string | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = firstProblem(item, visit, key);
      if (problem) return problem;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  const own = visit(value as TreeNode, key);
  if (own) return own;
  for (const [childKey, child] of Object.entries(value as TreeNode)) {
    const problem = firstProblem(child, visit, childKey);
    if (problem) return problem;
  }
  return null;
}
