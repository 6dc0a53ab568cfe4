import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  hashContent,
  hashJson,
  isText,
  normalizeText,
  posixPath,
  prune,
  sha256,
  shortDigest,
} from '../../../../actions/shared/src/fingerprint/canonical.js';
import { shuffledKeys } from './shuffle.js';

describe('canonical JSON', () => {
  it('sorts keys at every level (RFC 8785)', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('any key order of the same value gives the same hash (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const reversed = shuffledKeys(value, (keys) => [...keys].reverse());
        const rotated = shuffledKeys(value, (keys) =>
          keys.length === 0
            ? keys
            : [...keys.slice(seed % keys.length), ...keys.slice(0, seed % keys.length)],
        );
        expect(hashJson(reversed)).toBe(hashJson(value));
        expect(hashJson(rotated)).toBe(hashJson(value));
      }),
    );
  });

  it('different values give different hashes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(hashJson(a)).not.toBe(hashJson(b));
      }),
    );
  });

  it('throws for a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('text and paths', () => {
  it('CRLF and LF text hash alike; a lone CR and binary content are kept', () => {
    const lf = Buffer.from('a\nb\n');
    const crlf = Buffer.from('a\r\nb\r\n');
    expect(hashContent(crlf)).toBe(hashContent(lf));
    expect(hashContent(Buffer.from('a\rb'))).not.toBe(hashContent(Buffer.from('ab')));
    const binary = Buffer.from([0, 13, 10, 65]);
    expect(isText(binary)).toBe(false);
    expect(Buffer.from(normalizeText(binary))).toEqual(binary);
  });

  it('CRLF normalisation is idempotent and only removes CR before LF (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const bytes = Buffer.from(text.replace(/\0/g, ''));
        const once = normalizeText(bytes);
        expect(Buffer.from(normalizeText(once))).toEqual(Buffer.from(once));
        expect(Buffer.from(once).toString()).toBe(bytes.toString().replace(/\r\n/g, '\n'));
      }),
    );
  });

  it('paths become POSIX and lose a leading ./', () => {
    expect(posixPath('api\\src\\x.js')).toBe('api/src/x.js');
    expect(posixPath('./api/x')).toBe('api/x');
    expect(posixPath('.\\api\\x')).toBe('api/x');
  });

  it('prune drops empty containers, keeps nested nulls and falsy scalars; a null at the top is undefined', () => {
    expect(prune({ a: null, b: {}, c: [], d: { e: {} }, f: 0, g: '', h: false, i: [null, 1] })).toEqual({
      a: null,
      f: 0,
      g: '',
      h: false,
      i: [null, 1],
    });
    expect(prune(null)).toBeUndefined();
  });

  it('shortDigest shows 12 hex of a full digest only', () => {
    const d = sha256('x');
    expect(shortDigest(d)).toBe(d.slice(7, 19));
    expect(shortDigest('postgres:15')).toBe('postgres:15');
  });
});
