/**
 * State from main to post: private to one action instance, written with `core.saveState` (GITHUB_STATE) and
 * read back by the post step as `STATE_<key>`
 * (https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions#runspost).
 * Each action shapes its state in its contract.ts; main saves it before it creates anything.
 */
import * as core from '@actions/core';

/** Saves `state` (JSON) under `key`; a later save replaces it. */
export function saveState<T>(key: string, state: T): void {
  core.saveState(key, JSON.stringify(state));
}

/**
 * The state main saved under `key`, or null when it saved none (it failed before naming the environment):
 * then a warning says so and post has nothing to clean up.
 * @param action the action's name, for the warning
 * @param what what main names first (`environment`, `namespace`)
 */
export function loadState<T>(key: string, action: string, what: string): T | null {
  const raw = core.getState(key);
  if (raw) return JSON.parse(raw) as T;
  core.warning(
    `${action} post: main saved no state (it failed before naming the ${what}); nothing to clean up.`,
  );
  return null;
}
