/**
 * The field readers the spec parser shares between connections, checks and sources: each validates what a
 * schema cannot (one SQL statement, a JMESPath expression, a regular expression) and records a problem with
 * its location instead of throwing, so one run lists every problem of a spec.
 */
import { jmespath } from '../../../shared/src/expect/json.js';
import { parseDuration } from '../../../shared/src/runtime/duration.js';
import { DEFAULTS, INPUTS } from '../contract.js';
import type { DocPath, SpecDocument, SpecIssue } from './document.js';
import { readOnlyQuery } from './sql/read-only.js';
import type { ConnectionKind, ConnectionSpec, HttpRequestSpec, NumberExpect, ValueExpect } from './types.js';

/** Default SCAN bound for `pattern`: keys examined at most. */
export const DEFAULT_SCAN_LIMIT = 100_000;

/** The connection kinds that speak SQL. */
export const SQL_KINDS: readonly ConnectionKind[] = ['postgres', 'mysql', 'mariadb'];

/** What `parseSpec` needs besides the text. */
export interface ParseOptions {
  /** The input the spec came from (`spec` or `checks`), for the error. */
  input: string;
  /** Absolute path of the spec file, or null for inline text. */
  file: string | null;
  /** The repository root (GITHUB_WORKSPACE): file names in messages and annotations are relative to it. */
  workspace: string;
  /** Where relative paths in the spec resolve (the spec file's directory, or working-directory). */
  baseDir: string;
  /** For `declared: {env: NAME}`. */
  env: NodeJS.ProcessEnv;
  /** Reads a declared-version file (injectable for tests). */
  readFile?: (path: string) => string;
  /**
   * The `check-timeout` input (ms), for checks without their own `timeout`: a query may sleep that long.
   * Default: the input's action.yml default.
   */
  checkTimeoutMs?: number;
}

/** A raw mapping from the validated YAML. */
export type Raw = Record<string, unknown>;

/** What every reader needs: the document (for locations), the options, and where problems go. */
export interface ParseContext {
  readonly doc: SpecDocument;
  readonly options: ParseOptions;
  readonly issues: SpecIssue[];
}

/** Records a problem at `path` (and `key` within it). */
export function issue(ctx: ParseContext, path: DocPath, message: string, key?: string): void {
  ctx.issues.push(ctx.doc.issue(path, message, key));
}

/**
 * The query if it is one plain read (spec/sql/read-only.ts); a problem at its `query` key otherwise.
 * @param timeoutMs the check's own timeout, if it has one (else the check-timeout input): bounds a sleep
 */
export function readQuery(
  ctx: ParseContext,
  text: string,
  connection: ConnectionSpec,
  path: DocPath,
  timeoutMs: number | undefined,
): string {
  const limit =
    timeoutMs ??
    ctx.options.checkTimeoutMs ??
    parseDuration(INPUTS.checkTimeout, DEFAULTS[INPUTS.checkTimeout]);
  const checked = readOnlyQuery(text, connection.kind, limit);
  if (!checked.ok) {
    issue(ctx, path, `the query is refused: ${checked.reason}`, 'query');
    return text;
  }
  return checked.statement;
}

/** Query parameters; refused for an exec connection (a command-line client cannot bind them). */
export function readParams(
  ctx: ParseContext,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
): unknown[] {
  const params = (raw.params as unknown[] | undefined) ?? [];
  if (params.length > 0 && connection.exec)
    issue(
      ctx,
      path,
      `connection "${connection.name}" runs a command-line client in a service (exec), which cannot bind parameters; use a url connection or write the values into the query`,
      'params',
    );
  return params;
}

/** The HTTP request of a check or source (method GET by default). */
export function readRequest(raw: Raw): HttpRequestSpec {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw.headers as Raw | undefined) ?? {})) headers[k] = String(v);
  return {
    method: (raw.method as string | undefined) ?? 'GET',
    path: raw.path as string,
    headers,
    ...(raw.body !== undefined ? { body: raw.body } : {}),
  };
}

/** A JMESPath expression, checked by compiling it (https://jmespath.org/specification.html). */
export function readJmespath(ctx: ParseContext, expression: string, path: DocPath, key?: string): string {
  try {
    jmespath({}, expression);
  } catch (error) {
    issue(
      ctx,
      path,
      `"${expression}" is not a JMESPath expression (${(error as Error).message.split('\n')[0]}); see https://jmespath.org/specification.html`,
      key,
    );
  }
  return expression;
}

/** A regular expression, or undefined (and a problem) when it does not compile. */
export function readRegex(ctx: ParseContext, source: string, path: DocPath, key: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch (error) {
    issue(ctx, path, `"${source}" is not a regular expression (${(error as Error).message})`, key);
    return undefined;
  }
}

/** A value expectation: a bare value means `equals`; a mapping holds comparators. */
export function readValueExpect(ctx: ParseContext, raw: unknown, path: DocPath): ValueExpect {
  if (raw === null || typeof raw !== 'object') return { hasEquals: true, equals: raw, hasNotEquals: false };
  const r = raw as Raw;
  const regex = r.regex === undefined ? undefined : readRegex(ctx, String(r.regex), path, 'regex');
  if (typeof r.min === 'number' && typeof r.max === 'number' && r.min > r.max)
    issue(ctx, path, `min (${r.min}) is greater than max (${r.max})`, 'min');
  return {
    hasEquals: 'equals' in r,
    ...('equals' in r ? { equals: r.equals } : {}),
    hasNotEquals: 'not-equals' in r,
    ...('not-equals' in r ? { notEquals: r['not-equals'] } : {}),
    ...(typeof r.min === 'number' ? { min: r.min } : {}),
    ...(typeof r.max === 'number' ? { max: r.max } : {}),
    ...(regex ? { regex } : {}),
    ...('json' in r ? { json: r.json } : {}),
    ...(r.length !== undefined ? { length: readNumberExpect(r.length) } : {}),
  };
}

/** A number expectation: a bare number means `equals`. */
export function readNumberExpect(raw: unknown): NumberExpect {
  if (typeof raw === 'number') return { equals: raw };
  const r = raw as Raw;
  return {
    ...(typeof r.equals === 'number' ? { equals: r.equals } : {}),
    ...(typeof r.min === 'number' ? { min: r.min } : {}),
    ...(typeof r.max === 'number' ? { max: r.max } : {}),
  };
}
