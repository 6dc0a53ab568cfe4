/**
 * Typed readers over `core.getInput`. Every reader names the input in its error and gives the fix.
 * The reader function is injectable (`InputSource`) so settings parsing is unit-tested without env vars.
 */
import * as core from '@actions/core';
import { parseDuration } from './duration.js';
import { UserInputError } from './errors.js';

/** Returns the raw input text ('' when unset), as `core.getInput(name)` does. */
export type InputSource = (name: string) => string;

/** The runner's inputs (INPUT_<NAME> environment variables), trimmed. */
export const actionInputs: InputSource = (name) => core.getInput(name);

/** Typed access to one action's inputs. */
export class Inputs {
  constructor(private readonly source: InputSource = actionInputs) {}

  /** The trimmed text, or `fallback` when empty. */
  string(name: string, fallback = ''): string {
    const value = this.source(name).trim();
    return value === '' ? fallback : value;
  }

  /**
   * A required non-empty string.
   * @throws UserInputError when empty
   */
  required(name: string, fix: string): string {
    const value = this.string(name);
    if (value === '') throw new UserInputError(name, 'is required but empty', fix);
    return value;
  }

  /**
   * `true`/`false` (also yes/no, on/off, 1/0; case-insensitive), or `fallback` when empty.
   * @throws UserInputError for any other text
   */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name).toLowerCase();
    if (value === '') return fallback;
    if (['true', 'yes', 'on', '1'].includes(value)) return true;
    if (['false', 'no', 'off', '0'].includes(value)) return false;
    throw new UserInputError(name, `"${value}" is not a boolean`, 'use true or false');
  }

  /**
   * An integer in [min, max], or `fallback` when empty.
   * @throws UserInputError when not an integer or out of range
   */
  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.string(name);
    if (value === '') return fallback;
    if (!/^-?\d+$/.test(value))
      throw new UserInputError(
        name,
        `"${value}" is not an integer`,
        `use a whole number from ${min} to ${max}`,
      );
    const n = Number(value);
    if (n < min || n > max)
      throw new UserInputError(name, `${n} is out of range`, `use a whole number from ${min} to ${max}`);
    return n;
  }

  /**
   * A duration in milliseconds (see `parseDuration`), or `fallbackMs` when empty.
   * @throws UserInputError when not a duration or outside [minMs, maxMs]
   */
  durationMs(name: string, fallbackMs: number, minMs = 0, maxMs = 7 * 86_400_000): number {
    const value = this.string(name);
    if (value === '') return fallbackMs;
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
   * One of `choices`, or `fallback` when empty.
   * @throws UserInputError for any other value
   */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.string(name).toLowerCase();
    if (value === '') return fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new UserInputError(
      name,
      `"${value}" is not one of the allowed values`,
      `use one of: ${choices.join(', ')}`,
    );
  }

  /**
   * A time to live in ms, or null for none (`0`, `none`, `never`); `fallback` (e.g. `72h`) when empty.
   * At least 1 minute, at most 365 days.
   * @throws UserInputError when not a duration or out of range
   */
  ttlMs(name: string, fallback: string): number | null {
    const text = this.string(name, fallback);
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
    return this.string(name) === '' ? null : this.integer(name, 0, 1, Number.MAX_SAFE_INTEGER);
  }

  /** A list: one item per line or comma-separated; blank items and `#` comments dropped. */
  list(name: string): string[] {
    return splitList(this.source(name));
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
