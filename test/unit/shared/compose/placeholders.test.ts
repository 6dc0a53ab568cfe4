/** {service:port} placeholders: the published host:port, or an error naming the input, the service and the fix. */
import { describe, expect, it } from 'vitest';
import { expandPlaceholders, servicesFromEnv } from '../../../../actions/shared/src/compose/placeholders.js';
import type { ServiceMap } from '../../../../actions/shared/src/compose/status.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const services: ServiceMap = {
  api: {
    state: 'running',
    health: 'healthy',
    exitCode: null,
    verdict: 'ready',
    ports: { '8080/tcp': '127.0.0.1:49153', '53/udp': '127.0.0.1:49160' },
    containers: ['x-api-1'],
  },
  'db.primary': {
    state: 'running',
    health: '',
    exitCode: null,
    verdict: 'ready',
    ports: { '5432/tcp': '[::1]:49170' },
    containers: ['x-db-1'],
  },
};

function failure(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('expandPlaceholders', () => {
  it('replaces every {service:port}, tcp by default, udp when asked; other text stays', () => {
    expect(expandPlaceholders('url', 'http://{api:8080}/health?x={y}', services)).toBe(
      'http://127.0.0.1:49153/health?x={y}',
    );
    expect(expandPlaceholders('tcp', '{api:53/udp} {db.primary:5432}', services)).toBe(
      '127.0.0.1:49160 [::1]:49170',
    );
    expect(expandPlaceholders('url', 'no placeholder', {})).toBe('no placeholder');
  });

  it('an unknown service names it and the known ones', () => {
    const error = failure(() => expandPlaceholders('probes[0].http', 'http://{web:80}/', services));
    expect(error.input).toBe('probes[0].http');
    expect(error.message).toMatch(
      /\{web:80\} names service "web", which is not in the environment's services \(api, db\.primary\)/,
    );
  });

  it('with no services known, it says to run provision-compose first', () => {
    expect(failure(() => expandPlaceholders('url', '{api:8080}', {})).message).toMatch(
      /none known: run provision-compose first in this job/,
    );
  });

  it('an unpublished port names what the service publishes and the fix', () => {
    const error = failure(() => expandPlaceholders('url', '{api:9090}', services));
    expect(error.message).toMatch(
      /service "api" publishes no container port 9090\/tcp \(it publishes 8080\/tcp, 53\/udp\)/,
    );
    expect(error.message).toMatch(/Fix: add a "ports:" entry for 9090 to service "api"/);
  });
});

describe('servicesFromEnv', () => {
  it('parses EPHEMERAL_SERVICES; empty or invalid gives {}', () => {
    expect(servicesFromEnv(JSON.stringify(services))).toEqual(services);
    expect(servicesFromEnv(undefined)).toEqual({});
    expect(servicesFromEnv('')).toEqual({});
    expect(servicesFromEnv('{not json')).toEqual({});
  });
});
