/**
 * The resolved model: its secrets (registered as soon as it is read, redacted in the dump), the services a
 * run starts, and the one-shot rule.
 */
import { describe, expect, it } from 'vitest';
import {
  type ComposeModel,
  oneShots,
  redactModel,
  registerModelSecrets,
  selectedServices,
} from '../../../../actions/shared/src/compose/model.js';
import { clearSecretsForTests, redact } from '../../../../actions/shared/src/runtime/secrets.js';

const model: ComposeModel = {
  services: {
    db: {
      ports: [{ target: 5432, published: '5432', protocol: 'tcp', mode: 'ingress' }],
      environment: {
        POSTGRES_PASSWORD: 's3cret-pw',
        DATABASE_URL: 'postgres://app:url-pw-123@db/app',
        LOG_LEVEL: 'info',
      },
    },
    api: {
      ports: [{ target: 8080, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp' }, { target: 9229 }],
    },
    worker: {},
  },
  networks: { default: { name: 'x_default' }, shared: { external: true, name: 'corp-net' } },
  volumes: { data: { name: 'x_data' }, cache: { external: true, name: 'shared-cache' } },
};

describe('secret redaction', () => {
  it('registers secret-looking env values and URL passwords, and redacts the config dump', () => {
    clearSecretsForTests();
    registerModelSecrets(model);
    const dump = JSON.stringify(redactModel(model));
    expect(dump).not.toContain('s3cret-pw');
    expect(dump).not.toContain('url-pw-123');
    expect(dump).toContain('"LOG_LEVEL":"info"');
    expect(redact('connect with s3cret-pw and url-pw-123')).toBe('connect with *** and ***');
    expect(model.services!.db!.environment!.POSTGRES_PASSWORD).toBe('s3cret-pw');
  });
});

describe('which services a run starts, and which are one-shots', () => {
  const m: ComposeModel = {
    services: {
      api: {
        depends_on: {
          db: { condition: 'service_healthy' },
          migrate: { condition: 'service_completed_successfully' },
        },
      },
      migrate: { depends_on: { db: null } },
      db: { healthcheck: { test: ['CMD', 'true'] } },
      worker: { restart: 'no' },
      admin: { restart: 'no', ports: [{ target: 80 }] },
      waiter: {},
    },
  };

  it('selects the requested services and, transitively, what they depend on', () => {
    expect(selectedServices(m, ['api'])).toEqual(['api', 'db', 'migrate']);
    expect(selectedServices(m, [])).toEqual(['admin', 'api', 'db', 'migrate', 'waiter', 'worker']);
  });

  it('a completed-dependency, a declared one, and restart "no" without healthcheck or ports', () => {
    expect([...oneShots(m, [])]).toEqual([
      ['migrate', 'completed-dependency'],
      ['worker', 'restart-no'],
    ]);
    // A declared list replaces the restart-"no" rule.
    expect([...oneShots(m, ['waiter'])]).toEqual([
      ['migrate', 'completed-dependency'],
      ['waiter', 'input'],
    ]);
  });
});
