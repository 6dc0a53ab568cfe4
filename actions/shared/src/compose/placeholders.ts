/**
 * `{service:port}` placeholders in URLs and TCP addresses, replaced by the published `host:port` from
 * provision-compose's `services` output (exported as EPHEMERAL_SERVICES). So a workflow can write
 * `url: http://{api:8080}/health` (wait-ready) or `url: postgres://app:pw@{db:5432}/app` (verify-seed)
 * instead of digging the ephemeral port out with `fromJSON`.
 */

import { UserInputError } from '../runtime/errors.js';
import type { ServiceMap } from './status.js';

const PLACEHOLDER = /\{([A-Za-z0-9][A-Za-z0-9_.-]*):(\d+)(?:\/(tcp|udp))?\}/g;

/** Parses EPHEMERAL_SERVICES; an empty or invalid value gives `{}`. */
export function servicesFromEnv(raw: string | undefined): ServiceMap {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as ServiceMap;
  } catch {
    return {};
  }
}

/**
 * Replaces every `{service:port}` in `text`.
 * @param input the input name, for errors
 * @throws UserInputError when a service or port is not published
 */
export function expandPlaceholders(input: string, text: string, services: ServiceMap): string {
  return text.replace(PLACEHOLDER, (whole, service: string, port: string, protocol = 'tcp') => {
    const status = services[service];
    if (!status) {
      const known = Object.keys(services);
      throw new UserInputError(
        input,
        `${whole} names service "${service}", which is not in the environment's services${known.length ? ` (${known.join(', ')})` : ' (none known: run provision-compose first in this job)'}`,
        'use a service published by provision-compose, or write the host:port directly',
      );
    }
    const hostPort = status.ports[`${port}/${protocol}`];
    if (!hostPort) {
      const published = Object.keys(status.ports);
      throw new UserInputError(
        input,
        `${whole}: service "${service}" publishes no container port ${port}/${protocol}${published.length ? ` (it publishes ${published.join(', ')})` : ''}`,
        `add a "ports:" entry for ${port} to service "${service}" in the compose file, or use a published port`,
      );
    }
    return hostPort;
  });
}
