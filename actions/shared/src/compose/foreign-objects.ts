/**
 * Networks and volumes a deploy would adopt (issue 9, defect 6). Compose reuses an existing network or
 * volume of the name it would create (`<project>_<key>`) even when Compose's own labels are missing, so a
 * pre-existing object someone else made would be mounted and written to. Before `up`, every network and
 * volume of the model named after the environment must either not exist or carry this environment's labels
 * (ownership.ts's rule); otherwise the deploy is refused, naming the object and the fix. External ones are
 * shared on purpose and not checked.
 */
import { belongsTo, LABELS, MANAGED_BY } from '../environment/labels.js';
import { mustSucceed, type Runner, run } from '../exec/cli.js';
import { SetupError } from '../runtime/errors.js';
import type { ComposeModel } from './model.js';

/** A network or volume by the name Compose gives it. */
export interface NamedObject {
  kind: 'network' | 'volume';
  name: string;
}

/**
 * The model's non-external networks and volumes, by the name they get in this environment: `<project>_<key>`
 * (Compose's own default, and what isolation-names.ts's override gives one with a fixed `name:`), pure.
 */
export function environmentObjects(model: ComposeModel, project: string): NamedObject[] {
  const out: NamedObject[] = [];
  for (const kind of ['network', 'volume'] as const) {
    for (const [key, definition] of Object.entries(model[`${kind}s`] ?? {})) {
      if (definition?.external) continue;
      out.push({ kind, name: `${project}_${key}` });
    }
  }
  return out;
}

// How the engine says an object does not exist: `Error: No such volume: x`, and for networks
// `Error response from daemon: network x not found` (Docker 20.10) or `No such network: x` (newer engines).
const ABSENT = /no such (network|volume)|network \S+ not found/i;

/**
 * Labels of an existing object, or null when there is none.
 * @throws ToolError when docker fails for another reason than the object's absence (`ABSENT`)
 */
async function labelsOf(runner: Runner, object: NamedObject): Promise<Record<string, string> | null> {
  const result = await runner(
    ['docker', object.kind, 'inspect', '--format', '{{json .Labels}}', object.name],
    {
      timeoutMs: 60_000,
    },
  );
  if (result.exitCode !== 0 && ABSENT.test(result.stderr)) return null;
  return (JSON.parse(mustSucceed(result).stdout.trim() || 'null') as Record<string, string> | null) ?? {};
}

/**
 * Refuses a deploy over an existing network or volume named after environment `project` that lacks its
 * labels; nothing is touched.
 * @throws SetupError naming the object (`volume "<name>"`) and the fix; ToolError when docker fails
 */
export async function refuseForeignObjects(
  model: ComposeModel,
  project: string,
  runner: Runner = run,
): Promise<void> {
  for (const object of environmentObjects(model, project)) {
    const labels = await labelsOf(runner, object);
    if (labels === null || belongsTo(labels, project)) continue;
    throw new SetupError(
      `${object.kind} "${object.name}" already exists without the ${LABELS.managedBy}=${MANAGED_BY} and ${LABELS.environment}=${project} labels: it was not created by these actions, and Compose would ${object.kind === 'volume' ? 'mount it and write to it' : 'attach the services to it'}; nothing was started`,
      `remove it if it is not needed (docker ${object.kind} rm ${object.name}), or give the environment another name (input "name")`,
    );
  }
}
