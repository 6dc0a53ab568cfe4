/**
 * Reads the value a fixture-version or isolation check compares, from whichever connection it names:
 * a query's first column of the first row (and every cell), a Redis key's value (or the keys matching a
 * pattern), or an HTTP response's JSON field (`jmespath`) or whole body. Queries run read-only.
 */
import { allStrings, jmespath } from '../../../shared/src/expect/json.js';
import { type Connection, ConnectionError } from '../connections/types.js';
import { parseJsonBody } from '../expect/http.js';
import { normalise, textOf } from '../expect/values.js';
import type { ValueSource } from '../spec/types.js';
import { RedisReader } from './redis-reader.js';

/** What a source returned. */
export interface SourceValue {
  /** The value compared by fixture-version: first cell, the key's value, the JSON field or body; undefined when there is none. */
  primary: unknown;
  /** Every text found (all cells, members, keys, strings of the JSON), for isolation. */
  texts: string[];
  /** Why there is no value (no rows, missing key), when `primary` is undefined. */
  absent?: string;
}

/** A thrown error with a message that names the source, for a failing check. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

function texts(value: unknown): string[] {
  const v = normalise(value);
  if (v === null || v === undefined) return [];
  if (typeof v === 'object') return allStrings(v);
  const t = textOf(v);
  return t === null ? [] : [t];
}

/**
 * Reads `source` through `connection`.
 * @throws SourceError (non-JSON body, a stream key), ConnectionError, SqlError, RedisCommandError
 */
export async function readSource(
  source: ValueSource,
  connection: Connection,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<SourceValue> {
  if (source.via === 'sql' && connection.kind === 'sql') {
    const result = await connection.sql.query(source.query, source.params, {
      readOnly: true,
      signal,
      timeoutMs,
    });
    const all = result.rows.flatMap((row) => row.flatMap(texts));
    if (result.rows.length === 0 || result.rows[0]!.length === 0)
      return { primary: undefined, texts: all, absent: 'the query returned no rows' };
    return { primary: normalise(result.rows[0]![0]), texts: all };
  }
  if (source.via === 'redis' && connection.kind === 'redis') {
    const session = await connection.redis.open(signal, timeoutMs);
    try {
      const reader = new RedisReader(session);
      if (source.pattern !== undefined) {
        const scan = await reader.count(source.pattern, source.scanLimit);
        if (!scan.complete)
          throw new SourceError(
            `SCAN of ${source.pattern} stopped after examining ${scan.examined} keys (scan-limit ${source.scanLimit}); raise scan-limit or narrow the pattern`,
          );
        return scan.count === 0
          ? { primary: undefined, texts: [], absent: `no key matches ${source.pattern}` }
          : { primary: scan.keys, texts: scan.keys };
      }
      const key = source.key!;
      const type = await reader.type(key);
      if (type === 'none') return { primary: undefined, texts: [], absent: `key "${key}" does not exist` };
      if (type === 'stream')
        throw new SourceError(`key "${key}" is a stream; read a string, hash, list or set key`);
      const value = await reader.value(key, type);
      return { primary: value, texts: texts(value) };
    } finally {
      await session.close();
    }
  }
  if (source.via === 'http' && connection.kind === 'http') {
    const response = await connection.http.request(source.request, signal);
    const where = `${source.request.method} ${response.url}`;
    if (response.status < 200 || response.status > 299)
      throw new SourceError(
        `${where} answered ${response.status}: ${response.body.slice(0, 200).replace(/\s+/g, ' ')}`,
      );
    const parsed = parseJsonBody(response);
    if (source.jmespath !== undefined) {
      if (!parsed.ok) throw new SourceError(`${where}: ${parsed.why}`);
      const value = jmespath(parsed.value, source.jmespath);
      return value === null || value === undefined
        ? { primary: undefined, texts: texts(parsed.value), absent: `${source.jmespath} is null in ${where}` }
        : { primary: value, texts: texts(value) };
    }
    if (!parsed.ok) return { primary: response.body.trim(), texts: [response.body] };
    return { primary: parsed.value, texts: texts(parsed.value) };
  }
  throw new ConnectionError(`a ${source.via} source cannot read through a ${connection.kind} connection`);
}
