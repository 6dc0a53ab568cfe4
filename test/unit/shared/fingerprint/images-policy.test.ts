import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../actions/shared/src/exec/cli.js';
import {
  enforceDigests,
  mutableReason,
  runtimePins,
  type ServiceImage,
} from '../../../../actions/shared/src/fingerprint/digest-policy.js';
import {
  INSPECT_FORMAT,
  inspectImages,
  parseImageRef,
  pickRepoDigest,
  pinnedRef,
} from '../../../../actions/shared/src/fingerprint/images.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['postgres', 'docker.io/library/postgres', '', ''],
    ['postgres:15', 'docker.io/library/postgres', '15', ''],
    [`postgres:15@${D1}`, 'docker.io/library/postgres', '15', D1],
    ['127.0.0.1:5000/team/app:1', '127.0.0.1:5000/team/app', '1', ''],
    ['ghcr.io/acme/api:v2', 'ghcr.io/acme/api', 'v2', ''],
  ])('%s', (raw, repository, tag, digest) => {
    expect(parseImageRef(raw)).toEqual({ raw, repository, tag, digest });
  });

  it('rejects an invalid reference, naming it', () => {
    expect(() => parseImageRef('UPPER/Case::x')).toThrow(/"UPPER\/Case::x" is not a valid image reference/);
  });

  it('picks the repo digest of the reference’s own repository', () => {
    const ref = parseImageRef('docker.io/library/postgres:15');
    expect(pickRepoDigest(ref, [`mirror.test/postgres@${D2}`, `postgres@${D1}`])).toBe(D1);
    expect(pickRepoDigest(ref, [`mirror.test/postgres@${D2}`])).toBeNull();
  });

  it('pins in the familiar form', () => {
    expect(pinnedRef(parseImageRef('postgres:15'), D1)).toBe(`postgres@${D1}`);
    expect(pinnedRef(parseImageRef('bitnami/redis:7'), D1)).toBe(`bitnami/redis@${D1}`);
    expect(pinnedRef(parseImageRef('127.0.0.1:5000/app:1'), D1)).toBe(`127.0.0.1:5000/app@${D1}`);
  });
});

describe('inspectImages', () => {
  const result = (over: Partial<RunResult>): RunResult => ({
    argv: [],
    exitCode: 0,
    stdout: '',
    stderr: '',
    durationMs: 1,
    timedOut: false,
    truncated: false,
    ...over,
  });

  it('reads IDs and repo digests in one call; a missing image is absent, not an error', async () => {
    const calls: string[][] = [];
    const facts = await inspectImages(['postgres:15', 'gone:1', 'local:1', 'postgres:15'], async (argv) => {
      calls.push([...argv]);
      return result({
        exitCode: 1,
        stdout: [
          JSON.stringify({ Id: D2, RepoDigests: [`postgres@${D1}`] }),
          JSON.stringify({ Id: D1, RepoDigests: null }),
          '',
        ].join('\n'),
        stderr: 'Error response from daemon: no such image: gone:1: No such image: gone:1\n',
      });
    });
    expect(calls).toEqual([
      ['docker', 'image', 'inspect', '--format', INSPECT_FORMAT, '--', 'postgres:15', 'gone:1', 'local:1'],
    ]);
    expect(facts.get('postgres:15')).toMatchObject({ present: true, id: D2, repoDigest: D1 });
    expect(facts.get('gone:1')).toMatchObject({ present: false, id: null, repoDigest: null });
    expect(facts.get('local:1')).toMatchObject({ present: true, id: D1, repoDigest: null });
  });

  it('throws when docker fails for another reason', async () => {
    await expect(
      inspectImages(['x:1'], async () =>
        result({ exitCode: 1, stderr: 'Cannot connect to the Docker daemon' }),
      ),
    ).rejects.toThrow(/Cannot connect/);
  });
});

describe('digest policy', () => {
  const item = (service: string, image: string, lockedDigest = '', built = false): ServiceImage => ({
    service,
    image,
    built,
    lockedDigest,
  });

  it.each([
    [item('a', 'redis'), /no tag/],
    [item('a', 'redis:latest', D1), /uses :latest/],
    [item('a', 'redis:7'), /without a digest in the lock/],
    [item('a', 'redis:7', D1), null],
    [item('a', `redis:7@${D1}`), null],
    [item('a', `redis@${D1}`), null],
    [item('a', 'app:latest', '', true), null],
  ])('%j', (entry, reason) => {
    const got = mutableReason(entry);
    if (reason === null) expect(got).toBeNull();
    else expect(got).toMatch(reason);
  });

  it('refuses with every offending service named and the fix', () => {
    let error: unknown;
    try {
      enforceDigests([item('cache', 'redis:latest'), item('db', 'postgres:15', D1), item('web', 'nginx')]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserInputError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Input "require-digests": .*"cache" \(redis:latest uses :latest\).*"web" \(nginx has no tag/,
    );
    expect(message).not.toMatch(/"db"/);
    expect(message).toMatch(/Fix: pin each image by digest/);
  });

  it('pins locked pulled images only', () => {
    expect(
      runtimePins([
        item('db', 'postgres:15', D1),
        item('cache', 'redis:7'),
        item('api', 'api:dev', D2, true),
        item('x', `x:1@${D2}`, D1),
      ]),
    ).toEqual({ db: `postgres@${D1}` });
  });
});

describe('digest policy before the lock is read', () => {
  it('refuses only :latest and untagged references', () => {
    expect(
      mutableReason({ service: 'a', image: 'redis:7', built: false, lockedDigest: '' }, false),
    ).toBeNull();
    expect(mutableReason({ service: 'a', image: 'redis', built: false, lockedDigest: '' }, false)).toMatch(
      /no tag/,
    );
    expect(() =>
      enforceDigests([{ service: 'a', image: 'redis:7', built: false, lockedDigest: '' }], false),
    ).not.toThrow();
  });
});
