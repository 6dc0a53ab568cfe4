/**
 * The regular files of a tar archive (gzip or not), read with the `tar` package's parser: one reader for
 * every archive the actions open (a packaged chart's files for its fingerprint, its Chart.yaml for the
 * `chart-version` check).
 */
import * as tar from 'tar';

/**
 * The regular files of a whole archive held in memory, as `[path, bytes]` in archive order, paths as stored
 * (a packaged chart's top folder included). Directories, links and other entry types are left out.
 * @param bytes the archive's bytes (`.tgz` or `.tar`)
 * @param wanted only the entries whose stored path it accepts are read (default: every file)
 * @throws Error from the `tar` parser on a corrupt archive
 */
export function tarEntries(
  bytes: Buffer,
  wanted: (path: string) => boolean = () => true,
): Array<[string, Buffer]> {
  const pending: Array<{ path: string; chunks: Buffer[] }> = [];
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      if ((entry.type !== 'File' && entry.type !== 'OldFile') || !wanted(entry.path)) {
        entry.resume();
        return;
      }
      const item = { path: entry.path, chunks: [] as Buffer[] };
      pending.push(item);
      entry.on('data', (chunk: Buffer) => item.chunks.push(chunk));
    },
  });
  parser.end(bytes); // synchronous for a whole buffer
  return pending.map((item) => [item.path, Buffer.concat(item.chunks)]);
}
