import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { overall, type PsEntry, parsePs, summarise } from '../../actions/shared/src/compose-status.js';
import { UserInputError } from '../../actions/shared/src/errors.js';
import { type ComposeModel, OVERRIDE_TAG, planIsolation } from '../../actions/shared/src/isolation.js';
import { redactModel, registerModelSecrets } from '../../actions/shared/src/redact-config.js';
import { clearSecretsForTests, redact, redactUrlPassword } from '../../actions/shared/src/secrets.js';

const entry = (
  Service: string,
  State: string,
  Health = '',
  ExitCode = 0,
  Publishers: NonNullable<PsEntry['Publishers']> = [],
): PsEntry => ({
  Name: `p-${Service}-1`,
  Service,
  State,
  Health,
  ExitCode,
  Publishers,
});

describe('compose ps parsing and verdicts', () => {
  it('parses both the array (< 2.21) and the line-per-object (≥ 2.21) formats', () => {
    const a = entry('db', 'running', 'healthy');
    expect(parsePs(JSON.stringify([a]))).toEqual([a]);
    expect(parsePs(`${JSON.stringify(a)}\n${JSON.stringify(a)}\n`)).toHaveLength(2);
    expect(parsePs('')).toEqual([]);
  });

  it('counts a one-shot that exited 0 as done (docker/compose#10596) and non-zero exits as failed', () => {
    const map = summarise(
      [entry('db', 'running', 'healthy'), entry('migrate', 'exited', '', 0), entry('api', 'running')],
      ['db', 'migrate', 'api'],
    );
    expect(map.migrate!.verdict).toBe('done');
    expect(overall(map)).toBe('ready');
    const failed = summarise([entry('migrate', 'exited', '', 3)], ['migrate']);
    expect(failed.migrate).toMatchObject({ verdict: 'failed', exitCode: 3 });
    expect(overall(failed)).toBe('failed');
  });

  it.each([
    ['running', 'starting', 'pending'],
    ['running', 'unhealthy', 'failed'],
    ['restarting', '', 'pending'],
    ['created', '', 'pending'],
    ['dead', '', 'failed'],
  ])('%s/%s → %s', (state, health, verdict) => {
    expect(summarise([entry('s', state, health, 1)], ['s']).s!.verdict).toBe(verdict);
  });

  it('marks an expected service without a container as missing and pending', () => {
    const map = summarise([entry('db', 'running')], ['db', 'api']);
    expect(map.api).toMatchObject({ state: 'missing', verdict: 'pending' });
    expect(overall(map)).toBe('pending');
    expect(overall(map, ['db'])).toBe('ready');
  });

  it('maps published ports to 127.0.0.1 for all-interface bindings, preferring the IPv4 entry', () => {
    const map = summarise(
      [
        entry('api', 'running', '', 0, [
          { URL: '::', TargetPort: 8080, PublishedPort: 49153, Protocol: 'tcp' },
          { URL: '0.0.0.0', TargetPort: 8080, PublishedPort: 49153, Protocol: 'tcp' },
          { URL: '127.0.0.1', TargetPort: 9090, PublishedPort: 49160, Protocol: 'tcp' },
          { URL: '', TargetPort: 7000, PublishedPort: 0, Protocol: 'tcp' },
        ]),
      ],
      ['api'],
    );
    expect(map.api!.ports).toEqual({ '8080/tcp': '127.0.0.1:49153', '9090/tcp': '127.0.0.1:49160' });
  });
});

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

describe('secret redaction', () => {
  it('registers secret-looking env values and URL passwords, and redacts the config dump', () => {
    clearSecretsForTests();
    registerModelSecrets(model);
    const dump = JSON.stringify(redactModel(model));
    expect(dump).not.toContain('s3cret-pw');
    expect(dump).not.toContain('url-pw-123');
    expect(dump).toContain('"LOG_LEVEL":"info"');
    expect(redact('connect with s3cret-pw and url-pw-123')).toBe('connect with *** and ***');
    expect(model.services!.db!.environment!.POSTGRES_PASSWORD).toBe('s3cret-pw');
  });

  it('removes URL passwords', () => {
    expect(redactUrlPassword('redis://:pw@h:6379 and postgres://u:p%40ss@h/db')).toBe(
      'redis://:pw@h:6379 and postgres://u:***@h/db',
    );
  });
});
