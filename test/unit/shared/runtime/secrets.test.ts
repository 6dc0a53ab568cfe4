/** Secrets: registered values redacted; every URL password removed; env, header and argv secrets registered. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSecretsForTests,
  redact,
  redactValue,
  registerArgvSecrets,
  registerEnvSecrets,
  registerHeaderSecret,
  registerSecret,
} from '../../../../actions/shared/src/runtime/secrets.js';

afterEach(() => clearSecretsForTests());

describe('secret redaction', () => {
  it('removes every URL password, with or without a user, registered or not (issue 9)', () => {
    expect(redact('redis://:pw12@h:6379 and postgres://u:p%40ss@h/db?sslpassword=k9k9')).toBe(
      'redis://:***@h:6379 and postgres://u:***@h/db?sslpassword=***',
    );
  });

  it('removes registered values, longest first, keeping JSON intact', () => {
    registerSecret('abcd');
    registerSecret('abcdefgh');
    expect(redact('{"a":"abcdefgh","b":"xabcdx","u":"http://h/?token=t0k3n"}')).toBe(
      '{"a":"***","b":"x***x","u":"http://h/?token=***"}',
    );
  });

  it('redacts a value deeply: a secret equal to a JSON token or holding a quote keeps the JSON valid', () => {
    registerSecret('false');
    registerSecret('pa"ss\\wd');
    registerSecret('key-secret');
    const out = redactValue({
      toolsHashed: false,
      kept: true,
      n: 5432,
      list: ['x pa"ss\\wd y', 'plain'],
      'key-secret': { nested: 'key-secret!' },
    });
    expect(out).toEqual({
      toolsHashed: '***',
      kept: true,
      n: 5432,
      list: ['x *** y', 'plain'],
      '***': { nested: '***!' },
    });
    expect(() => JSON.parse(JSON.stringify(out))).not.toThrow();
  });

  it('registers secret-named variables, URL passwords in the others, never short values', () => {
    registerEnvSecrets(['SIGNING_KEY=sign-me-1', 'REDIS_URL=redis://:r3d1s@cache', 'PORT=8080', 'TOKEN=ab']);
    registerEnvSecrets({ API_TOKEN: 'tok-tok-1', HOST: 'db.internal' });
    expect(redact('sign-me-1 r3d1s 8080 tok-tok-1 db.internal ab')).toBe('*** *** 8080 *** db.internal ab');
  });

  it('registers secret headers and their bearer token', () => {
    registerHeaderSecret('Authorization', 'Bearer b3ar3r');
    registerHeaderSecret('Accept', 'application/json');
    expect(redact('got b3ar3r, Bearer b3ar3r, application/json')).toBe('got ***, ***, application/json');
  });

  it('registers secret command-line values and shows the command without them', () => {
    expect(registerArgvSecrets(['redis-server', '--requirepass', 'pw-pw-1'])).toEqual([
      'redis-server',
      '--requirepass',
      '***',
    ]);
    expect(redact('AUTH pw-pw-1')).toBe('AUTH ***');
  });
});
