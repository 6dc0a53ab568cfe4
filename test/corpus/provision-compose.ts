// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files and specs say ${VAR}; rows quote them
/** Bad inputs of provision-compose. Rows fail before `docker compose up`, so nothing may start. */
import {
  BAD_BOOLEANS,
  BAD_DURATIONS,
  BAD_INTEGERS,
  BAD_NAMES,
  BAD_PR_NUMBERS,
  each,
  githubRows,
} from './common.js';
import { bad, type CorpusRow, MARK } from './rows.js';

const A = 'provision-compose';

export const PROVISION_COMPOSE: CorpusRow[] = [
  ...each(A, 'compose-files', ['missing.yaml', `missing${MARK}.yaml`, '/etc/no-such-compose.yaml']),
  {
    id: `${A}/compose-files=invalid-yaml`,
    action: A,
    with: { 'compose-files': 'bad.yaml' },
    files: { 'bad.yaml': 'services:\n  web:\n    image: busybox:1.35\n    command: sleep: 300\n' },
    names: /bad\.yaml:4\b/,
  },
  {
    id: `${A}/compose-files=empty`,
    action: A,
    with: { 'compose-files': 'empty.yaml' },
    files: { 'empty.yaml': '' },
    names: /empty\.yaml/,
  },
  {
    id: `${A}/compose-files=a-list`,
    action: A,
    with: { 'compose-files': 'list.yaml' },
    files: { 'list.yaml': '- web\n- db\n' },
    names: /list\.yaml/,
  },
  {
    id: `${A}/compose-files=no-services`,
    action: A,
    with: { 'compose-files': 'none.yaml' },
    files: { 'none.yaml': 'name: whatever\nvolumes:\n  data: {}\n' },
    names: /none\.yaml/,
  },
  {
    id: `${A}/compose-files=container_name`,
    action: A,
    with: { 'container-name': 'refuse' },
    files: {
      'compose.yaml': 'services:\n  web:\n    image: busybox:1.35\n    container_name: corpus-fixed\n',
    },
    names: 'Input "container-name"',
  },
  {
    id: `${A}/compose-files=interpolation-error`,
    action: A,
    with: {},
    files: { 'compose.yaml': 'services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n' },
    names: /compose\.yaml|IMAGE/,
  },
  ...each(A, 'working-directory', ['no/such/dir', `dir${MARK}`]),
  {
    id: `${A}/working-directory=no-compose-file`,
    action: A,
    with: { 'working-directory': 'empty-dir' },
    files: { 'empty-dir/README': 'no compose file here\n' },
    names: 'Input "compose-files"',
  },
  ...each(A, 'services', ['nosuch', `web,${MARK}`]),
  ...each(A, 'profiles', ['bad profile!', `${MARK}`]),
  ...each(A, 'one-shots', ['nosuch', `web,${MARK}`]),
  ...each(A, 'container-name', ['rename', `alias${MARK}`]),
  ...each(A, 'remove-images', ['all', `local${MARK}`]),
  ...each(A, 'lock', ['sometimes', `verify${MARK}`]),
  bad(A, 'lock-file', 'bad.lock.json', { files: { 'bad.lock.json': '{ not json\n' } }),
  ...each(A, 'lock-files', ['no-such-*.lock']),
  ...each(A, 'require-digests', BAD_BOOLEANS),
  ...each(A, 'fingerprint-tools', BAD_BOOLEANS),
  ...each(A, 'fingerprint-key', ['short-key']),
  ...each(A, 'env-files', ['missing.env', `x${MARK}.env`]),
  ...each(A, 'build', ['sometimes', `auto${MARK}`]),
  ...each(A, 'pull', ['maybe', 'if-not-present']),
  ...each(A, 'wait', BAD_BOOLEANS),
  ...each(A, 'wait-timeout', [...BAD_DURATIONS, '0s']),
  ...each(A, 'up-timeout', ['forever', '1ms']),
  ...each(A, 'ttl', ['3 days', '-1h', '10s']),
  ...each(A, 'name', BAD_NAMES),
  ...each(A, 'pr-number', BAD_PR_NUMBERS),
  ...each(A, 'keep', BAD_BOOLEANS),
  ...each(A, 'allow-fixed-ports', ['sure']),
  ...each(A, 'down-timeout', ['x', '0s']),
  ...each(A, 'log-lines', BAD_INTEGERS),
  ...each(A, 'upload-report', ['sometimes', `always${MARK}`]),
  bad(A, 'compose-files', 'compose.yaml', {
    id: `${A}/env-secret=injection-in-variable`,
    with: { 'container-name': 'refuse' },
    env: { CORPUS_SECRET: `${MARK}` },
    files: {
      'compose.yaml':
        'services:\n  web:\n    image: busybox:1.35\n    container_name: corpus-${CORPUS_SECRET}\n',
    },
    names: 'Input "container-name"',
  }),
  ...githubRows(A),
  ...each(A, 'environment-url', ['not a url', `https://x.example/${MARK}`]),
  ...each(A, 'fail-on-superseded', BAD_BOOLEANS),
];
