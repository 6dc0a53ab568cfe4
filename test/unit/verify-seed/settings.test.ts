/** verify-seed's settings: one spec, the project for exec connections, timing defaults. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSettings } from '../../../actions/verify-seed/src/settings.js';

describe('inputs', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'vs-settings-'));
  writeFileSync(
    join(workspace, 'checks.yaml'),
    'connections: { a: { kind: redis, exec: { service: cache } } }\nchecks: [{ kind: redis, key: k }]\n',
  );
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('needs exactly one of spec and checks', async () => {
    await expect(getSettings(inputs({}), {}, workspace)).rejects.toThrow(
      'Input "spec": no checks spec is given',
    );
    await expect(getSettings(inputs({ spec: 'checks.yaml', checks: 'x' }), {}, workspace)).rejects.toThrow(
      'both "spec" and "checks" are set',
    );
    await expect(getSettings(inputs({ spec: 'nope.yaml' }), {}, workspace)).rejects.toThrow(
      'Input "spec": cannot read "nope.yaml" (ENOENT)',
    );
  });

  it('exec connections need a Compose project', async () => {
    await expect(getSettings(inputs({ spec: 'checks.yaml' }), {}, workspace)).rejects.toThrow(
      'Input "project": connection(s) a run a client inside a Compose service (exec), and no Compose project is known',
    );
    const settings = await getSettings(
      inputs({ spec: 'checks.yaml' }),
      { EPHEMERAL_ENVIRONMENT: 'env-1', EPHEMERAL_COMPOSE_FILES: '/x/c.yaml' },
      workspace,
    );
    expect(settings).toMatchObject({ project: 'env-1', composeFiles: ['/x/c.yaml'], specInput: 'spec' });
  });

  it('reads timing inputs in ms with their defaults', async () => {
    const settings = await getSettings(
      inputs({ spec: 'checks.yaml', project: 'p', retries: '5', 'retry-interval': '250ms', timeout: '90s' }),
      {},
      workspace,
    );
    expect(settings.timing).toEqual({
      deadlineMs: 90_000,
      checkTimeoutMs: 30_000,
      retries: 5,
      retryIntervalMs: 250,
    });
    expect(settings.seedTimeoutMs).toBe(300_000);
    await expect(
      getSettings(inputs({ spec: 'checks.yaml', project: 'p', retries: 'many' }), {}, workspace),
    ).rejects.toThrow('Input "retries"');
  });
});
