/**
 * Helm's --set syntax as actions/shared/src/kube/helm-set.ts reads it. test/k8s/helm-set.test.ts checks the
 * same cases against Helm's own rendering.
 */
import { describe, expect, it } from 'vitest';
import {
  HelmSetError,
  helmSetSecrets,
  helmSetValues,
  parseHelmSet,
  redactHelmSet,
} from '../../../../actions/shared/src/kube/helm-set.js';
import { HELM_SET_CASES, HELM_SET_REFUSED } from '../../../fixtures/helm-set-cases.js';

describe("Helm's --set syntax", () => {
  it.each(HELM_SET_CASES)('%j', (args, values) => {
    expect(helmSetValues(args)).toEqual(values);
  });

  it('keeps each key and raw value, and hides every value in the redacted form', () => {
    expect(parseHelmSet('db.password=s3cr\\,et,user=app').map((p) => [p.key, p.raw, p.value])).toEqual([
      ['db.password', 's3cr\\,et', 's3cr,et'],
      ['user', 'app', 'app'],
    ]);
    expect(redactHelmSet('db.password=s3cr\\,et,user=app')).toBe('db.password=***,user=***');
    expect(redactHelmSet('list={a,b},x=1')).toBe('list=***,x=***');
    expect(redactHelmSet('no-equals-sign-secret')).toBe('***');
  });

  it('gives both the written and the plain form of a value to register as secrets', () => {
    const [pair] = parseHelmSet('pw=s3cr\\,et');
    expect(helmSetSecrets(pair!)).toEqual(['s3cr\\,et', 's3cr,et']);
    const [list] = parseHelmSet('l={a1,b2}');
    expect(helmSetSecrets(list!)).toEqual(['{a1,b2}', 'a1', 'b2']);
  });

  it.each([
    ...HELM_SET_REFUSED,
    // Helm ignores an empty key silently; a key is required here.
    ['=value', 'a key is empty'],
  ])('refuses %j', (arg, message) => {
    expect(() => parseHelmSet(arg)).toThrow(HelmSetError);
    expect(() => parseHelmSet(arg)).toThrow(message);
  });
});
