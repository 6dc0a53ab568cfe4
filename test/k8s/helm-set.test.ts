/**
 * The `set` input is read the way Helm reads `--set`: each case of test/fixtures/helm-set-cases.ts is
 * rendered by Helm 3 and Helm 4 (`helm template` of a chart that prints .Values as JSON) and compared with
 * actions/shared/src/kube/helm-set.ts; the arguments Helm refuses are refused by both.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helmSetValues, parseHelmSet } from '../../actions/shared/src/kube/helm-set.js';
import { HELM_SET_CASES, HELM_SET_REFUSED } from '../fixtures/helm-set-cases.js';
import { HELM3, HELM4, repoRoot } from './fixtures/helpers.js';

const chart = join(repoRoot, 'test/k8s/fixtures/values-dump');

function render(helm: string, args: string[]): unknown {
  const out = execFileSync(helm, ['template', 'dump', chart, ...args.flatMap((a) => ['--set', a])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const doc = parseYaml(out) as { data: { 'values.json': string } };
  return JSON.parse(doc.data['values.json']);
}

/** Refused rows that Helm 4 reads without an error (seen with Helm 4.3.1). */
const HELM4_READS = new Set(['a[0=1']);

describe.each([
  ['Helm 3', HELM3],
  ['Helm 4', HELM4],
])('%s reads --set as helm-set.ts does', (_name, helm) => {
  it.each(HELM_SET_CASES)('%j', (args, values) => {
    expect(render(helm, args)).toEqual(values);
    expect(helmSetValues(args)).toEqual(values);
  });

  it.each(HELM_SET_REFUSED)('refuses %j', (arg) => {
    // Helm 4 reads an unclosed index (`a[0=1`) without an error; helm-set.ts refuses it before anything
    // starts under both (stricter than Helm 4, never looser): this row pins that difference.
    if (helm === HELM4 && HELM4_READS.has(arg)) expect(() => render(helm, [arg])).not.toThrow();
    else expect(() => render(helm, [arg])).toThrow(/failed parsing --set data/);
    expect(() => parseHelmSet(arg)).toThrow();
  });
});
