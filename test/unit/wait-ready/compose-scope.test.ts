/** Which Compose services a wait depends on, and the service behind a TCP or HTTP address. */
import { describe, expect, it } from 'vitest';
import { probeScope } from '../../../actions/wait-ready/src/compose-scope.js';
import { composeTarget, parseSimpleInputs } from '../../../actions/wait-ready/src/spec.js';

describe('compose scope', () => {
  it('finds the service behind a placeholder or a published host:port', () => {
    const services = {
      db: {
        state: 'running',
        health: '',
        exitCode: null,
        verdict: 'ready' as const,
        ports: { '5432/tcp': '127.0.0.1:49153' },
        containers: [],
      },
    };
    expect(composeTarget('{db:5432}', { host: '127.0.0.1', port: 49153 }, services)).toEqual({
      service: 'db',
      targetPort: 5432,
    });
    expect(composeTarget('localhost:49153', { host: 'localhost', port: 49153 }, services)).toEqual({
      service: 'db',
      targetPort: 5432,
    });
    expect(composeTarget('example.org:5432', { host: 'example.org', port: 5432 }, services)).toEqual({});
    const specs = parseSimpleInputs(
      {
        url: 'http://{db:5432}/',
        expectStatus: '',
        expectJson: '',
        expectCommit: '',
        headers: '',
        insecureTls: false,
        tcp: ['{db:5432}'],
        composeServices: ['cache'],
      },
      services,
    );
    expect(probeScope(specs, services)).toEqual({ all: false, services: ['cache', 'db'] });
  });
});
