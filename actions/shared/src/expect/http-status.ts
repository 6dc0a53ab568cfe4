/**
 * Expected HTTP status sets: `200`, `2xx`, `200-299`, or a comma/space-separated list of those. Shared by
 * wait-ready (probes) and verify-seed (http checks). Codes are 100–599, the range RFC 9110 defines
 * (https://www.rfc-editor.org/rfc/rfc9110#name-status-codes): a server can send no other, so a set
 * outside it could never match and would only wait out the deadline.
 */
import { UserInputError } from '../runtime/errors.js';

/** A predicate on a status code, with its source text. */
export interface StatusMatcher {
  text: string;
  matches(status: number): boolean;
}

/**
 * Parses a status set.
 * @throws UserInputError naming `input` for anything else
 */
export function parseStatus(input: string, text: string): StatusMatcher {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0)
    throw new UserInputError(input, 'is empty', 'use e.g. 200, 2xx, 200-299 or "200, 204"');
  const valid = (code: number) => code >= 100 && code <= 599;
  const ranges = parts.map((part) => {
    let match = /^([1-5])xx$/i.exec(part);
    if (match) return [Number(match[1]) * 100, Number(match[1]) * 100 + 99] as const;
    match = /^(\d{3})-(\d{3})$/.exec(part);
    if (match && Number(match[1]) <= Number(match[2]) && valid(Number(match[1])) && valid(Number(match[2])))
      return [Number(match[1]), Number(match[2])] as const;
    match = /^(\d{3})$/.exec(part);
    if (match && valid(Number(match[1]))) return [Number(match[1]), Number(match[1])] as const;
    throw new UserInputError(
      input,
      `"${part}" is not a status code (100-599), class (1xx-5xx) or range`,
      'use e.g. 200, 2xx, 200-299 or "200, 204"',
    );
  });
  return { text, matches: (status) => ranges.some(([lo, hi]) => status >= lo && status <= hi) };
}
