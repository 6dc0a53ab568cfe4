import { describe, expect, it } from 'vitest';
import { getSettings as provisionSettings } from '../../actions/provision-compose/src/settings.js';
import { formatMs, parseDuration } from '../../actions/shared/src/duration.js';
import { UserInputError } from '../../actions/shared/src/errors.js';
import { Inputs, splitList } from '../../actions/shared/src/inputs.js';
import { getSettings as teardownSettings } from '../../actions/teardown/src/settings.js';
import { getSettings as waitSettings } from '../../actions/wait-ready/src/settings.js';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name] ?? '');

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('durations', () => {
  it.each([
    ['90', 90_000],
    ['1.5', 1500],
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    [' 10S ', 10_000],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms);
  });

  it.each(['', 'abc', '10x', '5m!', '-1s', 'm5'])('rejects %j naming the input', (text) => {
    const error = failure(() => parseDuration('timeout', text));
    expect(error.input).toBe('timeout');
    expect(error.message).toMatch(/Fix: use seconds/);
  });

  it('formats for people', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(245_000)).toBe('4 m 05 s');
  });
});

describe('Inputs', () => {
  it('lists split on lines and commas, dropping blanks and comments', () => {
    expect(splitList('a, b\n\n# note\n c ,')).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['boolean', () => inputs({ keep: 'maybe' }).boolean('keep', false), 'keep', /use true or false/],
    ['integer', () => inputs({ n: '1.5' }).integer('n', 1, 1, 10), 'n', /whole number from 1 to 10/],
    ['range', () => inputs({ n: '11' }).integer('n', 1, 1, 10), 'n', /out of range/],
    [
      'choice',
      () => inputs({ build: 'sometimes' }).choice('build', ['auto', 'always'], 'auto'),
      'build',
      /one of: auto, always/,
    ],
    ['duration range', () => inputs({ t: '0s' }).durationMs('t', 1, 1000), 't', /out of range/],
  ])('%s errors name the input and the fix', (_, fn, input, fix) => {
    const error = failure(fn);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(fix);
  });
});

describe('action settings: every bad input names itself', () => {
  const workspace = process.cwd();
  it.each([
    [{ 'working-directory': 'no/such/dir' }, 'working-directory'],
    [{ 'compose-files': 'missing.yaml', 'working-directory': 'test' }, 'compose-files'],
    [{ 'working-directory': 'test' }, 'compose-files'],
    [{ 'compose-files': 'package.json', build: 'yes' }, 'build'],
    [{ 'compose-files': 'package.json', pull: 'if-needed' }, 'pull'],
    [{ 'compose-files': 'package.json', 'wait-timeout': 'soon' }, 'wait-timeout'],
    [{ 'compose-files': 'package.json', ttl: '1s' }, 'ttl'],
    [{ 'compose-files': 'package.json', 'pr-number': 'abc' }, 'pr-number'],
    [{ 'compose-files': 'package.json', 'env-files': 'nope.env' }, 'env-files'],
    [{ 'compose-files': 'package.json', 'upload-report': 'sometimes' }, 'upload-report'],
  ])('provision-compose %j → %s', (values, input) => {
    expect(failure(() => provisionSettings(inputs(values), workspace)).input).toBe(input);
  });

  it('provision-compose accepts ttl never and resolves files against the working directory', () => {
    const settings = provisionSettings(inputs({ 'compose-files': 'package.json', ttl: 'never' }), workspace);
    expect(settings.ttlMs).toBeNull();
    expect(settings.files).toEqual([`${workspace}/package.json`]);
    expect(Object.isFrozen(settings)).toBe(true);
  });

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

  it.each([
    [{ 'pr-number': '0' }, 'pr-number'],
    [{ 'down-timeout': 'x' }, 'down-timeout'],
  ])('teardown %j → %s', (values, input) => {
    expect(failure(() => teardownSettings(inputs(values))).input).toBe(input);
  });
});
