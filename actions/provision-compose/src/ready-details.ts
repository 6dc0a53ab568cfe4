/** What the sticky comment and the GitHub Deployment show of a ready Compose environment (pure). */
import { describe, type ServiceMap } from '../../shared/src/compose/status.js';
import type { ProvisionSettings } from './settings.js';

/** The environment URL for the GitHub Deployment: the input, else the first published port over HTTP. */
export function environmentUrl(explicit: string, services: ServiceMap): string {
  if (explicit) return explicit;
  const first = Object.values(services).flatMap((s) => Object.values(s.ports))[0];
  return first ? `http://${first}` : '';
}

/** What the sticky comment and the Deployment show of a ready environment. */
export function readyDetails(
  services: ServiceMap,
  settings: Pick<ProvisionSettings, 'environmentUrl' | 'ttlMs'>,
) {
  const url = environmentUrl(settings.environmentUrl, services);
  return {
    urls: Object.fromEntries(
      Object.entries(services).flatMap(([name, s]) =>
        Object.entries(s.ports).map(([target, hostPort]) => [`${name} (${target})`, `http://${hostPort}`]),
      ),
    ),
    services: Object.fromEntries(
      describe(services).map((line) => [
        line.split(':')[0] ?? line,
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    ),
    expiresAt: settings.ttlMs === null ? null : Math.floor((Date.now() + settings.ttlMs) / 1000),
    ...(url ? { environmentUrl: url } : {}),
  };
}
