/**
 * Typed readers over `core.getInput`. Every reader names the input in its error and gives the fix.
 *
 * Defaults have one source of truth, the action.yml: each action's contract.ts copies them into a
 * `DEFAULTS` table (a contract test keeps the two equal), and an empty input reads as its default text,
 * parsed by the same rules as a value the user wrote. The readers take no fallback of their own, so code and
 * action.yml cannot drift apart. The source is injectable (`InputSource`) so settings are unit-tested
 * without environment variables.
 */
import * as core from '@actions/core';
import { parseDuration } from './duration.js';
import { UserInputError } from './errors.js';

/** Returns the raw input text ('' when unset), as `core.getInput(name)` does. */
export type InputSource = (name: string) => string;

/** Input name → its action.yml default text ('' for none). */
export type InputDefaults = Readonly<Record<string, string>>;

/** The runner's inputs (INPUT_<NAME> environment variables), trimmed. */
export const actionInputs: InputSource = (name) => core.getInput(name);

/** Typed access to one action's inputs. */
export class Inputs {
  /**
   * @param source the raw values (the runner's by default)
   * @param defaults the action.yml defaults, used when `source` gives ''
   */
  constructor(
    private readonly source: InputSource = actionInputs,
    private readonly defaults: InputDefaults = {},
  ) {}

  /** The trimmed text, or the input's default when empty. */
  string(name: string): string {
    const value = this.source(name).trim();
    return value === '' ? (this.defaults[name] ?? '').trim() : value;
  }

  /** True when the user gave a value (not just the default). */
  given(name: string): boolean {
    return this.source(name).trim() !== '';
  }

  /**
   * `true`/`false` (also yes/no, on/off, 1/0; case-insensitive).
   * @throws UserInputError for any other text, or when empty with no default
   */
  boolean(name: string): boolean {
    const value = this.string(name).toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(value)) return true;
    if (['false', 'no', 'off', '0'].includes(value)) return false;
    throw new UserInputError(
      name,
      value === '' ? 'is empty' : `"${value}" is not a boolean`,
      'use true or false',
    );
  }

  /**
   * An integer in [min, max].
   * @throws UserInputError when not an integer or out of range
   */
  integer(name: string, min: number, max: number): number {
    const value = this.string(name);
    if (!/^-?\d+$/.test(value))
      throw new UserInputError(
        name,
        value === '' ? 'is empty' : `"${value}" is not an integer`,
        `use a whole number from ${min} to ${max}`,
      );
    const n = Number(value);
    if (n < min || n > max)
      throw new UserInputError(name, `${n} is out of range`, `use a whole number from ${min} to ${max}`);
    return n;
  }

  /**
   * A duration in milliseconds (see `parseDuration`) in [minMs, maxMs].
   * @throws UserInputError when not a duration or out of range
   */
  durationMs(name: string, minMs = 0, maxMs = 7 * 86_400_000): number {
    const value = this.string(name);
    const ms = parseDuration(name, value);
    if (ms < minMs || ms > maxMs) {
      throw new UserInputError(
        name,
        `${value} is out of range`,
        `use a duration from ${minMs} ms to ${maxMs} ms`,
      );
    }
    return ms;
  }

  /**
   * One of `choices` (case-insensitive).
   * @throws UserInputError for any other value
   */
  choice<T extends string>(name: string, choices: readonly T[]): T {
    const value = this.string(name).toLowerCase();
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new UserInputError(
      name,
      value === '' ? 'is empty' : `"${value}" is not one of the allowed values`,
      `use one of: ${choices.join(', ')}`,
    );
  }

  /**
   * A time to live in ms, or null for none (`0`, `none`, `never`). At least 1 minute, at most 365 days.
   * @throws UserInputError when not a duration or out of range
   */
  ttlMs(name: string): number | null {
    const text = this.string(name);
    if (['0', 'none', 'never'].includes(text.toLowerCase())) return null;
    const ms = parseDuration(name, text);
    if (ms < 60_000 || ms > 365 * 86_400_000) {
      throw new UserInputError(name, `${text} is out of range`, 'use a duration from 1m to 365d, or never');
    }
    return ms;
  }

  /**
   * A pull request number, or null when empty (then the event's is used).
   * @throws UserInputError when not a positive integer
   */
  prNumber(name: string): number | null {
    return this.string(name) === '' ? null : this.integer(name, 1, Number.MAX_SAFE_INTEGER);
  }

  /** A list: one item per line or comma-separated; blank items and `#` comments dropped. */
  list(name: string): string[] {
    return splitList(this.string(name));
  }

  /**
   * A list (see `list`) whose every item matches `pattern` (a whole-string pattern: `^…$`).
   * @param what what one item is, for the error: `Compose service name`
   * @param rule the rule in words, with its source: `letters, digits, ".", "_" and "-" (compose-spec)`
   * @throws UserInputError naming the input and the first item that does not match
   */
  matchingList(name: string, pattern: RegExp, what: string, rule: string): string[] {
    const items = this.list(name);
    const bad = items.find((item) => !pattern.test(item));
    if (bad !== undefined)
      throw new UserInputError(
        name,
        `"${bad}" is not a valid ${what}`,
        `use ${what}s made of ${rule}, one per line or comma-separated`,
      );
    return items;
  }
}

/** Splits a multi-line or comma-separated input into trimmed, non-empty items (`#` starts a comment line). */
export function splitList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
