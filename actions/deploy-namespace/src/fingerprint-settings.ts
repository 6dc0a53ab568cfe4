/** deploy-namespace's fingerprint and lock inputs (docs/lock-file.md), read once with the other settings. */
import { resolve } from 'node:path';
import { LOCK_MODES, type LockMode } from '../../shared/src/fingerprint/lock-file.js';
import { readFingerprintKey } from '../../shared/src/fingerprint/secret-seal.js';
import type { Inputs } from '../../shared/src/runtime/inputs.js';
import { INPUTS } from './contract.js';

/** The fingerprint part of the settings. Paths absolute. */
export interface FingerprintSettings {
  /** `lock` (docs/lock-file.md). */
  lock: LockMode;
  /** The lock file, absolute (`lock-file`, relative to the workspace). */
  lockFile: string;
  /** `lock-files` globs, relative to the workspace. */
  lockFiles: string[];
  /** Also hash `helm template` output (`lock-rendered`). */
  lockRendered: boolean;
  /** Hash the Helm version too (`fingerprint-tools`). */
  fingerprintTools: boolean;
  /** `fingerprint-key` (masked), or '': seals secret values as HMACs (fingerprint/secret-seal.ts). */
  fingerprintKey: string;
}

/**
 * Reads the fingerprint inputs.
 * @throws UserInputError naming `lock`, `lock-rendered` or `fingerprint-tools` for a value they do not take,
 *   or `fingerprint-key` for a key shorter than 16 characters
 */
export function readFingerprintSettings(inputs: Inputs, workspace: string): FingerprintSettings {
  return {
    lock: inputs.choice(INPUTS.lock, LOCK_MODES),
    lockFile: resolve(workspace, inputs.string(INPUTS.lockFile)),
    lockFiles: inputs.list(INPUTS.lockFiles),
    lockRendered: inputs.boolean(INPUTS.lockRendered),
    fingerprintTools: inputs.boolean(INPUTS.fingerprintTools),
    fingerprintKey: readFingerprintKey(INPUTS.fingerprintKey, inputs.string(INPUTS.fingerprintKey)),
  };
}
