/**
 * teardown's record of what it removed (docs/lock-file.md): the fingerprint the environment's last deploy
 * left on its containers' labels (Compose) or its namespace's annotations, read before the removal. A
 * missing or unreadable record is not an error: the environment may predate fingerprints.
 */
import { Docker } from '../../shared/src/compose/docker.js';
import { environmentSelector } from '../../shared/src/environment/labels.js';
import { readRecord } from '../../shared/src/fingerprint/record.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';

/** The fingerprint on the environment's containers (`sha256:…`), or '' when none carries one. */
export async function composeFingerprint(name: string, docker = new Docker()): Promise<string> {
  try {
    const containers = await docker.containerLabels(environmentSelector(name));
    return containers.map((labels) => readRecord(labels)?.fingerprint).find(Boolean) ?? '';
  } catch {
    return ''; // the removal reports what is wrong with the engine
  }
}

/** The fingerprint on the namespace's annotations (`sha256:…`), or '' when it has none or cannot be read. */
export async function namespaceFingerprint(kubectl: Kubectl, namespace: string): Promise<string> {
  try {
    return readRecord((await kubectl.namespace(namespace))?.metadata.annotations)?.fingerprint ?? '';
  } catch {
    return ''; // the removal reports what is wrong with the cluster or the rights
  }
}
