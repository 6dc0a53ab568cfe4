/** isolation: vcluster with manifests: which Services are created by a POST before the server-side apply. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMissingServices,
  missingServices,
  readSource,
} from '../../../actions/deploy-namespace/src/create-services.js';
import { Kubectl } from '../../../actions/shared/src/kube/kubectl.js';
import { runResult } from '../helpers.js';

const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec: {}\n`;

describe('missingServices', () => {
  it('keeps the Services not yet in the namespace, in source order, from documents and Lists', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'Service', metadata: { name: 'c' } }],
    });
    const text = [svc('a'), 'kind: Deployment\nmetadata: {name: a}\n', svc('b'), list, ''].join('---\n');
    expect(missingServices(text, ['service/b', '']).map((o) => o.metadata?.name)).toEqual(['a', 'c']);
    expect(missingServices(text, ['service/a', 'service/b', 'service/c'])).toEqual([]);
  });
});

describe('readSource and createMissingServices', () => {
  it('reads the manifest files as apply --recursive does, and creates only the missing Services', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-services-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.yaml'), svc('a'));
    writeFileSync(
      join(dir, 'sub', 'b.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } }),
    );
    writeFileSync(join(dir, 'notes.txt'), svc('ignored'));
    const calls: Array<{ args: string[]; input?: string }> = [];
    const kubectl = new Kubectl({}, async (argv, options) => {
      const args = argv.slice(1);
      calls.push({ args, input: options?.input });
      const stdout = args[0] === 'get' ? 'service/a\n' : args[0] === 'create' ? 'service/b\n' : '';
      return runResult(stdout, 0, '', args);
    });
    const text = await readSource(kubectl, { manifests: [dir] }, 1000);
    expect(text).toContain('name: a');
    expect(text).not.toContain('ignored');
    const logs: string[] = [];
    const created = await createMissingServices(kubectl, 'ns', { manifests: [dir] }, 1000, (l) =>
      logs.push(l),
    );
    expect(created).toEqual(['service/b']);
    const create = calls.find((c) => c.args[0] === 'create')!;
    expect(create.args).toEqual(['create', '--namespace', 'ns', '--output', 'name', '--filename', '-']);
    expect(
      JSON.parse(create.input!).items.map((o: { metadata: { name: string } }) => o.metadata.name),
    ).toEqual(['b']);
    expect(logs[0]).toMatch(/^created service\/b /);
  });
});
