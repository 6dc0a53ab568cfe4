/** The resource-quota and limit-range inputs. */
import { describe, expect, it } from 'vitest';
import { parseLimits, parseQuota } from '../../../actions/deploy-namespace/src/quota.js';

describe('quota and limits', () => {
  it('quota and limits merge over the defaults; key= drops one; none turns them off', () => {
    expect(parseQuota(['pods=5', 'services.nodeports='])).toMatchObject({ pods: '5', 'requests.cpu': '4' });
    expect(parseQuota(['services.nodeports='])).not.toHaveProperty('services.nodeports');
    expect(parseQuota(['none'])).toBeNull();
    expect(parseLimits(['default.memory=1Gi', 'max.cpu='])).toEqual({
      default: { cpu: '500m', memory: '1Gi' },
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      max: { memory: '4Gi' },
    });
    expect(parseLimits(['none'])).toBeNull();
  });
});
