/** What a teardown removed: one model for Compose projects and namespaces, the v1 JSON shape kept. */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  type ComposeRemoval,
  describeRemoval,
  type NamespaceRemoval,
  RemovedSection,
  removalSucceeded,
  removedJson,
} from '../../../../actions/shared/src/report/removed.js';
import schema from '../../../../actions/shared/src/report/report.schema.json' with { type: 'json' };

const ajv = new Ajv({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateRemoved = ajv.compile(schema.properties.removed);

const compose: ComposeRemoval = {
  kind: 'compose',
  status: 'partial',
  containers: ['app-db-1'],
  networks: ['app_default'],
  volumes: [],
  images: ['app-api:latest'],
  failures: ['volume app_data: in use'],
};
const namespace: NamespaceRemoval = {
  kind: 'namespace',
  status: 'removed',
  namespace: 'app-pr-7-abc123',
  releases: ['shop', 'db'],
  holders: [],
  failures: [],
};

describe('removedJson', () => {
  it('a Compose removal keeps the v1 shape, without the kind or the reason', () => {
    const json = removedJson({ ...compose, reason: 'x' });
    expect(json).toEqual({
      status: 'partial',
      containers: ['app-db-1'],
      networks: ['app_default'],
      volumes: [],
      images: ['app-api:latest'],
      failures: ['volume app_data: in use'],
    });
    expect(validateRemoved(json), JSON.stringify(validateRemoved.errors)).toBe(true);
  });

  it('a namespace removal has empty Compose lists plus namespace and releases, as v1 did', () => {
    const json = removedJson(namespace);
    expect(json).toEqual({
      status: 'removed',
      containers: [],
      networks: [],
      volumes: [],
      failures: [],
      namespace: 'app-pr-7-abc123',
      releases: ['shop', 'db'],
    });
    expect(validateRemoved(json), JSON.stringify(validateRemoved.errors)).toBe(true);
  });
});

describe('the removed section', () => {
  it('is empty until set; then the JSON and one summary line per kind, failures listed', () => {
    const section = new RemovedSection();
    expect(section.fields()).toEqual({});
    expect(section.summary()).toEqual([]);
    section.set(compose);
    expect(section.fields()).toEqual({ removed: removedJson(compose) });
    expect(section.summary()).toEqual([
      '**Teardown:** partial — 1 container(s), 1 network(s), 0 volume(s), 1 image(s) removed.',
      '',
      '- ⚠️ volume app_data: in use',
      '',
    ]);
    section.set(namespace);
    expect(section.summary()[0]).toBe(
      '**Teardown:** removed — namespace `app-pr-7-abc123`, 2 Helm release(s) uninstalled (shop, db).',
    );
  });

  it('success means nothing is left', () => {
    expect(removalSucceeded(namespace)).toBe(true);
    expect(removalSucceeded({ ...namespace, status: 'already-gone' })).toBe(true);
    expect(removalSucceeded(compose)).toBe(false);
    expect(removalSucceeded({ ...namespace, status: 'refused' })).toBe(false);
    expect(describeRemoval({ ...namespace, releases: [] })).toBe(
      'removed — namespace `app-pr-7-abc123`, 0 Helm release(s) uninstalled',
    );
  });
});
