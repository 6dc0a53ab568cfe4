/**
 * Guardrails applied inside the namespace before the workload: a ResourceQuota and a LimitRange (the
 * LimitRange gives pods without requests/limits defaults, which a quota on requests/limits needs), an
 * optional default-deny NetworkPolicy, and image-pull Secrets copied from a source namespace and added to
 * the `default` ServiceAccount. All need namespaced rights only.
 */

import type { LabelSet } from '../../shared/src/environment/labels.js';
import type { Kubectl } from '../../shared/src/kube/kubectl.js';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import type { NetworkPolicyMode } from './settings.js';

/** Object names of the guardrails. */
export const GUARDRAIL_NAMES = {
  quota: 'ephemeral-quota',
  limits: 'ephemeral-limits',
  networkPolicy: 'ephemeral-default-deny',
} as const;

type Manifest = Record<string, unknown>;

/** The ResourceQuota (pure). */
export function quotaManifest(namespace: string, hard: Record<string, string>, labels: LabelSet): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: GUARDRAIL_NAMES.quota, namespace, labels },
    spec: { hard },
  };
}

/** The LimitRange for containers (pure). */
export function limitRangeManifest(
  namespace: string,
  limits: Record<string, Record<string, string>>,
  labels: LabelSet,
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: GUARDRAIL_NAMES.limits, namespace, labels },
    spec: { limits: [{ type: 'Container', ...limits }] },
  };
}

/**
 * The default-deny NetworkPolicy (pure): `deny-ingress` blocks ingress from outside the namespace (pods
 * in it still talk to each other); `deny-all` also blocks egress except DNS and the namespace itself.
 */
export function networkPolicyManifest(
  namespace: string,
  mode: Exclude<NetworkPolicyMode, 'none'>,
  labels: LabelSet,
): Manifest {
  const sameNamespace = [{ podSelector: {} }];
  const spec: Record<string, unknown> = {
    podSelector: {},
    policyTypes: mode === 'deny-all' ? ['Ingress', 'Egress'] : ['Ingress'],
    ingress: [{ from: sameNamespace }],
  };
  if (mode === 'deny-all') {
    spec.egress = [
      { to: sameNamespace },
      {
        to: [{ namespaceSelector: {} }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ];
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: GUARDRAIL_NAMES.networkPolicy, namespace, labels },
    spec,
  };
}

/** A Secret as `kubectl get secret -o json` returns it (fields used). */
interface SecretObject {
  type?: string;
  data?: Record<string, string>;
  metadata: { name: string };
}

/** A copy of `secret` for `namespace`: data and type only, labelled (pure). */
export function copiedSecret(secret: SecretObject, namespace: string, labels: LabelSet): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: secret.type ?? 'Opaque',
    metadata: { name: secret.metadata.name, namespace, labels },
    data: secret.data ?? {},
  };
}

/** What `applyGuardrails` takes. */
export interface GuardrailOptions {
  quota: Record<string, string> | null;
  limits: Record<string, Record<string, string>> | null;
  networkPolicy: NetworkPolicyMode;
  pullSecrets: string[];
  pullSecretsNamespace: string;
  /** Stable labels for the guardrail objects. */
  labels: LabelSet;
  log: (line: string) => void;
}

/**
 * Applies the guardrails (server-side apply, idempotent). Returns the names applied.
 * @throws UserInputError naming `image-pull-secrets` when a listed Secret is missing; ToolError otherwise
 */
export async function applyGuardrails(
  kubectl: Kubectl,
  namespace: string,
  o: GuardrailOptions,
): Promise<string[]> {
  const manifests: Manifest[] = [];
  if (o.quota) manifests.push(quotaManifest(namespace, o.quota, o.labels));
  if (o.limits) manifests.push(limitRangeManifest(namespace, o.limits, o.labels));
  if (o.networkPolicy !== 'none') manifests.push(networkPolicyManifest(namespace, o.networkPolicy, o.labels));
  for (const name of o.pullSecrets) {
    const secret = await kubectl.getJson<SecretObject>([
      'secret',
      name,
      '--namespace',
      o.pullSecretsNamespace,
    ]);
    if (!secret)
      throw new UserInputError(
        'image-pull-secrets',
        `Secret "${name}" does not exist in namespace "${o.pullSecretsNamespace}"`,
        'create it there first, or fix the name or pull-secrets-namespace',
      );
    manifests.push(copiedSecret(secret, namespace, o.labels));
  }
  const applied: string[] = [];
  if (manifests.length > 0) {
    await kubectl.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }), { namespace });
    for (const m of manifests) {
      const name = `${m.kind}/${(m.metadata as { name: string }).name}`;
      applied.push(name);
      o.log(`Applied ${name}`);
    }
  }
  if (o.pullSecrets.length > 0) {
    // The default ServiceAccount appears shortly after the namespace (the serviceaccount controller).
    const patch = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace },
      imagePullSecrets: o.pullSecrets.map((name) => ({ name })),
    };
    await kubectl.apply(JSON.stringify(patch), { namespace });
    o.log(`ServiceAccount/default uses image pull secrets ${o.pullSecrets.join(', ')}`);
  }
  return applied;
}
