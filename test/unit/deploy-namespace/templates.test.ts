/** {{name}} templates in set, values and host. */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../actions/deploy-namespace/src/templates.js';

describe('templates', () => {
  const vars = {
    namespace: 'app-pr-7-abc123',
    pr: '7',
    sha: 'f'.repeat(40),
    environment: 'app-pr-7-abc123',
    host: 'app-pr-7-abc123.preview.example.test',
  };
  it('renders every variable, spaces allowed, and leaves Go templates alone', () => {
    expect(
      renderTemplate('set', 'ingress.host={{ host }},tag={{sha}},pr={{pr}},ns={{namespace}}', vars),
    ).toBe(`ingress.host=${vars.host},tag=${vars.sha},pr=7,ns=${vars.namespace}`);
    expect(renderTemplate('values', 'a: {{ .Values.x }}', vars)).toBe('a: {{ .Values.x }}');
  });
  it.each([
    ['{{branch}}', 'is not a known template variable'],
    ['{{pr}}', 'no pull request'],
  ])('%s fails naming the input', (text, problem) => {
    expect(() => renderTemplate('set', text, { ...vars, pr: '' })).toThrow(
      new RegExp(`Input "set": .*${problem}`),
    );
  });
});
