/** The isolation guard: the override that lets two PRs of one compose file run side by side. */
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { planIsolation } from '../../../../actions/shared/src/compose/isolation.js';
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
const options = {
  project: 'x',
  selected: ['api', 'db', 'worker'],
  allowFixedPorts: false,
  containerName: 'alias' as const,
  declaredOneShots: [] as string[],
  containerLabels: { 'ephemeral.dev/managed-by': 'ephemeral', 'ephemeral.dev/head-sha': 'abc' },
  resourceLabels: { 'ephemeral.dev/managed-by': 'ephemeral' },
};
type Doc = {
  services: Record<string, Record<string, unknown> & { ports?: unknown[] }>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
};
/** The override as data (Compose's `!override`/`!reset` tags read as the plain sequence and null). */
const load = (text: string) => {
  const parsed = parseDocument(text);
  expect(parsed.errors).toEqual([]);
  return parsed.toJS() as Doc;
};

describe('isolation guard', () => {
  it('rewrites fixed host ports with !override, keeping host_ip, and labels everything not external', () => {
    const plan = planIsolation(model, options);
    expect(plan.rewrites).toEqual([
      { service: 'db', target: 5432, protocol: 'tcp', published: '5432' },
      { service: 'api', target: 8080, protocol: 'tcp', published: '8080' },
    ]);
    expect(plan.overrideYaml).toContain('ports: !override');
    const parsed = parseDocument(plan.overrideYaml);
    expect(parsed.errors).toEqual([]);
    expect((parsed.getIn(['services', 'api', 'ports'], true) as { tag?: string }).tag).toBe('!override');
    expect((parsed.getIn(['services', 'worker'], true) as { tag?: string }).tag).toBeUndefined();
    const doc = load(plan.overrideYaml);
    expect(doc.services.api!.ports).toEqual([
      { target: 8080, host_ip: '127.0.0.1', protocol: 'tcp' },
      { target: 9229 },
    ]);
    expect(doc.services.worker).toEqual({ labels: options.containerLabels });
    expect(doc.networks).toEqual({ default: { labels: options.resourceLabels } });
    expect(doc.volumes).toEqual({ data: { labels: options.resourceLabels } });
    expect(plan.warnings.join('\n')).toMatch(
      /External network "corp-net".*\n.*External volume "shared-cache"/,
    );
  });

  it('keeps fixed ports with allow-fixed-ports', () => {
    const plan = planIsolation(model, { ...options, allowFixedPorts: true });
    expect(plan.rewrites).toEqual([]);
    expect(plan.overrideYaml).not.toContain('!override');
  });

  it('removes container_name with !reset and keeps it as an alias on every network of the service', () => {
    const named: ComposeModel = {
      services: {
        db: { container_name: 'postgres', networks: { backend: { aliases: ['database'] }, default: null } },
        host: { container_name: 'on-host', network_mode: 'host' },
        admin: { container_name: 'admin' },
      },
    };
    const plan = planIsolation(named, { ...options, selected: ['db', 'host'] });
    expect(plan.overrideYaml).toContain('container_name: !reset null');
    expect(
      (parseDocument(plan.overrideYaml).getIn(['services', 'db', 'container_name'], true) as { tag?: string })
        .tag,
    ).toBe('!reset');
    const doc = load(plan.overrideYaml);
    expect(doc.services.db!.networks).toEqual({
      backend: { aliases: ['database', 'postgres'] },
      default: { aliases: ['postgres'] },
    });
    expect(plan.containerNames).toEqual([
      { service: 'db', name: 'postgres', networks: ['backend', 'default'] },
      { service: 'host', name: 'on-host', networks: [] },
    ]);
    expect(plan.needsMergeTags).toBe(true);
  });

  it('container-name: refuse lists every offending service of the selected set in one error', () => {
    const named: ComposeModel = {
      services: {
        a: { container_name: 'one' },
        b: { container_name: 'two' },
        c: { container_name: 'three' },
      },
    };
    const refuse = () => planIsolation(named, { ...options, selected: ['a', 'b'], containerName: 'refuse' });
    expect(refuse).toThrow(UserInputError);
    expect(refuse).toThrow(
      /Input "container-name": 2 selected service\(s\) set container_name: a \(one\), b \(two\);.*docker\/compose#13553.*Fix:/,
    );
    expect(refuse).not.toThrow(/three/);
  });

  it('gives networks and volumes with a fixed name the per-environment name, leaving external ones', () => {
    const fixed: ComposeModel = {
      services: {},
      networks: {
        backend: { name: 'shared-net' },
        default: { name: 'x_default' },
        ext: { external: true, name: 'corp' },
      },
      volumes: { data: { name: 'shared-data' }, cache: { name: 'x_cache' } },
    };
    const plan = planIsolation(fixed, options);
    expect(plan.renames).toEqual([
      { kind: 'network', key: 'backend', from: 'shared-net', to: 'x_backend' },
      { kind: 'volume', key: 'data', from: 'shared-data', to: 'x_data' },
    ]);
    const doc = load(plan.overrideYaml);
    expect(doc.networks!.backend).toEqual({ labels: options.resourceLabels, name: 'x_backend' });
    expect(doc.volumes!.data).toEqual({ labels: options.resourceLabels, name: 'x_data' });
    expect(doc.networks!.ext).toBeUndefined();
  });

  it('marks one-shots with the one-shot label and labels the images it builds', () => {
    const m: ComposeModel = {
      services: {
        migrate: { restart: 'no', build: { context: '.' } },
        api: {
          depends_on: { seed: { condition: 'service_completed_successfully' } },
          ports: [{ target: 80 }],
        },
        seed: {},
      },
    };
    const plan = planIsolation(m, { ...options, selected: ['api', 'migrate', 'seed'] });
    expect(plan.oneShots).toEqual([
      { service: 'seed', reason: 'completed-dependency' },
      { service: 'migrate', reason: 'restart-no' },
    ]);
    const doc = load(plan.overrideYaml);
    expect(doc.services.migrate).toMatchObject({
      labels: { 'ephemeral.dev/one-shot': 'true' },
      build: { labels: options.resourceLabels },
    });
    expect(doc.services.api!.labels).not.toHaveProperty('ephemeral.dev/one-shot');
  });

  it('warns on network_mode: host', () => {
    expect(
      planIsolation({ services: { x: { network_mode: 'host' } } }, { ...options, selected: ['x'] })
        .warnings[0],
    ).toMatch(/network_mode: host/);
  });
});
