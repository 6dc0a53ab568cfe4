/**
 * Bad inputs of deploy-namespace, run against the test cluster: every row must fail before anything is
 * created there. The base workspace holds a small chart (chart/) and a manifest (manifests/).
 */
import { BAD_BOOLEANS, BAD_DURATIONS, BAD_NAMES, BAD_PR_NUMBERS, githubRows } from './common.js';
import { bad, type CorpusRow, MARK } from './rows.js';

const A = 'deploy-namespace';
const MANIFESTS = { manifests: 'manifests', timeout: '30s' };
const CHART = { chart: 'chart', timeout: '30s' };
function rows(
  input: string,
  values: readonly string[],
  extra: Record<string, string> = MANIFESTS,
): CorpusRow[] {
  return values.map((value) => bad(A, input, value, { with: { ...extra, [input]: value } }));
}

export const DEPLOY_NAMESPACE: CorpusRow[] = [
  ...rows('name', BAD_NAMES),
  ...rows('pr-number', BAD_PR_NUMBERS),
  ...rows('kubeconfig', ['not: [yaml', 'just-a-token', '/root/.kube/config']),
  ...rows('context', ['no-such-context', `ctx${MARK}`]),
  ...rows('kubectl', ['/nonexistent/kubectl', 'no-such-kubectl-xyz', `kubectl${MARK}`]),
  ...rows('helm', ['/nonexistent/helm', `helm${MARK}`], CHART),
  ...rows('isolation', ['vm', `iso${MARK}`]),
  ...rows('vcluster', ['/nonexistent/vcluster', `vcluster${MARK}`], { ...MANIFESTS, isolation: 'vcluster' }),
  ...rows('vcluster-chart', ['missing/', `c${MARK}`], { ...MANIFESTS, isolation: 'vcluster' }),
  ...rows('vcluster-values', ['missing.yaml', `v${MARK}.yaml`], { ...MANIFESTS, isolation: 'vcluster' }),
  ...rows('vcluster-server', ['http://insecure.example.test', `https://x/${MARK}`], {
    ...MANIFESTS,
    isolation: 'vcluster',
  }),
  ...rows('chart', ['no/such/chart', `chart${MARK}`], { timeout: '30s' }),
  ...rows('chart-version', ['not a version!', '9.9.9'], CHART),
  ...rows('repo', ['not a url', `https://x${MARK}`], { chart: 'corpus', timeout: '30s' }),
  ...rows('release', ['UPPER!', 'r'.repeat(54), `r${MARK}`], CHART),
  ...rows('values', ['missing.yaml', `v${MARK}.yaml`], CHART),
  {
    id: `${A}/values=invalid-yaml`,
    action: A,
    with: { ...CHART, values: 'bad-values.yaml' },
    files: { 'bad-values.yaml': 'greeting: hello\nnested:\n  key: value: other\n' },
    names: /bad-values\.yaml:3/,
  },
  ...rows('set', ['noequals', '=value', `greeting=${MARK}\nbroken`], CHART),
  ...rows('manifests', ['missing/', `m${MARK}`], { timeout: '30s' }),
  {
    id: `${A}/manifests=invalid-yaml`,
    action: A,
    with: { manifests: 'bad', timeout: '30s' },
    files: { 'bad/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x: y\n' },
    names: /Input "manifests \(bad\/cm\.yaml:4\)"/,
  },
  ...rows('kustomize', ['missing/', `k${MARK}`], { timeout: '30s' }),
  {
    id: `${A}/chart-and-manifests`,
    action: A,
    with: { ...CHART, manifests: 'manifests' },
    names: /Input "(chart|manifests|chart\/manifests)"/,
  },
  ...rows('host', ['bad host!', '{{nosuch}}.example.test', `h${MARK}.example.test`]),
  ...rows('timeout', [...BAD_DURATIONS, '0s'], { manifests: 'manifests' }),
  ...rows('ttl', ['3 days', '-1h']),
  ...rows('janitor-annotations', BAD_BOOLEANS),
  ...rows('resource-quota', ['cpu=lots', 'noequals', `pods=${MARK}`]),
  ...rows('limit-range', ['bogus.cpu=1', 'default.cpu=lots', 'noequals']),
  ...rows('network-policy', ['allow-all', `none${MARK}`]),
  ...rows('image-pull-secrets', ['UPPER!', `s${MARK}`]),
  ...rows('pull-secrets-namespace', ['Bad_NS!'], { ...MANIFESTS, 'image-pull-secrets': 'regcred' }),
  ...rows('cleanup', ['sometimes']),
  ...rows('cleanup-timeout', ['x', '0s']),
  ...rows('upload-report', ['sometimes']),
  ...githubRows(A, MANIFESTS),
  ...rows('environment-url', ['not a url', `https://x.example/${MARK}`]),
  ...rows('fail-on-superseded', BAD_BOOLEANS),
  ...rows('lock', ['sometimes', `verify${MARK}`]),
  {
    id: `${A}/lock-file=invalid-json`,
    action: A,
    with: { ...MANIFESTS, 'lock-file': 'bad.lock.json' },
    files: { 'bad.lock.json': '{ not json\n' },
    names: 'Input "lock-file',
  },
  ...rows('lock-files', ['no-such-*.lock']),
  ...rows('lock-rendered', BAD_BOOLEANS, CHART),
  ...rows('fingerprint-tools', BAD_BOOLEANS),
  ...rows('fingerprint-key', ['short-key']),
  ...rows('set-public', ['noequals', 'a..b=1', `l={x,${MARK}`], CHART),
  ...rows('set-public', ['image.tag=1']),
];
