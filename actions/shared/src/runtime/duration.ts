/**
 * Durations as users write them in action inputs: `90` (seconds), `90s`, `500ms`, `5m`, `1h30m`, `2d`.
 * Returned in milliseconds. The unit set follows Go's time.ParseDuration (https://pkg.go.dev/time#ParseDuration),
 * which kubectl and helm `--timeout` accept, plus `d` for days (TTLs).
 */
import { UserInputError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Parses a duration to milliseconds.
 * @param input the input name, for the error message
 * @param raw the text, e.g. `5m`, `1h30m`, `45` (bare numbers are seconds)
 * @returns milliseconds, a finite number ≥ 0
 * @throws UserInputError when `raw` is not a duration
 */
export function parseDuration(input: string, raw: string): number {
  const text = raw.trim().toLowerCase();
  const fix = 'use seconds (90) or units ms, s, m, h, d (500ms, 90s, 5m, 1h30m, 2d)';
  if (text === '') throw new UserInputError(input, 'is empty', fix);
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length || consumed === 0) {
    throw new UserInputError(input, `"${raw}" is not a duration`, fix);
  }
  return Math.round(total);
}

/** Formats milliseconds for people: `850 ms`, `12.3 s`, `4 m 05 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}
