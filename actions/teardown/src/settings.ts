/** teardown settings: inputs read once, validated, frozen. */
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/artifact.js';
import { Inputs } from '../../shared/src/inputs.js';
import { INPUTS } from './contract.js';

export interface TeardownSettings {
  /** Explicit environment name, or '' to derive it from the PR / ref exactly as provision-compose does. */
  name: string;
  prNumber: number | null;
  downTimeoutMs: number;
  uploadReport: UploadPolicy;
}

/**
 * @throws UserInputError for any bad input, naming it
 */
export function getSettings(inputs = new Inputs()): TeardownSettings {
  const prText = inputs.string(INPUTS.prNumber);
  return Object.freeze({
    name: inputs.string(INPUTS.name),
    prNumber: prText === '' ? null : inputs.integer(INPUTS.prNumber, 0, 1, Number.MAX_SAFE_INTEGER),
    downTimeoutMs: inputs.durationMs(INPUTS.downTimeout, 180_000, 1000, 3_600_000),
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES, 'on-failure'),
  });
}
