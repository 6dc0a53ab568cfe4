/**
 * The `resource-quota` and `limit-range` inputs: `key=quantity` pairs merged over the defaults a PR preview
 * needs (`key=` drops a default, `none` means no object). Quantities per
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/.
 */
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { INPUTS } from './contract.js';

/** Default ResourceQuota `spec.hard` (a PR preview: a few pods, no LoadBalancer or NodePort Services). */
export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  pods: '50',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  persistentvolumeclaims: '10',
};

/** Default LimitRange for containers: requests/limits for pods that set none (the quota needs them). */
export const DEFAULT_LIMIT_RANGE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  default: { cpu: '500m', memory: '512Mi' },
  defaultRequest: { cpu: '100m', memory: '128Mi' },
  max: { cpu: '2', memory: '4Gi' },
};

const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei|e\d+)?$/;
const QUOTA_KEY = /^([a-z0-9]+([.-][a-z0-9]+)*\/)?[a-z0-9]+([./-][a-z0-9]+)*$/i;
const LIMIT_SECTIONS = ['default', 'defaultRequest', 'max', 'min'];
const OFF = ['none', 'off', 'false'];

/** Splits `key=value` items; `key=` removes a default. */
function pairs(input: string, items: string[], fix: string): Array<[string, string]> {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserInputError(input, `"${item}" is not key=value`, fix);
    return [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
  });
}

/**
 * The quota from the input merged over `DEFAULT_QUOTA` (`none` = no quota; `key=` drops a default).
 * @throws UserInputError naming `resource-quota`
 */
export function parseQuota(
  raw: string[],
  input: string = INPUTS.resourceQuota,
): Record<string, string> | null {
  if (raw.length === 1 && OFF.includes(raw[0]!.toLowerCase())) return null;
  const fix = 'use key=quantity pairs such as requests.cpu=2, limits.memory=4Gi, pods=20 (or none)';
  const hard: Record<string, string> = { ...DEFAULT_QUOTA };
  for (const [key, value] of pairs(input, raw, fix)) {
    if (!QUOTA_KEY.test(key)) throw new UserInputError(input, `"${key}" is not a resource name`, fix);
    if (value === '') delete hard[key];
    else if (!QUANTITY.test(value))
      throw new UserInputError(input, `"${value}" (for ${key}) is not a quantity`, fix);
    else hard[key] = value;
  }
  return hard;
}

/**
 * The LimitRange from the input (`section.resource=quantity`) merged over `DEFAULT_LIMIT_RANGE`.
 * @throws UserInputError naming `limit-range`
 */
export function parseLimits(
  raw: string[],
  input: string = INPUTS.limitRange,
): Record<string, Record<string, string>> | null {
  if (raw.length === 1 && OFF.includes(raw[0]!.toLowerCase())) return null;
  const fix = `use section.resource=quantity with section one of ${LIMIT_SECTIONS.join(', ')}, e.g. default.memory=256Mi (or none)`;
  const limits: Record<string, Record<string, string>> = Object.fromEntries(
    Object.entries(DEFAULT_LIMIT_RANGE).map(([k, v]) => [k, { ...v }]),
  );
  for (const [key, value] of pairs(input, raw, fix)) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot);
    const resource = key.slice(dot + 1);
    if (dot <= 0 || !LIMIT_SECTIONS.includes(section) || !QUOTA_KEY.test(resource))
      throw new UserInputError(input, `"${key}" is not section.resource`, fix);
    if (value === '') delete limits[section]?.[resource];
    else if (!QUANTITY.test(value))
      throw new UserInputError(input, `"${value}" (for ${key}) is not a quantity`, fix);
    else limits[section] = { ...limits[section], [resource]: value };
  }
  for (const [section, values] of Object.entries(limits))
    if (Object.keys(values).length === 0) delete limits[section];
  return limits;
}
