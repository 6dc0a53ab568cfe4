/** wait-ready's settings: every bad input names itself; placeholders resolve; the Kubernetes namespace. */
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests, redact } from '../../../actions/shared/src/runtime/secrets.js';
import { getSettings, getSettings as waitSettings } from '../../../actions/wait-ready/src/settings.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('action settings: every bad input names itself', () => {
  it.each([
    [{}, 'url'],
    [{ url: 'ftp://x' }, 'url'],
    [{ url: 'http://{api:8080}/health' }, 'url'],
    [{ url: 'http://x', 'expect-status': '2xy' }, 'expect-status'],
    [{ url: 'http://x', 'expect-json': '{a: [' }, 'expect-json:1:6'],
    [{ 'expect-commit': 'abc1234' }, 'expect-commit'],
    [{ tcp: 'localhost' }, 'tcp'],
    [{ tcp: 'localhost:99999' }, 'tcp'],
    [{ url: 'http://x', backoff: '0.5' }, 'backoff'],
    [{ url: 'http://x', headers: 'no colon here' }, 'headers'],
    [{ 'compose-services': 'all' }, 'project'],
    [{ probes: '- nothing: 1' }, 'probes:1:3 (probes[0])'],
    [{ probes: '- http: http://x\n  tcp: y:1' }, 'probes:1:3 (probes[0])'],
    [{ probes: '- log: {service: api, pattern: "("}' }, 'probes:1:32 (probes[0].log.pattern)'],
    [{ probes: '- exec: {service: db}' }, 'probes:1:9 (probes[0].exec)'],
    [{ probes: 'a: b' }, 'probes:1:1'],
    [{ probes: '- tcp: localhost:1\n- name: api\n  http: ftp://x' }, 'probes:3:9 (probes[1].http)'],
    // issue 9: values that could never match are refused before anything waits
    [{ url: 'http://x', 'expect-status': '999' }, 'expect-status'],
    [{ url: 'http://x', 'expect-status': '600-700' }, 'expect-status'],
    [{ url: 'http://x', 'expect-json': '42' }, 'expect-json'],
    [{ url: 'http://x', 'expect-commit': 'not a sha!' }, 'expect-commit'],
    [{ url: 'http://x', headers: 'Bad Name: x' }, 'headers'],
    [{ probes: '- http: http://x\n  commit: nope' }, 'probes:2:11 (probes[0].commit)'],
    [{ probes: '- http: http://x\n  json: 42' }, 'probes:2:9 (probes[0].json)'],
    [{ probes: '- http: http://x\n  headers: {"X Y": z}' }, 'probes:2:12 (probes[0].headers)'],
  ])('wait-ready %j → %s', (values, input) => {
    expect(failure(() => waitSettings(inputs(values), {})).input).toBe(input);
  });

  it('wait-ready resolves {service:port} from EPHEMERAL_SERVICES', () => {
    const services = JSON.stringify({
      api: {
        state: 'running',
        health: '',
        exitCode: null,
        verdict: 'ready',
        ports: { '8080/tcp': '127.0.0.1:49153' },
        containers: [],
      },
    });
    const settings = waitSettings(inputs({ url: 'http://{api:8080}/health', tcp: '{api:8080}' }), {
      EPHEMERAL_SERVICES: services,
    });
    expect(settings.probes[0]).toMatchObject({ kind: 'http', url: 'http://127.0.0.1:49153/health' });
    expect(settings.probes[1]).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 49153 });
    const error = failure(() =>
      waitSettings(inputs({ url: 'http://{api:9999}/' }), { EPHEMERAL_SERVICES: services }),
    );
    expect(error.message).toMatch(/publishes no container port 9999\/tcp \(it publishes 8080\/tcp\)/);
  });
});

/** The error `fn` throws (whatever its type). */
function thrown(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    return error as UserInputError;
  }
  throw new Error('did not throw');
}

describe('settings', () => {
  it('namespace: input, else EPHEMERAL_NAMESPACE, else EPHEMERAL_ENVIRONMENT', () => {
    const values = { rollout: 'deployment/api' };
    expect(
      getSettings(inputs({ ...values, namespace: 'mine' }), { EPHEMERAL_NAMESPACE: 'handed' }).namespace,
    ).toBe('mine');
    expect(
      getSettings(inputs(values), { EPHEMERAL_NAMESPACE: 'handed', EPHEMERAL_ENVIRONMENT: 'env' }).namespace,
    ).toBe('handed');
    expect(getSettings(inputs(values), { EPHEMERAL_ENVIRONMENT: 'env' }).namespace).toBe('env');
  });

  it.each([
    [{ rollout: 'deployment/api' }, {}, 'namespace', /need a namespace, and none is known/],
    [{ rollout: 'deployment/api', namespace: 'Bad Name' }, {}, 'namespace', /is not a namespace name/],
    [{ rollout: 'api' }, {}, 'rollout', /is not a workload/],
    [
      { probes: '- pods: "a=b\\nc=d"' },
      { EPHEMERAL_NAMESPACE: 'ns' },
      'probes:1:9 (probes[0].pods)',
      /is not a label selector/,
    ],
  ])('%j → %s', (values, env, input, problem) => {
    const error = thrown(() => getSettings(inputs(values), env));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(problem);
  });

  it('a probe with its own namespace needs no default', () => {
    expect(getSettings(inputs({ probes: '- job: j\n  namespace: tools' }), {}).probes[0]).toMatchObject({
      namespace: 'tools',
    });
  });
});

describe('secrets in the inputs are registered before anything could print them (issue 9)', () => {
  it('a URL password, secret headers and probe headers', () => {
    clearSecretsForTests();
    waitSettings(
      inputs({
        url: 'http://ci:url-pw-1@127.0.0.1:9/health',
        headers: 'Authorization: Bearer head-tok-1\nAccept: text/plain',
        probes: '- http: http://127.0.0.1:9/x\n  headers: { X-Api-Key: probe-key-1 }',
      }),
      {},
    );
    expect(redact('url-pw-1 head-tok-1 probe-key-1 text/plain')).toBe('*** *** *** text/plain');
    clearSecretsForTests();
  });
});
