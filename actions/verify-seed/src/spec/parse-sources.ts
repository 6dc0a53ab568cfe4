/**
 * The parts of fixture-version and isolation checks: where the value is read (a query, a Redis key or
 * pattern, an HTTP response, by the connection's kind) and the declared fixture version (a file, a field of
 * a JSON/YAML file, a value or a variable), read here so a missing file fails before anything connects.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { jmespath } from '../../../shared/src/expect/json.js';
import type { CheckKind } from '../report.js';
import type { DocPath } from './document.js';
import {
  DEFAULT_SCAN_LIMIT,
  issue,
  type ParseContext,
  type Raw,
  readJmespath,
  readParams,
  readQuery,
  readRequest,
  SQL_KINDS,
} from './parse-fields.js';
import type { ConnectionSpec, DeclaredVersion, ValueSource } from './types.js';

/** Refuses the keys that belong to another connection kind's source. */
function refuseForeignKeys(
  ctx: ParseContext,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
  kind: CheckKind,
) {
  const sqlKeys = ['query', 'params'];
  const redisKeys = kind === 'isolation' ? ['key', 'pattern', 'scan-limit'] : ['key'];
  const httpKeys = ['path', 'method', 'headers', 'body', 'jmespath'];
  const own = SQL_KINDS.includes(connection.kind)
    ? sqlKeys
    : connection.kind === 'redis'
      ? redisKeys
      : httpKeys;
  const foreign = [...sqlKeys, 'key', 'pattern', 'scan-limit', ...httpKeys].filter(
    (k) => !own.includes(k) && raw[k] !== undefined,
  );
  for (const k of foreign)
    issue(
      ctx,
      path,
      `"${k}" does not apply to ${connection.kind} connection "${connection.name}" (it reads with: ${own.join(', ')})`,
      k,
    );
}

/** A Redis source: one key, or (isolation) the keys matching a pattern. */
function redisSource(
  ctx: ParseContext,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
  kind: CheckKind,
) {
  const key = raw.key as string | undefined;
  const pattern = raw.pattern as string | undefined;
  if (key === undefined && pattern === undefined) {
    issue(
      ctx,
      path,
      `missing required key "key" (a ${kind} check on redis connection "${connection.name}" reads that key)`,
    );
    return null;
  }
  if (key !== undefined && pattern !== undefined)
    issue(ctx, path, 'give one of "key" or "pattern", not both');
  return {
    via: 'redis' as const,
    ...(key !== undefined ? { key } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    scanLimit: (raw['scan-limit'] as number | undefined) ?? DEFAULT_SCAN_LIMIT,
  };
}

/**
 * The value source of a fixture-version or isolation check, by its connection's kind.
 * @param timeoutMs the check's own timeout, if any (bounds a sleep in its query)
 */
export function readSource(
  ctx: ParseContext,
  raw: Raw,
  connection: ConnectionSpec,
  path: DocPath,
  kind: CheckKind,
  timeoutMs: number | undefined,
): ValueSource | null {
  refuseForeignKeys(ctx, raw, connection, path, kind);
  if (SQL_KINDS.includes(connection.kind)) {
    if (raw.query === undefined) {
      issue(
        ctx,
        path,
        `missing required key "query" (a ${kind} check on ${connection.kind} connection "${connection.name}" reads the first column of the first row)`,
      );
      return null;
    }
    return {
      via: 'sql',
      query: readQuery(ctx, String(raw.query), connection, path, timeoutMs),
      params: readParams(ctx, raw, connection, path),
    };
  }
  if (connection.kind === 'redis') return redisSource(ctx, raw, connection, path, kind);
  if (raw.path === undefined) {
    issue(
      ctx,
      path,
      `missing required key "path" (a ${kind} check on http connection "${connection.name}" requests it)`,
    );
    return null;
  }
  return {
    via: 'http',
    request: readRequest(raw),
    ...(raw.jmespath !== undefined
      ? { jmespath: readJmespath(ctx, String(raw.jmespath), path, 'jmespath') }
      : {}),
  };
}

/** A declared version read from a file: the whole file (one line), or a JMESPath into JSON/YAML. */
function declaredFromFile(ctx: ParseContext, raw: unknown, spec: Raw, path: DocPath): DeclaredVersion | null {
  const o = ctx.options;
  const file = String(spec.file);
  const full = isAbsolute(file) ? file : resolve(o.baseDir, file);
  const shown = relative(o.workspace, full).replace(/\\/g, '/') || full;
  let text: string;
  try {
    text = (o.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(full);
  } catch (error) {
    issue(
      ctx,
      path,
      `cannot read the declared version from "${shown}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); paths are relative to ${o.file ? 'the spec file' : 'working-directory'}`,
      typeof raw === 'string' ? undefined : 'file',
    );
    return null;
  }
  if (spec.jmespath === undefined) {
    const value = text.trim();
    if (value === '' || value.includes('\n')) {
      issue(
        ctx,
        path,
        `"${shown}" must hold the version alone on one line, got ${value === '' ? 'an empty file' : 'several lines'}; or read a field with "jmespath"`,
      );
      return null;
    }
    return { value, origin: shown };
  }
  const expression = readJmespath(ctx, String(spec.jmespath), path, 'jmespath');
  let value: unknown;
  try {
    value = jmespath(parseYaml(text), expression);
  } catch (error) {
    issue(
      ctx,
      path,
      `cannot read "${expression}" from "${shown}": ${(error as Error).message.split('\n')[0]}`,
      'jmespath',
    );
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    issue(
      ctx,
      path,
      `"${expression}" in "${shown}" is ${JSON.stringify(value ?? null)}; expected a string or number`,
      'jmespath',
    );
    return null;
  }
  return { value: String(value).trim(), origin: `${shown} → ${expression}` };
}

/** The declared fixture version: a file (trimmed, or a JMESPath into a JSON/YAML file), a value or a variable. */
export function readDeclared(ctx: ParseContext, raw: unknown, path: DocPath): DeclaredVersion | null {
  const spec: Raw = typeof raw === 'string' ? { file: raw } : (raw as Raw);
  const given = ['file', 'value', 'env'].filter((k) => spec[k] !== undefined);
  if (given.length !== 1) {
    issue(ctx, path, 'give exactly one of "file" (e.g. fixtures/VERSION), "value" or "env"');
    return null;
  }
  if (spec.jmespath !== undefined && spec.file === undefined) {
    issue(ctx, path, '"jmespath" reads a field of a JSON/YAML "file"; give "file" too', 'jmespath');
    return null;
  }
  if (spec.value !== undefined) return { value: String(spec.value).trim(), origin: 'the spec' };
  if (spec.env !== undefined) {
    const name = String(spec.env);
    const value = ctx.options.env[name]?.trim() ?? '';
    if (value === '') {
      issue(
        ctx,
        path,
        `environment variable ${name} is not set (or empty); set it in the step's env:`,
        'env',
      );
      return null;
    }
    return { value, origin: `env ${name}` };
  }
  return declaredFromFile(ctx, raw, spec, path);
}
