/**
 * GitHub Actions expressions for the harness (`runs.post-if` conditions and `${{ ... }}` input
 * defaults in action.yml), evaluated by GitHub's own implementation, `@actions/expressions`
 * (https://github.com/actions/languageservices/tree/main/expressions): its lexer, parser (with the
 * scope's contexts as the allowed named-values), evaluator, loose equality, truthiness and built-in
 * functions (`contains`, `startsWith`, `endsWith`, `format`, `join`, `toJSON`, `fromJSON`, `case`).
 *
 * The status functions `always()`, `success()`, `failure()` and `cancelled()` are not part of that
 * package (they depend on the run); they are passed to it as extension functions, driven by
 * {@link ExpressionScope.jobStatus}. This module converts between plain JSON-like values
 * ({@link ExprValue}) and the package's data classes, keeps `env` lookups case-sensitive as the runner
 * does on Linux, and turns the package's errors into {@link ExpressionError}.
 */
import { Evaluator, data as gh, Lexer, Parser } from '@actions/expressions';
import type { Pair } from '@actions/expressions/data/expressiondata';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { equals, truthy as ghTruthy } from '@actions/expressions/result';

/** A value an expression can produce. */
export type ExprValue = string | number | boolean | null | ExprObject | ExprValue[];
/** An object value (a context or a parsed JSON object). */
export interface ExprObject {
  [key: string]: ExprValue;
}

/** Status of the job as seen by the status-check functions. */
export type JobStatus = 'success' | 'failure' | 'cancelled';

/** What an expression is evaluated against. */
export interface ExpressionScope {
  /** Job status before the step being evaluated; drives `success()`/`failure()`/`cancelled()`. */
  jobStatus: JobStatus;
  /** Named contexts, e.g. `{env: {...}, github: {...}, runner: {...}}`. */
  contexts: Record<string, ExprValue>;
  /**
   * Context names whose property lookup is case-sensitive (the runner uses a case-sensitive
   * dictionary for `env` on Linux; other contexts are case-insensitive). Default: `['env']`.
   */
  caseSensitiveContexts?: readonly string[];
}

/** Thrown for syntax errors, unknown functions/contexts and evaluation errors (the package's message). */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** A dictionary whose keys match exactly (the package's own Dictionary ignores case). */
class CaseSensitiveDictionary extends gh.Dictionary {
  private readonly exact = new Map<string, gh.ExpressionData>();
  override add(key: string, value: gh.ExpressionData): void {
    if (this.exact.has(key)) return;
    this.exact.set(key, value);
  }
  override get(key: string): gh.ExpressionData | undefined {
    return this.exact.get(key);
  }
  override values(): gh.ExpressionData[] {
    return [...this.exact.values()];
  }
  override pairs(): Pair[] {
    return [...this.exact].map(([key, value]) => ({ key, value }));
  }
}

function toData(v: ExprValue, caseSensitive = false): gh.ExpressionData {
  if (v === null || v === undefined) return new gh.Null();
  if (typeof v === 'string') return new gh.StringData(v);
  if (typeof v === 'number') return new gh.NumberData(v);
  if (typeof v === 'boolean') return new gh.BooleanData(v);
  if (Array.isArray(v)) return new gh.Array(...v.map((x) => toData(x)));
  const dict = caseSensitive ? new CaseSensitiveDictionary() : new gh.Dictionary();
  for (const [key, value] of Object.entries(v)) dict.add(key, toData(value));
  return dict;
}

function fromData(d: gh.ExpressionData): ExprValue {
  switch (d.kind) {
    case gh.Kind.Null:
      return null;
    case gh.Kind.Boolean:
      return (d as gh.BooleanData).value;
    case gh.Kind.Number:
      return d.number();
    case gh.Kind.String:
      return d.coerceString();
    case gh.Kind.Array:
      return (d as gh.Array).values().map(fromData);
    default:
      return Object.fromEntries((d as gh.Dictionary).pairs().map((p) => [p.key, fromData(p.value)]));
  }
}

/** GitHub truthiness: `null`, `false`, `0`, `NaN` and `''` are falsy; objects/arrays are truthy. */
export function truthy(v: ExprValue): boolean {
  return ghTruthy(toData(v));
}

/** Loose equality as GitHub defines it (strings ignore case; mismatched kinds compare as numbers). */
export function looseEquals(a: ExprValue, b: ExprValue): boolean {
  return equals(toData(a), toData(b));
}

/**
 * String conversion of a `${{ }}` interpolation: `null` → `''`, booleans and numbers as the runner
 * prints them, objects and arrays as indented JSON.
 */
export function exprToString(v: ExprValue): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return toData(v).coerceString();
}

const status = (name: string, is: (s: JobStatus) => boolean, scope: ExpressionScope): FunctionDefinition => ({
  name,
  minArgs: 0,
  maxArgs: 0,
  call: () => new gh.BooleanData(is(scope.jobStatus)),
});

/** The status-check functions as extension functions of the package (names lower case, as it looks them up). */
function statusFunctions(scope: ExpressionScope): Map<string, FunctionDefinition> {
  return new Map([
    ['always', status('always', () => true, scope)],
    ['success', status('success', (s) => s === 'success', scope)],
    ['failure', status('failure', (s) => s === 'failure', scope)],
    ['cancelled', status('cancelled', (s) => s === 'cancelled', scope)],
  ]);
}

/** Removes a `${{ ... }}` wrapper around a whole condition (allowed in `if`/`post-if`). */
function unwrap(expr: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expr);
  return m && !(m[1] as string).includes('}}') ? (m[1] as string) : expr;
}

/**
 * Evaluates an expression (optionally wrapped in `${{ }}`) and returns its value.
 * @throws ExpressionError on a syntax error, an unknown context or function, a wrong argument count or
 *   a failing function (e.g. `fromJSON` of invalid JSON), with the package's message.
 */
export function evaluateExpression(expr: string, scope: ExpressionScope): ExprValue {
  const caseSensitive = new Set((scope.caseSensitiveContexts ?? ['env']).map((c) => c.toLowerCase()));
  const contexts = new gh.Dictionary();
  for (const [name, value] of Object.entries(scope.contexts)) {
    contexts.add(name, toData(value, caseSensitive.has(name.toLowerCase())));
  }
  const functions = statusFunctions(scope);
  try {
    const { tokens } = new Lexer(unwrap(expr)).lex();
    const tree = new Parser(tokens, Object.keys(scope.contexts), [...functions.values()]).parse();
    return fromData(new Evaluator(tree, contexts, functions).evaluate());
  } catch (error) {
    throw new ExpressionError(`${(error as Error).message} (in expression: ${expr})`, { cause: error });
  }
}

/**
 * Evaluates a condition such as a `post-if` and returns its truthiness. Like the runner for
 * `post-if`, the expression is evaluated as written (no implicit `success() &&` is added).
 * @throws ExpressionError as {@link evaluateExpression}.
 */
export function evaluateCondition(expr: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(expr, scope));
}

/**
 * Expands every `${{ expr }}` in a string (e.g. an input default) and returns the result; text
 * outside the markers is kept.
 * @throws ExpressionError when an expression can't be evaluated.
 */
export function interpolate(template: string, scope: ExpressionScope): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) =>
    exprToString(evaluateExpression(expr, scope)),
  );
}
