/**
 * Resolves the environment identity for an action from its `name` / `pr-number` inputs and the run context.
 * The one entry point every action uses, so they all agree on the name.
 */

import { deriveIdentity, type EnvironmentIdentity } from './identity.js';
import { type RunContext, readRunContext } from './run-context.js';

/** Identity plus the run facts the labels and reports need. */
export interface ResolvedEnvironment extends EnvironmentIdentity {
  context: RunContext;
  /** The PR number used (input, else event), or null. */
  prNumber: number | null;
}

/**
 * @param explicitName the `name` input ('' to derive)
 * @param prNumber the `pr-number` input (null to take it from the event)
 * @throws UserInputError from `deriveIdentity`
 */
export function resolveEnvironment(
  explicitName: string,
  prNumber: number | null,
  context = readRunContext(),
): ResolvedEnvironment {
  const pr = prNumber ?? context.prNumber;
  const identity = deriveIdentity({
    repository: context.repository,
    prNumber: pr,
    ref: context.ref,
    explicitName,
  });
  return { ...identity, context, prNumber: pr };
}
