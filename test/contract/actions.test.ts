/**
 * Contract: each action.yml is node24 with existing dist entries; its inputs and outputs equal the code's
 * constants; the generated dist/ and action-docs/ (and the README index) are current.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import * as deployNamespace from '../../actions/deploy-namespace/src/contract.js';
import * as provision from '../../actions/provision-compose/src/contract.js';
import * as teardown from '../../actions/teardown/src/contract.js';
import * as verify from '../../actions/verify-seed/src/contract.js';
import * as wait from '../../actions/wait-ready/src/contract.js';

const root = resolve(import.meta.dirname, '../..');
const CONTRACTS: Record<string, { INPUTS: Record<string, string>; OUTPUTS: Record<string, string> }> = {
  'provision-compose': provision,
  'deploy-namespace': deployNamespace,
  'wait-ready': wait,
  'verify-seed': verify,
  teardown,
};

interface ActionYml {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

const load = (path: string) => parseYaml(readFileSync(join(root, path), 'utf8')) as ActionYml;

describe.each(Object.keys(CONTRACTS))('%s/action.yml', (name) => {
  const action = load(`${name}/action.yml`);
  const contract = CONTRACTS[name]!;

  it('runs on node24 from existing dist entries', () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs.main).toBe(`../dist/${name}/index.js`);
    for (const entry of [action.runs.main, action.runs.post].filter(Boolean) as string[]) {
      expect(existsSync(resolve(root, name, entry)), entry).toBe(true);
    }
  });

  it('declares exactly the inputs and outputs the code reads and writes', () => {
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual(Object.values(contract.INPUTS).sort());
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual(Object.values(contract.OUTPUTS).sort());
  });

  it('describes every input and output, and gives every optional input a default', () => {
    for (const [key, input] of Object.entries(action.inputs ?? {})) {
      expect(input.description, key).toBeTruthy();
      if (!input.required) expect(input.default, key).toBeDefined();
    }
    for (const [key, output] of Object.entries(action.outputs ?? {}))
      expect(output.description, key).toBeTruthy();
  });

  it('holds only action.yml and a README pointing at action-docs', () => {
    expect(readdirSync(join(root, name)).sort()).toEqual(['README.md', 'action.yml']);
    expect(readFileSync(join(root, name, 'README.md'), 'utf8')).toContain(`action-docs/${name}.md`);
  });
});

describe('the repository', () => {
  it('root action.yml is not an action: it fails naming org/ephemeral/<name>@v1', () => {
    const action = load('action.yml');
    expect(action.runs.using).toBe('node24');
    const result = (() => {
      try {
        execFileSync(process.execPath, [join(root, action.runs.main)], {
          encoding: 'utf8',
          env: { ...process.env, GITHUB_OUTPUT: '' },
        });
        return '';
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    })();
    expect(result).toMatch(/::error::.*use org\/ephemeral\/<name>@v1/);
  });

  it('provision-compose post runs after failures and cancellations unless kept', () => {
    const action = load('provision-compose/action.yml');
    expect(action.runs.post).toBe('../dist/provision-compose/post.js');
    expect(action.runs['post-if']).toBe("always() && env.EPHEMERAL_KEEP != 'true'");
  });

  it('dist/ is current: a fresh bundle equals the committed one', () => {
    const out = mkdtempSync(join(tmpdir(), 'dist-'));
    execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), '--out', out], { stdio: 'pipe' });
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort();
    const committed = join(root, 'dist');
    expect(files(committed)).toEqual(files(out));
    for (const file of files(out)) {
      const same = readFileSync(join(out, file)).equals(readFileSync(join(committed, file)));
      expect(same, `dist/${file} differs from a fresh bundle: run npm run bundle and commit dist/`).toBe(
        true,
      );
    }
  });

  it('action-docs/ and the README index are current', () => {
    const result = (() => {
      try {
        execFileSync(process.execPath, [join(root, 'scripts/docs.mjs'), '--check'], {
          stdio: 'pipe',
          encoding: 'utf8',
        });
        return '';
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(result, 'run npm run docs and commit').toBe('');
  });

  it('dist/ is marked generated in .gitattributes', () => {
    expect(readFileSync(join(root, '.gitattributes'), 'utf8')).toMatch(/^dist\/\*\* .*linguist-generated/m);
  });
});
