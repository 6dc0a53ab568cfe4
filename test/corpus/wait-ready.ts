/**
 * Bad inputs of wait-ready. Every row carries a valid probe and a short deadline (unless the row is about
 * them), so a wrongly accepted value ends in seconds; the error must name the bad input, not the deadline.
 */
import { BAD_BOOLEANS, BAD_DURATIONS, BAD_INTEGERS, commentRows } from './common.js';
import { bad, type CorpusRow, MARK } from './rows.js';

const A = 'wait-ready';
const PROBE = { url: 'http://127.0.0.1:9/', timeout: '3s' };

function rows(input: string, values: readonly string[], extra: Record<string, string> = PROBE): CorpusRow[] {
  return values.map((value) => bad(A, input, value, { with: { ...extra, [input]: value } }));
}

export const WAIT_READY: CorpusRow[] = [
  ...rows(
    'url',
    ['not a url', 'ftp://example.invalid/', 'http://', 'http://{nosuch:80}/', `http://x${MARK}/`],
    {
      timeout: '3s',
    },
  ),
  ...rows('expect-status', ['999', '99', 'abc', '2zz', '600-700', `200${MARK}`]),
  ...rows('expect-json', ['{unclosed', '42', `{"a": "${MARK}"`]),
  ...rows('expect-commit', ['not a sha!', `abc${MARK}`]),
  ...rows('headers', ['NoColon', 'Bad Name: x', ': no-name', `X-A: ${MARK}\nbroken`]),
  ...rows('insecure-tls', BAD_BOOLEANS),
  ...rows('tcp', ['nohostport', '127.0.0.1:99999', '127.0.0.1:abc', `127.0.0.1:${MARK}`], { timeout: '3s' }),
  ...rows('compose-services', ['Bad Service!', `web${MARK}`], { project: 'corpus-none', timeout: '3s' }),
  bad(A, 'compose-services', 'web', {
    id: `${A}/compose-services=without-project`,
    names: 'Input "project"',
  }),
  ...rows('rollout', ['bogus/x', 'deployment/', 'deployment/Bad_Name', `deployment/x${MARK}`], {
    timeout: '3s',
    namespace: 'corpus-ns',
  }),
  ...rows('probes', ['{not: [a list', '- kind: bogus', '- http: {url: 42}', `- exec: {command: "${MARK}"}`], {
    timeout: '3s',
  }),
  ...rows('project', ['UPPER!', `p${MARK}`], { 'compose-services': 'web', timeout: '3s' }),
  ...rows('namespace', ['Bad_NS!', `ns${MARK}`], { rollout: 'deployment/api', timeout: '3s' }),
  ...rows('kubeconfig', ['not: [yaml', 'just-a-token', '/root/.kube/config'], {
    rollout: 'deployment/api',
    namespace: 'corpus-ns',
    timeout: '3s',
  }),
  bad(A, 'context', 'no-such-context', {
    with: { rollout: 'deployment/api', namespace: 'corpus-ns', timeout: '3s', context: 'no-such-context' },
    needs: 'cluster',
  }),
  ...rows('timeout', [...BAD_DURATIONS, '0s'], { url: 'http://127.0.0.1:9/' }),
  ...rows('attempt-timeout', ['x', '0s']),
  ...rows('interval', ['-1s', 'x']),
  ...rows('max-interval', ['x', '1ms']),
  ...rows('backoff', ['0.5', 'x', '11']),
  ...rows('consecutive', [...BAD_INTEGERS, '0']),
  ...rows('upload-report', ['sometimes']),
  { id: `${A}/no-probe`, action: A, with: { timeout: '3s' }, names: /Input "(url|probes)"/ },
  ...commentRows(A, { url: 'http://127.0.0.1:9', timeout: '2s' }),
];
