/**
 * Kubernetes name rules, in one place: the environment name, namespaces, Services, Helm releases and
 * object names are all checked here.
 *
 * - DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric
 *   (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names).
 * - DNS-1123 subdomain: at most 253 characters of `[a-z0-9-.]`, starting and ending alphanumeric
 *   (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names).
 */
import { UserInputError } from '../runtime/errors.js';

/** Maximum length of a DNS-1123 label. */
export const MAX_LABEL_LENGTH = 63;
/** Maximum length of a DNS-1123 subdomain. */
export const MAX_SUBDOMAIN_LENGTH = 253;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * True when `name` is a DNS-1123 label of at most `max` characters.
 * @param max a tighter limit where one applies (Helm releases: 53)
 */
export function isDnsLabel(name: string, max = MAX_LABEL_LENGTH): boolean {
  return name.length <= Math.min(max, MAX_LABEL_LENGTH) && LABEL.test(name);
}

/** True when `name` is a DNS-1123 subdomain (most object names: Deployments, Jobs, Secrets). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= MAX_SUBDOMAIN_LENGTH && SUBDOMAIN.test(name);
}

/**
 * Checks a namespace name (a DNS-1123 label).
 * @returns the name
 * @throws UserInputError naming `input`
 */
export function checkNamespace(input: string, value: string): string {
  if (!isDnsLabel(value))
    throw new UserInputError(
      input,
      `"${value}" is not a namespace name`,
      'use a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters',
    );
  return value;
}
