/**
 * The report upload against a local artifact service (GitHub's Twirp API shape, on loopback): an upload
 * that keeps failing with a retryable error is abandoned at its deadline with a warning, as against
 * nektos/act's artifact server, which answers every CreateArtifact of @actions/artifact ≥ 2.3 with an
 * empty 500 (nektos/act#6022); a non-retryable error is a warning at once. Neither throws.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uploadAbandoned, uploadReport } from '../../../../actions/shared/src/report/artifact.js';

const requests: string[] = [];
let answer: (req: IncomingMessage) => { status: number; body: string };
let server: Server;

// A runtime token as the runner issues it: the scp claim carries the run and job backend ids.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: 'Actions.Results:7:9' })}.sig`;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const { status, body } = answer(req);
      res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  vi.stubEnv('ACTIONS_RUNTIME_TOKEN', token);
  vi.stubEnv('ACTIONS_RESULTS_URL', `http://127.0.0.1:${port}/`);
});
afterAll(() => {
  vi.unstubAllEnvs();
  server.close();
});

function reportDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'artifact-test-'));
  writeFileSync(join(dir, 'report.json'), '{"schema":"ephemeral-report/v1"}');
  return dir;
}

async function upload(timeoutMs: number) {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const id = await uploadReport('always', false, 'ephemeral-test', reportDir(), 1, timeoutMs);
    return { id, out: out.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('uploadReport', () => {
  it('a non-retryable answer is a warning at once, nothing abandoned', async () => {
    requests.length = 0;
    answer = () => ({ status: 400, body: JSON.stringify({ code: 'invalid_argument', msg: 'no such run' }) });
    const { id, out } = await upload(60_000);
    expect(id).toBeNull();
    expect(out).toMatch(/::warning::upload-report: the upload failed: Failed to CreateArtifact: .*400/);
    expect(requests).toEqual(['POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact']);
    expect(uploadAbandoned()).toBe(false);
  });

  it('an empty 500 on every try (act’s artifact server) is abandoned at the deadline with a warning', async () => {
    requests.length = 0;
    answer = () => ({ status: 500, body: '' });
    const { id, out } = await upload(500);
    expect(id).toBeNull();
    expect(out).toMatch(
      /::warning::upload-report: the artifact service did not take the upload within 0\.5 s; gave up \(the report stays at /,
    );
    // The client got the 500 and was waiting to retry (its first backoff is 3 s) when the deadline came.
    expect(requests[0]).toBe('POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact');
    expect(uploadAbandoned()).toBe(true);
  });
});
