/** tarEntries: the one tar reader (packaged charts' files, a packaged chart's Chart.yaml). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { tarEntries } from '../../../../actions/shared/src/runtime/tar-entries.js';

const root = mkdtempSync(join(tmpdir(), 'tar-entries-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A `.tgz` (or plain `.tar`) of `files` under `top/`, with an empty folder and a symlink beside them. */
function archive(files: Record<string, string>, gzip: boolean): Buffer {
  const dir = mkdtempSync(join(root, 'src-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, 'top', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'top', path), text);
  }
  mkdirSync(join(dir, 'top', 'empty'), { recursive: true });
  symlinkSync('Chart.yaml', join(dir, 'top', 'link'));
  const out = join(dir, gzip ? 'a.tgz' : 'a.tar');
  tar.c({ gzip, file: out, cwd: dir, sync: true, portable: true }, ['top']);
  return readFileSync(out);
}

describe('tarEntries', () => {
  it.each([true, false])('gives every regular file with its stored path and bytes (gzip %s)', (gzip) => {
    const entries = tarEntries(archive({ 'Chart.yaml': 'version: 1.0.0\n', 'templates/a.yaml': 'a' }, gzip));
    expect(Object.fromEntries(entries.map(([p, b]) => [p, b.toString('utf8')]))).toEqual({
      'top/Chart.yaml': 'version: 1.0.0\n',
      'top/templates/a.yaml': 'a',
    });
  });

  it('reads only the entries `wanted` accepts', () => {
    const bytes = archive({ 'Chart.yaml': 'x', 'charts/sub/Chart.yaml': 'y', 'values.yaml': 'z' }, true);
    const entries = tarEntries(bytes, (path) => /^[^/]+\/Chart\.yaml$/.test(path));
    expect(entries.map(([p]) => p)).toEqual(['top/Chart.yaml']);
  });

  it('gives nothing for an archive without files', () => {
    expect(tarEntries(archive({}, true))).toEqual([]);
  });
});
