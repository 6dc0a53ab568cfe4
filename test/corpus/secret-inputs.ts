/**
 * Which inputs of each action can carry a secret: the canary tests (test/integration/canary.test.ts,
 * test/k8s/canary.test.ts) put a canary in each of them and record it here by name; the contract test
 * checks that every input of every action.yml is classified, so a new input is decided on, not forgotten.
 *
 * `secret`: the value itself, or files or text it names, may hold credentials. `plain`: never does.
 */
/** The comment inputs of every action that writes to the sticky comment (the token is secret). */
const COMMENT = { 'github-token': 'secret', comment: 'plain', 'comment-author': 'plain' } as const;
/** The GitHub inputs of the deploy actions and teardown. */
const GITHUB = { ...COMMENT, 'github-deployment': 'plain', 'deployment-environment': 'plain' } as const;

export const SECRET_INPUTS: Record<string, Record<string, 'secret' | 'plain'>> = {
  'provision-compose': {
    'compose-files': 'secret', // environment values, URLs with passwords, command lines
    'working-directory': 'plain',
    services: 'plain',
    profiles: 'plain',
    'env-files': 'secret',
    build: 'plain',
    pull: 'plain',
    wait: 'plain',
    'wait-timeout': 'plain',
    'up-timeout': 'plain',
    ttl: 'plain',
    name: 'plain',
    'pr-number': 'plain',
    keep: 'plain',
    'allow-fixed-ports': 'plain',
    'container-name': 'plain',
    'one-shots': 'plain',
    'remove-images': 'plain',
    lock: 'plain',
    'lock-file': 'plain', // digests and hashes only
    'lock-files': 'plain', // hashed, never shown
    'require-digests': 'plain',
    'fingerprint-tools': 'plain',
    'fingerprint-key': 'secret',
    'down-timeout': 'plain',
    'log-lines': 'plain',
    'upload-report': 'plain',
    ...GITHUB,
    'environment-url': 'plain',
    'fail-on-superseded': 'plain',
  },
  'deploy-namespace': {
    name: 'plain',
    'pr-number': 'plain',
    lock: 'plain',
    'lock-file': 'plain',
    'lock-files': 'plain',
    'lock-rendered': 'plain',
    'fingerprint-tools': 'plain',
    'fingerprint-key': 'secret',
    kubeconfig: 'secret',
    context: 'plain',
    kubectl: 'plain',
    helm: 'plain',
    isolation: 'plain',
    vcluster: 'plain',
    'vcluster-chart': 'plain',
    'vcluster-values': 'plain', // paths; the vcluster CLI reads the files
    'vcluster-server': 'plain',
    chart: 'plain',
    'chart-version': 'plain',
    repo: 'secret', // https://user:token@charts.example/
    release: 'plain',
    values: 'secret', // values files hold passwords
    set: 'secret',
    'set-public': 'plain', // declared not secret: shown as it is
    manifests: 'secret', // Secret objects
    kustomize: 'secret', // secretGenerator literals
    host: 'plain',
    timeout: 'plain',
    ttl: 'plain',
    'janitor-annotations': 'plain',
    'resource-quota': 'plain',
    'limit-range': 'plain',
    'network-policy': 'plain',
    'image-pull-secrets': 'plain', // names of Secrets, not their data
    'pull-secrets-namespace': 'plain',
    cleanup: 'plain',
    'cleanup-timeout': 'plain',
    'upload-report': 'plain',
    ...GITHUB,
    'environment-url': 'plain',
    'fail-on-superseded': 'plain',
  },
  'wait-ready': {
    url: 'secret', // http://user:password@host
    'expect-status': 'plain',
    'expect-json': 'plain',
    'expect-commit': 'plain',
    headers: 'secret', // Authorization
    'insecure-tls': 'plain',
    tcp: 'plain',
    'compose-services': 'plain',
    rollout: 'plain',
    probes: 'secret', // urls, headers, exec commands
    project: 'plain',
    namespace: 'plain',
    kubeconfig: 'secret',
    context: 'plain',
    timeout: 'plain',
    'attempt-timeout': 'plain',
    interval: 'plain',
    'max-interval': 'plain',
    backoff: 'plain',
    consecutive: 'plain',
    'upload-report': 'plain',
    ...COMMENT,
  },
  'verify-seed': {
    spec: 'secret', // connection URLs, passwords, headers
    checks: 'secret',
    'working-directory': 'plain',
    'seed-command': 'secret',
    'seed-timeout': 'plain',
    retries: 'plain',
    'retry-interval': 'plain',
    'check-timeout': 'plain',
    timeout: 'plain',
    project: 'plain',
    'upload-report': 'plain',
    ...COMMENT,
  },
  teardown: {
    name: 'plain',
    'pr-number': 'plain',
    mode: 'plain',
    namespace: 'plain',
    kubeconfig: 'secret',
    context: 'plain',
    'remove-images': 'plain',
    'down-timeout': 'plain',
    'upload-report': 'plain',
    ...GITHUB,
    'github-admin-token': 'secret',
    'dry-run': 'plain',
    'max-deletions': 'plain',
    'max-percentage': 'plain',
    'delete-not-found': 'plain',
    'closed-grace': 'plain',
    'sweep-targets': 'plain',
    'sweep-concurrency': 'plain',
  },
};

/** The secret-carrying inputs of `action`. */
export function secretInputs(action: string): string[] {
  return Object.entries(SECRET_INPUTS[action] ?? {})
    .filter(([, kind]) => kind === 'secret')
    .map(([input]) => input);
}

/** `<action> <input>` pairs the engine canary test (test/integration/canary.test.ts) puts canaries in. */
export const ENGINE_CANARY_INPUTS = [
  'provision-compose compose-files',
  'provision-compose env-files',
  'provision-compose github-token',
  'provision-compose fingerprint-key',
  'wait-ready url',
  'wait-ready headers',
  'wait-ready probes',
  'verify-seed spec',
  'verify-seed checks',
  'verify-seed seed-command',
  'wait-ready github-token',
  'verify-seed github-token',
  'teardown github-token',
  'teardown github-admin-token',
] as const;

/** `<action> <input>` pairs the cluster canary test (test/k8s/canary.test.ts) puts canaries in. */
export const CLUSTER_CANARY_INPUTS = [
  'deploy-namespace kubeconfig',
  'deploy-namespace repo',
  'deploy-namespace values',
  'deploy-namespace set',
  'deploy-namespace manifests',
  'deploy-namespace kustomize',
  'deploy-namespace github-token',
  'deploy-namespace fingerprint-key',
  'wait-ready kubeconfig',
  'teardown kubeconfig',
] as const;
