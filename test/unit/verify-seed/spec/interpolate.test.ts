// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs say ${VAR}; these tests quote them
/** ${VAR} interpolation. */
import { describe, expect, it } from 'vitest';
import { interpolate, UnsetVariableError } from '../../../../actions/verify-seed/src/spec/interpolate.js';

describe('variables, placeholders and secrets', () => {
  it('interpolates ${VAR} and ${VAR:-default}; $${ is a literal', () => {
    expect(interpolate('a${X}b${Y:-dflt}c$${Z}', { X: '1', Y: '' })).toEqual({
      value: 'a1bdfltc${Z}',
      used: ['X', 'Y'],
    });
    expect(() => interpolate('${MISSING}', {})).toThrow(UnsetVariableError);
  });
});
