/**
 * provision-compose settings: every input read once, validated, frozen. A bad input throws a
 * `UserInputError` naming the input, before anything runs.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { BuildPolicy, PullPolicy } from '../../shared/src/compose/compose.js';
import type { ContainerNamePolicy } from '../../shared/src/compose/isolation-names.js';
import { PROFILE_NAME, PROFILE_NAME_RULE } from '../../shared/src/compose/names.js';
import type { RemoveImagesPolicy } from '../../shared/src/compose/teardown.js';
import { readRunContext } from '../../shared/src/environment/run-context.js';
import { LOCK_MODES, type LockMode } from '../../shared/src/fingerprint/lock-file.js';
import { readFingerprintKey } from '../../shared/src/fingerprint/secret-seal.js';
import {
  type GitHubSettings,
  readEnvironmentUrl,
  readGitHubSettings,
} from '../../shared/src/github/settings.js';
import { UPLOAD_POLICIES, type UploadPolicy } from '../../shared/src/report/artifact.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { actionInputs, type InputSource, Inputs } from '../../shared/src/runtime/inputs.js';
import { checkComposeFiles } from './compose-files.js';
import { DEFAULTS, INPUTS } from './contract.js';

/** Typed settings. Durations in ms. Paths absolute. */
export interface ProvisionSettings {
  /** Compose files, absolute, in order. */
  files: string[];
  /** Absolute project directory (`working-directory`). */
  projectDirectory: string;
  services: string[];
  profiles: string[];
  envFiles: string[];
  build: BuildPolicy;
  pull: PullPolicy;
  wait: boolean;
  waitTimeoutMs: number;
  upTimeoutMs: number;
  /** null = no expiry. */
  ttlMs: number | null;
  name: string;
  prNumber: number | null;
  keep: boolean;
  allowFixedPorts: boolean;
  /** `container-name` input. */
  containerName: ContainerNamePolicy;
  /** `one-shots` input: services that run to completion. */
  oneShots: string[];
  /** `remove-images` input, for the post step. */
  removeImages: RemoveImagesPolicy;
  downTimeoutMs: number;
  logLines: number;
  uploadReport: UploadPolicy;
  github: GitHubSettings;
  /** For the GitHub Deployment ('' = the first published port). */
  environmentUrl: string;
  failOnSuperseded: boolean;
  /** `lock` (docs/lock-file.md). */
  lock: LockMode;
  /** The lock file, absolute (`lock-file`, relative to working-directory). */
  lockFile: string;
  /** `lock-files` globs, relative to the workspace. */
  lockFiles: string[];
  requireDigests: boolean;
  /** Hash the Docker engine and Compose versions too (`fingerprint-tools`). */
  fingerprintTools: boolean;
  /** `fingerprint-key` (masked), or '': seals secret values as HMACs (fingerprint/secret-seal.ts). */
  fingerprintKey: string;
}

/** Compose's default file names, in its lookup order (https://docs.docker.com/compose/intro/compose-application-model/#the-compose-file). */
export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The default file in `dir` plus its `.override` companion, which Compose also loads by default. */
export function defaultFiles(dir: string): string[] {
  for (const name of DEFAULT_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const override = join(dir, name.replace(/\.(ya?ml)$/, '.override.$1'));
    return existsSync(override) ? [path, override] : [path];
  }
  return [];
}

/**
 * Reads and validates the inputs.
 * @param source the raw inputs (the runner's by default); empty ones read as their action.yml default
 * @param workspace GITHUB_WORKSPACE (relative paths resolve against it)
 * @throws UserInputError for any bad input, naming it
 */
export function getSettings(
  source: InputSource = actionInputs,
  workspace = readRunContext().workspace,
): ProvisionSettings {
  const inputs = new Inputs(source, DEFAULTS);
  const projectDirectory = resolve(workspace, inputs.string(INPUTS.workingDirectory));
  if (!existsSync(projectDirectory)) {
    throw new UserInputError(
      INPUTS.workingDirectory,
      `directory "${projectDirectory}" does not exist`,
      'check out the repository first (actions/checkout) or fix the path',
    );
  }
  const listed = inputs
    .list(INPUTS.composeFiles)
    .map((file) => (isAbsolute(file) ? file : resolve(projectDirectory, file)));
  for (const file of listed) {
    if (!existsSync(file)) {
      throw new UserInputError(
        INPUTS.composeFiles,
        `file "${file}" does not exist`,
        `give paths relative to working-directory (${projectDirectory})`,
      );
    }
  }
  const files = listed.length > 0 ? listed : defaultFiles(projectDirectory);
  if (files.length === 0) {
    throw new UserInputError(
      INPUTS.composeFiles,
      `no compose file was given and none of ${DEFAULT_FILES.join(', ')} is in ${projectDirectory}`,
      'set compose-files or working-directory',
    );
  }
  checkComposeFiles(files, projectDirectory);
  const envFiles = inputs
    .list(INPUTS.envFiles)
    .map((file) => (isAbsolute(file) ? file : resolve(projectDirectory, file)));
  for (const file of envFiles) {
    if (!existsSync(file))
      throw new UserInputError(INPUTS.envFiles, `file "${file}" does not exist`, 'fix the path or remove it');
  }
  const ttlMs = inputs.ttlMs(INPUTS.ttl);
  const prNumber = inputs.prNumber(INPUTS.prNumber);
  return Object.freeze({
    files,
    projectDirectory,
    services: inputs.list(INPUTS.services),
    profiles: inputs.matchingList(INPUTS.profiles, PROFILE_NAME, 'Compose profile name', PROFILE_NAME_RULE),
    envFiles,
    build: inputs.choice(INPUTS.build, ['auto', 'always', 'missing', 'never'] as const),
    pull: inputs.choice(INPUTS.pull, ['missing', 'always', 'never'] as const),
    wait: inputs.boolean(INPUTS.wait),
    waitTimeoutMs: inputs.durationMs(INPUTS.waitTimeout, 1000, 6 * 3_600_000),
    upTimeoutMs: inputs.durationMs(INPUTS.upTimeout, 1000, 6 * 3_600_000),
    ttlMs,
    name: inputs.string(INPUTS.name),
    prNumber,
    keep: inputs.boolean(INPUTS.keep),
    allowFixedPorts: inputs.boolean(INPUTS.allowFixedPorts),
    containerName: inputs.choice(INPUTS.containerName, ['alias', 'refuse'] as const),
    oneShots: inputs.list(INPUTS.oneShots),
    removeImages: inputs.choice(INPUTS.removeImages, ['local', 'none'] as const),
    downTimeoutMs: inputs.durationMs(INPUTS.downTimeout, 1000, 3_600_000),
    logLines: inputs.integer(INPUTS.logLines, 1, 100_000),
    uploadReport: inputs.choice(INPUTS.uploadReport, UPLOAD_POLICIES),
    github: readGitHubSettings(inputs),
    environmentUrl: readEnvironmentUrl(inputs, INPUTS.environmentUrl),
    failOnSuperseded: inputs.boolean(INPUTS.failOnSuperseded),
    lock: inputs.choice(INPUTS.lock, LOCK_MODES),
    lockFile: resolve(projectDirectory, inputs.string(INPUTS.lockFile)),
    lockFiles: inputs.list(INPUTS.lockFiles),
    requireDigests: inputs.boolean(INPUTS.requireDigests),
    fingerprintTools: inputs.boolean(INPUTS.fingerprintTools),
    fingerprintKey: readFingerprintKey(INPUTS.fingerprintKey, inputs.string(INPUTS.fingerprintKey)),
  });
}
