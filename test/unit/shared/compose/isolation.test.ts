/** The isolation guard: the override that lets two PRs of one compose file run side by side. */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { OVERRIDE_TAG, planIsolation } from '../../../../actions/shared/src/compose/isolation.js';
import type { ComposeModel } from '../../../../actions/shared/src/compose/model.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const model: ComposeModel = {
  services: {
    db: {
      ports: [{ target: 5432, published: '5432', protocol: 'tcp', mode: 'ingress' }],
      environment: {
        POSTGRES_PASSWORD: 's3cret-pw',
        DATABASE_URL: 'postgres://app:url-pw-123@db/app',
        LOG_LEVEL: 'info',
      },
    },
    api: {
      ports: [{ target: 8080, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp' }, { target: 9229 }],
    },
    worker: {},
  },
  networks: { default: { name: 'x_default' }, shared: { external: true, name: 'corp-net' } },
  volumes: { data: { name: 'x_data' }, cache: { external: true, name: 'shared-cache' } },
};
const labels = {
  containerLabels: { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/head-sha': 'abc' },
  resourceLabels: { 'ephemeral.dev/managed-by': 'ephemeral' },
};

describe('isolation guard', () => {
  it('rewrites fixed host ports with !override, keeping host_ip, and labels everything not external', () => {
    const plan = planIsolation(model, { allowFixedPorts: false, ...labels });
    expect(plan.rewrites).toEqual([
      { service: 'db', target: 5432, protocol: 'tcp', published: '5432' },
      { service: 'api', target: 8080, protocol: 'tcp', published: '8080' },
    ]);
    expect(plan.overrideYaml).toContain('ports: !override');
    const parsed = parseDocument(plan.overrideYaml);
    expect(parsed.errors).toEqual([]);
    expect((parsed.getIn(['services', 'api', 'ports'], true) as { tag?: string }).tag).toBe(OVERRIDE_TAG);
    expect((parsed.getIn(['services', 'worker'], true) as { tag?: string }).tag).toBeUndefined();
    const doc = parsed.toJS() as {
      services: Record<string, { labels: object; ports?: unknown[] }>;
      networks: object;
      volumes: object;
    };
    expect(doc.services.api!.ports).toEqual([
      { target: 8080, host_ip: '127.0.0.1', protocol: 'tcp' },
      { target: 9229 },
    ]);
    expect(doc.services.worker).toEqual({ labels: labels.containerLabels });
    expect(doc.networks).toEqual({ default: { labels: labels.resourceLabels } });
    expect(doc.volumes).toEqual({ data: { labels: labels.resourceLabels } });
    expect(plan.warnings.join('\n')).toMatch(
      /External network "corp-net".*\n.*External volume "shared-cache"/,
    );
  });

  it('keeps fixed ports with allow-fixed-ports', () => {
    const plan = planIsolation(model, { allowFixedPorts: true, ...labels });
    expect(plan.rewrites).toEqual([]);
    expect(plan.overrideYaml).not.toContain('!override');
  });

  it('refuses container_name with an error naming the service and the fix', () => {
    const bad: ComposeModel = { services: { db: { container_name: 'postgres' } } };
    expect(() => planIsolation(bad, { allowFixedPorts: false, ...labels })).toThrow(UserInputError);
    expect(() => planIsolation(bad, { allowFixedPorts: false, ...labels })).toThrow(
      /services\.db\.container_name.*docker\/compose#13553.*Fix: remove container_name from service "db"/,
    );
  });

  it('warns on network_mode: host', () => {
    expect(
      planIsolation({ services: { x: { network_mode: 'host' } } }, { allowFixedPorts: false, ...labels })
        .warnings[0],
    ).toMatch(/network_mode: host/);
  });
});
