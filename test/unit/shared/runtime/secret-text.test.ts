/** Where secrets hide in text: names, URLs and command lines (actions/shared/src/runtime/secret-text.ts). */
import { describe, expect, it } from 'vitest';
import {
  isSecretName,
  nameWords,
  redactArgv,
  redactUrls,
} from '../../../../actions/shared/src/runtime/secret-text.js';

describe('the secret-name rule', () => {
  it.each([
    'SIGNING_KEY',
    'API_TOKEN',
    'apiKey',
    'X-Api-Key',
    'APIKEY',
    'client_secret',
    'POSTGRES_PASSWORD',
    'PGPASSWORD',
    'MYSQL_PWD',
    'REDIS_PASS',
    'passphrase',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'PRIVATE_KEY',
    'Authorization',
    'SENTRY_DSN',
    'DATABASE_DSN',
    'TLS_CERT',
    'client-certificate-data',
    'db.password',
    'SESSION_SECRET',
    'Cookie',
    'requirepass',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'PORT',
    'HOST',
    'DATABASE_URL_HOST',
    'APP_COMMIT',
    'LOG_LEVEL',
    'NODE_ENV',
    'replicas',
    'image.tag',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('splits names into words at separators and case changes', () => {
    expect(nameWords('signingKey')).toEqual(['SIGNING', 'KEY']);
    expect(nameWords('X-Api-Key')).toEqual(['X', 'API', 'KEY']);
    expect(nameWords('db.password')).toEqual(['DB', 'PASSWORD']);
  });
});

describe('URLs', () => {
  it.each([
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0', ['s3cret']],
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app', ['s3cret']],
    ['mysql://root:p%40ss@h/db', 'mysql://root:***@h/db', ['p%40ss', 'p@ss']],
    // an unencoded @ in the password: the userinfo ends at the last @ (WHATWG URL)
    ['postgres://app:p@ss-W0rd@127.0.0.1:5432/app', 'postgres://app:***@127.0.0.1:5432/app', ['p@ss-W0rd']],
    ['https://ci:tok@charts.example/x', 'https://ci:***@charts.example/x', ['tok']],
    [
      'postgres://h/db?user=app&password=s3cret&sslmode=require',
      'postgres://h/db?user=app&password=***&sslmode=require',
      ['s3cret'],
    ],
    ['http://h/x?token=abc123;key=k9', 'http://h/x?token=***;key=***', ['abc123', 'k9']],
    ['see postgres://u:a@h and redis://:b@r', 'see postgres://u:***@h and redis://:***@r', ['a', 'b']],
    ['http://user@host/ no password', 'http://user@host/ no password', []],
    ['http://h/x?page=2', 'http://h/x?page=2', []],
  ])('%s', (text, out, secrets) => {
    expect(redactUrls(text)).toEqual({ text: out, secrets });
  });
});

describe('command lines', () => {
  it.each([
    [['seed', '--password', 's3cret'], ['seed', '--password', '***'], ['s3cret']],
    [['seed', '--password=s3cret'], ['seed', '--password=***'], ['s3cret']],
    [
      ['redis-server', '--requirepass', 'pw1', '--save', ''],
      ['redis-server', '--requirepass', '***', '--save', ''],
      ['pw1'],
    ],
    [['env', 'API_TOKEN=abc', 'PORT=80'], ['env', 'API_TOKEN=***', 'PORT=80'], ['abc']],
    [['psql', 'postgres://u:pw@h/db'], ['psql', 'postgres://u:***@h/db'], ['pw']],
    [['docker', 'compose', 'up', '-d'], ['docker', 'compose', 'up', '-d'], []],
  ])('%j', (argv, out, secrets) => {
    expect(redactArgv(argv)).toEqual({ argv: out, secrets });
  });
});
