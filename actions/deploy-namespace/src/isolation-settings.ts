/**
 * deploy-namespace's `isolation` inputs, read once with the other settings: `namespace` (the default: the
 * workload goes straight into the PR's namespace) or `vcluster` (a virtual cluster in that namespace, the
 * workload inside it: vcluster.ts). The vcluster inputs are refused in namespace mode rather than ignored.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { requireProgram } from '../../shared/src/exec/program.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import type { Inputs } from '../../shared/src/runtime/inputs.js';
import { INPUTS } from './contract.js';
import type { VclusterSettings } from './vcluster.js';

/** How the PR's environment is isolated. */
export type IsolationMode = 'namespace' | 'vcluster';
export const ISOLATION_MODES: readonly IsolationMode[] = ['namespace', 'vcluster'];

/** The isolation part of the settings. Paths absolute. */
export interface IsolationSettings extends VclusterSettings {
  isolation: IsolationMode;
}

const VCLUSTER_INPUTS = [INPUTS.vclusterChart, INPUTS.vclusterValues, INPUTS.vclusterServer] as const;

function workspacePath(input: string, workspace: string, path: string, directory: boolean): string {
  const absolute = isAbsolute(path) ? path : resolve(workspace, path);
  if (!existsSync(absolute) || statSync(absolute).isDirectory() !== directory)
    throw new UserInputError(
      input,
      `"${path}" is not ${directory ? 'a directory' : 'a file'} (looked in ${absolute})`,
      `give a ${directory ? 'chart directory' : 'values file'} relative to the workspace (${workspace}); check out the repository first`,
    );
  return absolute;
}

/** `vcluster-server`: an https URL, or ''. */
function readServer(inputs: Inputs): string {
  const server = inputs.string(INPUTS.vclusterServer);
  if (server && !/^https:\/\/[^\s/]+(:\d+)?\/?$/.test(server))
    throw new UserInputError(
      INPUTS.vclusterServer,
      `"${server}" is not an https://host[:port] URL`,
      'give the URL the runner reaches the virtual API server at (e.g. https://vc.example.test:443), or leave it empty for the Service ClusterIP',
    );
  return server.replace(/\/$/, '');
}

/**
 * Reads the isolation inputs; in vcluster mode checks that the CLI can be started (last, like the other
 * programs).
 * @param cwd where a relative program path resolves
 * @throws UserInputError naming `isolation`, a vcluster input given without `isolation: vcluster`, a
 *   missing chart directory or values file, a bad `vcluster-server`, or a `vcluster` program that cannot start
 */
export function readIsolationSettings(
  inputs: Inputs,
  workspace: string,
  cwd = process.cwd(),
): IsolationSettings {
  const isolation = inputs.choice(INPUTS.isolation, ISOLATION_MODES);
  const vcluster = inputs.string(INPUTS.vcluster);
  if (isolation === 'namespace') {
    for (const input of VCLUSTER_INPUTS)
      if (inputs.string(input) !== '')
        throw new UserInputError(
          input,
          'only applies to isolation: vcluster, but isolation is namespace',
          `set isolation: vcluster, or remove "${input}"`,
        );
    return { isolation, vcluster, vclusterChart: '', vclusterValues: [], vclusterServer: '' };
  }
  const chart = inputs.string(INPUTS.vclusterChart);
  const settings: IsolationSettings = {
    isolation,
    vcluster,
    vclusterChart: chart ? workspacePath(INPUTS.vclusterChart, workspace, chart, true) : '',
    vclusterValues: inputs
      .list(INPUTS.vclusterValues)
      .map((f) => workspacePath(INPUTS.vclusterValues, workspace, f, false)),
    vclusterServer: readServer(inputs),
  };
  requireProgram(
    INPUTS.vcluster,
    vcluster,
    'install the vcluster CLI (loft-sh/setup-vcluster, or its release binary) and give its name or path',
    cwd,
  );
  return settings;
}
