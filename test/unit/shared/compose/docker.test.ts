/** The docker inventory: one `ls` per kind with exactly the labels read, parsing, and the removal argv. */
import { describe, expect, it } from 'vitest';
import {
  type DockerResource,
  listArgs,
  parseList,
  removeArgs,
  stopArgs,
} from '../../../../actions/shared/src/compose/docker.js';

const resource = (kind: DockerResource['kind'], id: string, name = id): DockerResource => ({
  kind,
  id,
  name,
  labels: {},
});

describe('docker inventory', () => {
  it('lists by label filters (AND) with exactly the labels it reads, no inspect', () => {
    const argv = listArgs('container', ['a=b', 'c']);
    expect(argv.slice(0, 9)).toEqual([
      'docker',
      'container',
      'ls',
      '--all',
      '--no-trunc',
      '--filter',
      'label=a=b',
      '--filter',
      'label=c',
    ]);
    expect(argv.at(-1)).toMatch(
      /^\{\{\.ID\}\}\t\{\{\.Names\}\}\t\{\{\.Label "com\.docker\.compose\.project"\}\}/,
    );
    expect(listArgs('volume', []).slice(0, 3)).toEqual(['docker', 'volume', 'ls']);
    expect(listArgs('image', ['k=v']).at(-1)).toBe('{{.ID}}\t{{.Repository}}:{{.Tag}}');
  });

  it('parses rows into resources with their labels; image rows of one ID merge', () => {
    const row = ['id1', 'p-db-1', 'p', 'db', 'ephemeral', 'p'].join('\t');
    expect(parseList('container', `${row}\n`, [])).toEqual([
      {
        kind: 'container',
        id: 'id1',
        name: 'p-db-1',
        labels: {
          'com.docker.compose.project': 'p',
          'com.docker.compose.service': 'db',
          'ephemeral.dev/managed-by': 'ephemeral',
          'ephemeral.dev/environment': 'p',
        },
      },
    ]);
    const images = parseList(
      'image',
      'sha256:a\tp-api:latest\nsha256:a\tp-seed:latest\nsha256:b\t<none>:<none>\n',
      ['ephemeral.dev/environment=p'],
    );
    expect(images).toEqual([
      {
        kind: 'image',
        id: 'sha256:a',
        name: 'p-api:latest p-seed:latest',
        labels: { 'ephemeral.dev/environment': 'p' },
      },
      { kind: 'image', id: 'sha256:b', name: '', labels: { 'ephemeral.dev/environment': 'p' } },
    ]);
    // Images go by tag (no --force needed for several tags), untagged ones by ID.
    expect(removeArgs('image', images)).toEqual([
      'docker',
      'image',
      'rm',
      'p-api:latest',
      'p-seed:latest',
      'sha256:b',
    ]);
  });

  it('stops containers gracefully, then removes them forcibly with their anonymous volumes', () => {
    expect(stopArgs([resource('container', 'x')], 10)).toEqual([
      'docker',
      'container',
      'stop',
      '--time',
      '10',
      'x',
    ]);
    expect(removeArgs('container', [resource('container', 'x')])).toEqual([
      'docker',
      'container',
      'rm',
      '--force',
      '--volumes',
      'x',
    ]);
    expect(removeArgs('network', [resource('network', 'n1'), resource('network', 'n2')])).toEqual([
      'docker',
      'network',
      'rm',
      'n1',
      'n2',
    ]);
  });
});
