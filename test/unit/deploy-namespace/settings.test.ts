/** deploy-namespace's settings: defaults from action.yml, and every bad input named. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTA } from '../../../actions/deploy-namespace/src/quota.js';
import { getSettings } from '../../../actions/deploy-namespace/src/settings.js';
import { UserInputError } from '../../../actions/shared/src/runtime/errors.js';

describe('settings', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'dn-'));
  mkdirSync(join(workspace, 'chart'));
  writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'name: x\n');
  const settings = (inputs: Record<string, string>) => getSettings((n) => inputs[n] ?? '', workspace);
  const error = (inputs: Record<string, string>) => {
    try {
      settings(inputs);
    } catch (e) {
      return e as UserInputError;
    }
    throw new Error('no error');
  };

  it('defaults', () => {
    const s = settings({ chart: 'chart' });
    expect(s).toMatchObject({
      mode: 'helm',
      chart: join(workspace, 'chart'),
      release: 'preview',
      helm: 'helm',
      timeoutMs: 300_000,
      ttlMs: 72 * 3_600_000,
      cleanup: 'always',
      networkPolicy: 'none',
    });
    expect(s.resourceQuota).toEqual(DEFAULT_QUOTA);
    expect(settings({}).mode).toBe('none');
    expect(settings({ chart: 'oci://registry.example.test/charts/app' }).chart).toBe(
      'oci://registry.example.test/charts/app',
    );
  });

  it.each([
    [{ chart: 'chart', kustomize: 'chart' }, 'chart/kustomize'],
    [{ chart: 'nope/missing/chart' }, 'chart'],
    [{ chart: 'chart', release: 'Bad_Name' }, 'release'],
    [{ chart: 'chart', set: 'novalue' }, 'set'],
    [{ manifests: 'missing.yaml' }, 'manifests'],
    [{ set: 'a=b' }, 'set'],
    [{ timeout: '10x' }, 'timeout'],
    [{ cleanup: 'sometimes' }, 'cleanup'],
    [{ 'resource-quota': 'pods=lots' }, 'resource-quota'],
    [{ 'limit-range': 'nothing.cpu=1' }, 'limit-range'],
    [{ 'image-pull-secrets': 'regcred' }, 'pull-secrets-namespace'],
    [{ repo: 'charts.example.test', chart: 'app' }, 'repo'],
    [{ 'network-policy': 'open' }, 'network-policy'],
  ])('%j fails naming %s', (inputs, input) => {
    const e = error(inputs);
    expect(e).toBeInstanceOf(UserInputError);
    expect(e.input).toBe(input);
    expect(e.message).toMatch(/Fix: /);
  });
});
