/**
 * Reads Redis values for checks over any `RedisSession`, turning RESP2 replies (node-redis `sendCommand`:
 * HGETALL as a flat list) and RESP3 replies (`redis-cli --json`: maps as objects) into the same values.
 * Every read is bounded: collections over `MAX_MEMBERS` are not loaded, and SCAN stops after `scanLimit`
 * keys examined (https://redis.io/docs/latest/commands/scan/: COUNT is a hint; keys may repeat, so they are
 * de-duplicated).
 */
import type { RedisReply, RedisSession } from '../connections/types.js';
import type { RedisType } from '../spec/types.js';

/** Members/fields loaded at most for `value` and `members`. */
export const MAX_MEMBERS = 10_000;
/** SCAN COUNT hint per call. */
export const SCAN_BATCH = 1000;

const SIZE_COMMAND: Record<RedisType, string> = {
  string: 'STRLEN',
  list: 'LLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  hash: 'HLEN',
  stream: 'XLEN',
};

function asText(reply: RedisReply): string {
  if (reply === null) return '';
  return typeof reply === 'object' ? JSON.stringify(reply) : String(reply);
}

function asList(reply: RedisReply): RedisReply[] {
  if (Array.isArray(reply)) return reply;
  if (reply && typeof reply === 'object') return Object.values(reply);
  return [];
}

/** A hash reply (flat list or map) as a mapping of field → value. */
export function hashOf(reply: RedisReply): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[asText(reply[i]!)] = asText(reply[i + 1]!);
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) out[k] = asText(v);
  }
  return out;
}

/** The outcome of counting keys with SCAN. */
export interface ScanCount {
  count: number;
  /** Up to 20 of the keys, sorted, for the report. */
  sample: string[];
  /** All keys found (for isolation checks), at most `limit`. */
  keys: string[];
  /** False when SCAN stopped at the limit before the cursor returned to 0. */
  complete: boolean;
  examined: number;
}

/** Reads values for checks. */
export class RedisReader {
  constructor(private readonly session: RedisSession) {}

  /** `TYPE key`: `none` when the key does not exist. */
  async type(key: string): Promise<RedisType | 'none'> {
    return asText(await this.session.command(['TYPE', key])).toLowerCase() as RedisType | 'none';
  }

  /** The size of a key of `type` (STRLEN, LLEN, SCARD, ZCARD, HLEN, XLEN). */
  async size(key: string, type: RedisType): Promise<number> {
    return Number(await this.session.command([SIZE_COMMAND[type], key]));
  }

  /**
   * The value of a key of `type`: a string; a hash as a mapping; a list or zset as a list in order; a set as
   * its members sorted. Streams have no value here.
   * @throws Error when the collection holds more than MAX_MEMBERS members
   */
  async value(key: string, type: RedisType): Promise<unknown> {
    if (type === 'string') return asText(await this.session.command(['GET', key]));
    if (type === 'stream') throw new Error(`"${key}" is a stream; check its size instead`);
    const size = await this.size(key, type);
    if (size > MAX_MEMBERS)
      throw new Error(`"${key}" holds ${size} members; value and members compare at most ${MAX_MEMBERS}`);
    switch (type) {
      case 'hash':
        return hashOf(await this.session.command(['HGETALL', key]));
      case 'list':
        return asList(await this.session.command(['LRANGE', key, '0', String(MAX_MEMBERS - 1)])).map(asText);
      case 'zset':
        return asList(await this.session.command(['ZRANGE', key, '0', String(MAX_MEMBERS - 1)])).map(asText);
      default:
        return asList(await this.session.command(['SMEMBERS', key]))
          .map(asText)
          .sort();
    }
  }

  /** Counts keys matching `pattern` with SCAN, examining at most `limit` keys. */
  async count(pattern: string, limit: number): Promise<ScanCount> {
    const keys = new Set<string>();
    let cursor = '0';
    let examined = 0;
    do {
      const reply = asList(
        await this.session.command([
          'SCAN',
          cursor,
          'MATCH',
          pattern,
          'COUNT',
          String(Math.min(SCAN_BATCH, limit)),
        ]),
      );
      cursor = asText(reply[0] ?? '0');
      const batch = asList(reply[1] ?? []).map(asText);
      for (const key of batch) keys.add(key);
      examined += Math.min(SCAN_BATCH, limit);
    } while (cursor !== '0' && examined < limit);
    const sorted = [...keys].sort();
    return {
      count: keys.size,
      sample: sorted.slice(0, 20),
      keys: sorted,
      complete: cursor === '0',
      examined,
    };
  }
}
