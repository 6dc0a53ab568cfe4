/**
 * One check of the spec, by kind: what each kind reads and expects, validated beyond the schema (one SQL
 * statement, `key` or `pattern`, a status set, JMESPath and regular expressions). Problems are recorded in
 * the context, not thrown.
 */
import { parseStatus } from '../../../shared/src/expect/http-status.js';
import type { DocPath } from './document.js';
import {
  DEFAULT_SCAN_LIMIT,
  issue,
  type ParseContext,
  type Raw,
  readJmespath,
  readNumberExpect,
  readParams,
  readQuery,
  readRegex,
  readRequest,
  readValueExpect,
} from './parse-fields.js';
import { readDeclared, readSource } from './parse-sources.js';
import type {
  Check,
  ConnectionSpec,
  HttpCheck,
  IsolationCheck,
  IsolationMarker,
  RedisCheck,
  RedisType,
  SqlCheck,
  ValueExpect,
} from './types.js';

/** What every check has: name, connection, timing and where it is declared. */
export type CheckBase = Pick<
  Check,
  'name' | 'connection' | 'description' | 'timeoutMs' | 'retries' | 'retryIntervalMs' | 'at'
>;

/** An `sql` check: one statement and the expectations on its result. */
export function sqlCheck(
  ctx: ParseContext,
  base: CheckBase,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
): SqlCheck {
  const expect = (raw.expect as Raw | undefined) ?? {};
  const ep = [...path, 'expect'];
  return {
    ...base,
    kind: 'sql',
    query: readQuery(ctx, raw.query as string, connection, path, base.timeoutMs),
    params: readParams(ctx, raw, connection, path),
    readOnly: raw['read-only'] !== false,
    expect: {
      ...(expect['row-count'] !== undefined ? { rowCount: readNumberExpect(expect['row-count']) } : {}),
      ...(expect.columns !== undefined ? { columns: (expect.columns as unknown[]).map(String) } : {}),
      ...(expect.rows !== undefined
        ? { rows: expect.rows as Array<Record<string, unknown> | unknown[]> }
        : {}),
      ordered: expect.ordered === true,
      ...(expect.scalar !== undefined
        ? { scalar: readValueExpect(ctx, expect.scalar, [...ep, 'scalar']) }
        : {}),
    },
  };
}

/** A `redis` check: one key (exists, type, value, members, size) or a pattern (count). */
export function redisCheck(ctx: ParseContext, base: CheckBase, raw: Raw, path: DocPath): RedisCheck {
  const key = raw.key as string | undefined;
  const pattern = raw.pattern as string | undefined;
  const expect = (raw.expect as Raw | undefined) ?? {};
  const ep = [...path, 'expect'];
  if ((key === undefined) === (pattern === undefined))
    issue(ctx, path, 'give exactly one of "key" (one key) or "pattern" (count matching keys with SCAN)');
  if (pattern !== undefined) {
    for (const k of ['exists', 'type', 'value', 'members', 'size'])
      if (k in expect) issue(ctx, ep, `"${k}" applies to one key; with "pattern" only "count" is checked`, k);
  } else if ('count' in expect) issue(ctx, ep, '"count" needs "pattern" (it counts matching keys)', 'count');
  return {
    ...base,
    kind: 'redis',
    ...(key !== undefined ? { key } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    scanLimit: (raw['scan-limit'] as number | undefined) ?? DEFAULT_SCAN_LIMIT,
    expect: {
      ...(expect.exists !== undefined ? { exists: expect.exists as boolean } : {}),
      ...(expect.type !== undefined ? { type: expect.type as RedisType } : {}),
      ...(expect.value !== undefined ? { value: readValueExpect(ctx, expect.value, [...ep, 'value']) } : {}),
      ...(expect.members !== undefined ? { members: (expect.members as unknown[]).map(String) } : {}),
      ...(expect.size !== undefined ? { size: readNumberExpect(expect.size) } : {}),
      ...(expect.count !== undefined ? { count: readNumberExpect(expect.count) } : {}),
    },
  };
}

/** `expect.jmespath`: an expression that must be truthy, or an expression with comparators. */
function jmespathExpect(ctx: ParseContext, raw: unknown, ep: DocPath) {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string')
    return { expression: readJmespath(ctx, raw, [...ep, 'jmespath']), value: null as ValueExpect | null };
  const { expression, ...comparators } = raw as Raw;
  return {
    expression: readJmespath(ctx, String(expression), [...ep, 'jmespath'], 'expression'),
    value:
      Object.keys(comparators).length > 0 ? readValueExpect(ctx, comparators, [...ep, 'jmespath']) : null,
  };
}

/** An `http` check: a request and the expectations on its response (status `2xx` by default). */
export function httpCheck(ctx: ParseContext, base: CheckBase, raw: Raw, path: DocPath): HttpCheck {
  const expect = (raw.expect as Raw | undefined) ?? {};
  const ep = [...path, 'expect'];
  const status = expect.status === undefined ? '2xx' : String(expect.status);
  try {
    parseStatus('status', status);
  } catch {
    issue(
      ctx,
      ep,
      `"${status}" is not a status set; expected e.g. 200, 2xx, 200-299 or "200, 204"`,
      'status',
    );
  }
  const jm = jmespathExpect(ctx, expect.jmespath, ep);
  return {
    ...base,
    kind: 'http',
    request: readRequest(raw),
    expect: {
      status,
      ...(expect.json !== undefined ? { json: expect.json } : {}),
      ...(jm ? { jmespath: jm } : {}),
      ...(expect.length !== undefined ? { length: readNumberExpect(expect.length) } : {}),
    },
  };
}

/** A `fixture-version` check: the environment's version against the declared one. */
export function fixtureVersionCheck(
  ctx: ParseContext,
  base: CheckBase,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
): Check | null {
  const source = readSource(ctx, raw, connection, path, 'fixture-version', base.timeoutMs);
  const declared = readDeclared(ctx, raw.declared, [...path, 'declared']);
  if (!source || !declared) return null;
  return { ...base, kind: 'fixture-version', source, declared };
}

/** An `isolation` check: the data names this environment (the marker) and no other's (`foreign`). */
export function isolationCheck(
  ctx: ParseContext,
  base: CheckBase,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
): IsolationCheck | null {
  const source = readSource(ctx, raw, connection, path, 'isolation', base.timeoutMs);
  const marker: IsolationMarker =
    raw.marker === undefined
      ? { kind: 'environment' }
      : typeof raw.marker === 'object'
        ? { kind: 'value', value: String((raw.marker as Raw).value) }
        : { kind: raw.marker as 'environment' | 'commit' | 'none' };
  const foreign =
    raw.foreign === undefined ? undefined : readRegex(ctx, String(raw.foreign), path, 'foreign');
  if (marker.kind === 'none' && raw.foreign === undefined)
    issue(
      ctx,
      path,
      'with marker: none, give "foreign" (a pattern other environments\' markers match), or the check proves nothing',
      'marker',
    );
  if (!source) return null;
  return { ...base, kind: 'isolation', source, marker, ...(foreign ? { foreign } : {}) };
}
